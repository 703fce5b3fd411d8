package backbonetest

import (
	"context"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// A consumer whose handler takes each event on its own (Config.GapWait)
// applies an event whose predecessor never reaches it once it has waited,
// instead of dead-lettering it; an event only overtaken by its predecessor
// within the wait is still applied in order; and a predecessor that comes
// after its successor was taken is applied late. Nothing is dead-lettered.
func TestAnEventWhosePredecessorNeverComesIsAppliedAfterTheGapWait(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	cons := start(l.consumer(consumer.Config{GapWait: time.Second}, effect("")).Run)
	defer cons.stop()
	publish := func(account string, seq, amount int64) {
		t.Helper()
		e, err := catalogue.Event(account, time.Now(), EntryRecorded{Account: account, Amount: amount})
		if err != nil {
			t.Fatal(err)
		}
		e.Sequence = seq
		if _, err := l.js.PublishMsg(ctx, e.Msg(nil)); err != nil {
			t.Fatal(err)
		}
	}

	// Entry 1 of "upgraded" was published before the consumer read it.
	began := time.Now()
	publish("upgraded", 2, 20)
	testkit.Eventually(t, 20*time.Second, "entry 2 applied without entry 1", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM effect WHERE account = 'upgraded'") == 1
	})
	if waited := time.Since(began); waited < time.Second {
		t.Errorf("entry 2 was applied after %s, before its predecessor had a second to come", waited)
	}
	// Entry 4 overtakes entry 3 by less than the wait: order holds.
	publish("upgraded", 4, 40)
	time.Sleep(200 * time.Millisecond)
	publish("upgraded", 3, 30)
	testkit.Eventually(t, 20*time.Second, "entries 3 and 4 applied", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM effect WHERE account = 'upgraded'") == 3
	})
	// Entry 1 comes after all: late, but applied.
	publish("upgraded", 1, 10)
	testkit.Eventually(t, 20*time.Second, "entry 1 applied late", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM effect WHERE account = 'upgraded'") == 4
	})
	// The handler notes an event applied out of order: entry 2 (after
	// nothing) and entry 1 (after 4) were, entries 3 and 4 not.
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM order_violation WHERE seq IN (3, 4)"); n != 0 {
		t.Errorf("%d of entries 3 and 4 applied out of order", n)
	}
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM dead_letter"); n != 0 {
		t.Errorf("%d dead letters", n)
	}
}
