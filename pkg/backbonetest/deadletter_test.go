package backbonetest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// TestAPoisonEventIsDeadLetteredWithoutBlockingAndReplaysOnceFixed sends a
// poison event among good ones: it is parked after the configured attempts,
// the events behind it (of its own aggregate too) are applied, and a replay
// after the fix applies it exactly once.
func TestAPoisonEventIsDeadLetteredWithoutBlockingAndReplaysOnceFixed(t *testing.T) {
	l := newLedger(t)
	var fixed atomic.Bool
	handler := func(ctx context.Context, tx pgx.Tx, e event.Event) error {
		p, err := contract.Decode[EntryRecorded](e)
		if err != nil {
			return err
		}
		if p.Amount == 666 && !fixed.Load() {
			return errors.New("cannot apply the amount 666")
		}
		_, err = tx.Exec(ctx, "INSERT INTO effect (event_id, account, seq, amount) VALUES ($1, $2, $3, $4)", e.ID, p.Account, e.Sequence, p.Amount)
		return err
	}
	relay := start(l.relay().Run)
	defer relay.stop()
	cons := start(l.consumer(consumer.Config{MaxAttempts: 3, ReplayInterval: 100 * time.Millisecond}, handler).Run)
	defer cons.stop()

	for i, amount := range []int64{1, 666, 2, 3} {
		if err := l.record(context.Background(), "poisoned", amount); err != nil {
			t.Fatal(err)
		}
		if err := l.record(context.Background(), "healthy", int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, 30*time.Second, "the events behind the poison applied", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM effect") == 7
	})
	var id int64
	var attempts int
	var cause string
	if err := l.pool.QueryRow(context.Background(), "SELECT id, attempts, error FROM dead_letter").Scan(&id, &attempts, &cause); err != nil {
		t.Fatalf("no dead letter: %v", err)
	}
	if attempts != 3 || cause == "" {
		t.Fatalf("dead letter after %d attempts with error %q, want 3 and the cause", attempts, cause)
	}
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM effect WHERE amount = 666"); n != 0 {
		t.Fatal("the poison event had an effect")
	}

	fixed.Store(true)
	if err := consumer.RequestReplay(context.Background(), l.pool, id); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "the replayed event applied", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM effect WHERE amount = 666") == 1
	})
	testkit.Eventually(t, 5*time.Second, "the dead letter marked replayed", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM dead_letter WHERE replayed_at IS NOT NULL") == 1
	})
	if err := consumer.RequestReplay(context.Background(), l.pool, id); !errors.Is(err, consumer.ErrNoDeadLetter) {
		t.Fatalf("second replay: %v, want ErrNoDeadLetter", err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM effect"); n != 8 {
		t.Fatalf("%d effects, want 8", n)
	}
}

// TestRepublishingARetainedRangeRestoresEffectsAfterAPurge loses the
// stream's content after the relay published it, then re-publishes the
// range from the outbox: the missing effects appear, none twice.
func TestRepublishingARetainedRangeRestoresEffectsAfterAPurge(t *testing.T) {
	l := newLedger(t)
	from := time.Now().Add(-time.Minute)
	relay := start(l.relay().Run)
	defer relay.stop()

	// The first 100 events are consumed before the broker loses data.
	cons := start(l.consumer(consumer.Config{}, effect("a")).Run)
	l.produce(100, 10, 2)
	testkit.Eventually(t, 30*time.Second, "100 effects", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM effect") == 100
	})
	cons.stop()

	// The next 200 are acknowledged by the broker, then lost with the stream.
	l.produce(200, 10, 2)
	testkit.Eventually(t, 30*time.Second, "the outbox drained", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
	})
	s, err := l.js.Stream(context.Background(), "LEDGER")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}

	n, err := outbox.Republish(context.Background(), l.pool, from, time.Now().Add(time.Minute))
	if err != nil || n != 300 {
		t.Fatalf("republished %d events (%v), want 300", n, err)
	}
	cons = start(l.consumer(consumer.Config{}, effect("a")).Run)
	defer cons.stop()
	l.assertExactlyOnce(300)
}
