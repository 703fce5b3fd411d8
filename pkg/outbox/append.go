// Package outbox makes a state change and its events one Postgres
// transaction, and relays committed events to JetStream until they are
// acknowledged.
package outbox

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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
	if len(events) >= bulkAppend {
		return appendBulk(ctx, tx, headers, events)
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

// bulkAppend is where one statement per event costs more than numbering
// all aggregates in one statement and copying the rows.
const bulkAppend = 64

type aggregate struct{ typ, id string }

// appendBulk numbers the events of each aggregate with one upsert of all
// their sequence rows, then copies the events in. The upsert takes the
// sequence rows' locks in key order, so two bulk writers cannot deadlock.
func appendBulk(ctx context.Context, tx pgx.Tx, headers []byte, events []*event.Event) error {
	counts := map[aggregate]int64{}
	for _, e := range events {
		counts[aggregate{e.AggregateType, e.AggregateID}]++
	}
	aggs := slices.SortedFunc(maps.Keys(counts), func(a, b aggregate) int {
		return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.id, b.id))
	})
	types, ids, ns := make([]string, len(aggs)), make([]string, len(aggs)), make([]int64, len(aggs))
	for i, a := range aggs {
		types[i], ids[i], ns[i] = a.typ, a.id, counts[a]
	}
	rows, err := tx.Query(ctx, `
INSERT INTO outbox_sequence AS s (aggregate_type, aggregate_id, last_seq)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET last_seq = s.last_seq + excluded.last_seq
RETURNING aggregate_type, aggregate_id, last_seq`, types, ids, ns)
	if err != nil {
		return fmt.Errorf("number %d events: %w", len(events), err)
	}
	// next holds each aggregate's first new number, counted up as events take them.
	next := make(map[aggregate]int64, len(aggs))
	for rows.Next() {
		var a aggregate
		var last int64
		if err := rows.Scan(&a.typ, &a.id, &last); err != nil {
			rows.Close()
			return fmt.Errorf("number %d events: %w", len(events), err)
		}
		next[a] = last - counts[a] + 1
	}
	if rows.Close(); rows.Err() != nil {
		return fmt.Errorf("number %d events: %w", len(events), rows.Err())
	}
	for _, e := range events {
		a := aggregate{e.AggregateType, e.AggregateID}
		e.Sequence = next[a]
		next[a]++
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"outbox"},
		[]string{"id", "aggregate_type", "aggregate_id", "aggregate_seq", "subject", "type", "source", "occurred_at", "payload", "headers"},
		pgx.CopyFromSlice(len(events), func(i int) ([]any, error) {
			e := events[i]
			return []any{e.ID, e.AggregateType, e.AggregateID, e.Sequence, e.Subject, e.Type, e.Source, e.Time, []byte(e.Data), headers}, nil
		}))
	if err != nil {
		return fmt.Errorf("append %d events to outbox: %w", len(events), err)
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
