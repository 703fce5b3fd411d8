package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func events(aggregates, each int) []*event.Event {
	var out []*event.Event
	for i := range each {
		for a := range aggregates {
			out = append(out, &event.Event{ID: event.NewID(), AggregateType: "ledger.account", AggregateID: fmt.Sprintf("acct-%03d", a),
				Subject: "test.ledger.posted", Type: "ledger.posted", Source: "test", Time: time.Now(), Data: []byte(fmt.Sprintf(`{"i":%d}`, i))})
		}
	}
	return out
}

func appendAll(ctx context.Context, pool *pgxpool.Pool, es []*event.Event) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Append(ctx, tx, es...) })
}

// TestBulkAndSingleAppendsNumberEachAggregateWithoutGaps mixes small appends
// (one statement per event) with bulk ones (one upsert and a COPY), some of
// them concurrent over the same aggregates in different orders, and checks
// that every aggregate's events are numbered 1..n in commit order.
func TestBulkAndSingleAppendsNumberEachAggregateWithoutGaps(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "outboxtest", nil)
	ctx := context.Background()

	single := events(3, 2)
	if err := appendAll(ctx, pool, single); err != nil {
		t.Fatal(err)
	}
	bulk := events(100, 3) // 300 events: the bulk path
	if err := appendAll(ctx, pool, bulk); err != nil {
		t.Fatal(err)
	}
	// Each event's sequence was written back, continuing what was there.
	if got := bulk[0].Sequence; got != 3 { // acct-000 had 2
		t.Errorf("first bulk event of acct-000: sequence %d, want 3", got)
	}
	if got := bulk[len(bulk)-1].Sequence; got != 3 { // acct-099 was new: its third event
		t.Errorf("last bulk event of acct-099: sequence %d, want 3", got)
	}

	// Concurrent bulk writers over overlapping aggregates, listed in opposite
	// orders: the key-ordered upsert keeps them from deadlocking.
	var g errgroup.Group
	for w := range 4 {
		g.Go(func() error {
			es := events(100, 2)
			if w%2 == 1 {
				for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
					es[i], es[j] = es[j], es[i]
				}
			}
			for range 5 {
				fresh := make([]*event.Event, len(es))
				for i, e := range es {
					c := *e
					c.ID = event.NewID()
					fresh[i] = &c
				}
				if err := appendAll(ctx, pool, fresh); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}

	// Per aggregate: sequences 1..n with no gap or repeat, and positions
	// (commit order within the table) agree with sequence order.
	bad := testkit.Count(t, pool, `
SELECT count(*) FROM (
    SELECT aggregate_seq, row_number() OVER (PARTITION BY aggregate_type, aggregate_id ORDER BY position) AS rn
    FROM outbox) x
WHERE aggregate_seq <> rn`)
	if bad != 0 {
		t.Errorf("%d events out of sequence", bad)
	}
	if n := testkit.Count(t, pool, `SELECT count(*) FROM outbox`); n != int64(len(single)+len(bulk)+4*5*200) {
		t.Errorf("outbox has %d events", n)
	}
	if n := testkit.Count(t, pool, `SELECT max(last_seq) FROM outbox_sequence WHERE aggregate_id = 'acct-000'`); n != 2+3+4*5*2 {
		t.Errorf("acct-000 last sequence %d", n)
	}
}
