// Package outbox makes a state change and its events one Postgres
// transaction, and relays committed events to JetStream until they are
// acknowledged.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/propagation"

	"github.com/rapportcrm/rapport/pkg/event"
)

// The sequence row is locked by the upsert until the transaction ends, so two
// writers of one aggregate take their numbers in commit order.
const appendSQL = `
WITH seq AS (
    INSERT INTO outbox_sequence AS s (aggregate_type, aggregate_id, last_seq) VALUES ($2, $3, 1)
    ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_seq = s.last_seq + 1
    RETURNING last_seq)
INSERT INTO outbox (id, aggregate_type, aggregate_id, aggregate_seq, subject, type, source, occurred_at, payload, headers)
SELECT $1, $2, $3, seq.last_seq, $4, $5, $6, $7, $8, $9 FROM seq
RETURNING aggregate_seq`

var traceContext = propagation.TraceContext{}

// Append records events inside tx, numbering each within its aggregate, and
// stores the caller's trace context with them so that the relay and every
// consumer continue the caller's trace. The sequence numbers are written back
// into events.
func Append(ctx context.Context, tx pgx.Tx, events ...*event.Event) error {
	if len(events) == 0 {
		return nil
	}
	carrier := propagation.MapCarrier{}
	traceContext.Inject(ctx, carrier)
	headers, err := json.Marshal(carrier)
	if err != nil {
		return fmt.Errorf("encode trace headers: %w", err)
	}
	b := &pgx.Batch{}
	for _, e := range events {
		b.Queue(appendSQL, e.ID, e.AggregateType, e.AggregateID, e.Subject, e.Type, e.Source, e.Time, []byte(e.Data), headers)
	}
	res := tx.SendBatch(ctx, b)
	for _, e := range events {
		if err := res.QueryRow().Scan(&e.Sequence); err != nil {
			res.Close()
			return fmt.Errorf("append %s %s to outbox: %w", e.Type, e.ID, err)
		}
	}
	if err := res.Close(); err != nil {
		return fmt.Errorf("append to outbox: %w", err)
	}
	return nil
}

// Republish marks the published events that occurred in [from, to) as
// unpublished again, so the relay sends them once more, in their original
// order. It is the repair after a broker lost acknowledged messages; the
// consumers' inboxes make the second delivery harmless. It returns how many
// events were queued.
func Republish(ctx context.Context, pool *pgxpool.Pool, from, to time.Time) (int64, error) {
	tag, err := pool.Exec(ctx, `
UPDATE outbox SET published_at = NULL, republished = republished + 1
WHERE occurred_at >= $1 AND occurred_at < $2 AND published_at IS NOT NULL`, from, to)
	if err != nil {
		return 0, fmt.Errorf("republish %s..%s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	return tag.RowsAffected(), nil
}
