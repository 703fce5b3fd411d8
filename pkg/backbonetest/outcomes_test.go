package backbonetest

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// outcomes reads rapport_consumer_events_total by outcome from reg.
func outcomes(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "rapport_consumer_events_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" {
					got[l.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	return got
}

// TestConsumerOutcomesTellSkippedEventsFromDuplicates counts, apart, the
// events a consumer reads only to keep its aggregates' order (skipped) and
// the ones it had applied before (duplicate): an operator who sees
// duplicates looks for redeliveries, and must not find ordinary traffic.
func TestConsumerOutcomesTellSkippedEventsFromDuplicates(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	relay := start(l.relay().Run)
	defer relay.stop()
	for i := range 3 {
		if err := l.record(ctx, "acc", int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}

	// A consumer of another subject of the same aggregate reads the three
	// entries only to move the account's position.
	closures := prometheus.NewRegistry()
	c := consumer.New(l.pool, l.js, effect("closures"), l.tp, l.log, closures,
		consumer.Config{Name: "ledger-closures", Stream: "LEDGER", Subjects: []string{"ledger.account.closed"}, AckWait: 3 * time.Second})
	w := start(c.Run)
	testkit.Eventually(t, 15*time.Second, "three entries skipped", func() bool { return outcomes(t, closures)["skipped"] == 3 })
	w.stop()
	if got := outcomes(t, closures); got["duplicate"] != 0 || got["applied"] != 0 {
		t.Fatalf("outcomes of a consumer that handles none of the events: %v", got)
	}

	first := prometheus.NewRegistry()
	c = consumer.New(l.pool, l.js, effect("r1"), l.tp, l.log, first, consumer.Config{Name: "ledger-effects", Stream: "LEDGER", AckWait: 3 * time.Second})
	w = start(c.Run)
	testkit.Eventually(t, 15*time.Second, "three entries applied", func() bool { return outcomes(t, first)["applied"] == 3 })
	w.stop()
	if got := outcomes(t, first); got["duplicate"] != 0 || got["skipped"] != 0 {
		t.Fatalf("outcomes of a first delivery: %v", got)
	}

	// Losing the durable consumer (a stream restored, say) delivers every
	// event again: each is in the inbox already.
	if err := l.js.DeleteConsumer(ctx, "LEDGER", "ledger-effects"); err != nil {
		t.Fatal(err)
	}
	again := prometheus.NewRegistry()
	c = consumer.New(l.pool, l.js, effect("r1"), l.tp, l.log, again, consumer.Config{Name: "ledger-effects", Stream: "LEDGER", AckWait: 3 * time.Second})
	w = start(c.Run)
	defer w.stop()
	testkit.Eventually(t, 15*time.Second, "three duplicates", func() bool { return outcomes(t, again)["duplicate"] == 3 })
	if got := outcomes(t, again); got["applied"] != 0 || got["skipped"] != 0 {
		t.Fatalf("outcomes of a redelivery: %v", got)
	}
	if n := testkit.Count(t, l.pool, "SELECT count(*) FROM effect"); n != 3 {
		t.Fatalf("%d effects, want 3", n)
	}
}
