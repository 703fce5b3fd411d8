package backbonetest

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/consumer"
)

// TestExactlyOnceEffectUnderFaults produces 10,000 events while the relay,
// the consumer (after commit, before ack) and the NATS server are killed and
// restarted, and requires every effect exactly once, in order.
func TestExactlyOnceEffectUnderFaults(t *testing.T) {
	l := newLedger(t)
	const events = 10_000

	relay := start(l.relay().Run)
	var commits atomic.Int64
	crash := make(chan struct{}, 1)
	newConsumer := func() *worker {
		return start(l.consumer(consumer.Config{BeforeAck: func() error {
			// Every 40th batch dies between its commit and its acks.
			if commits.Add(1)%40 == 0 {
				select {
				case crash <- struct{}{}:
				default:
				}
				return errors.New("crash before ack")
			}
			return nil
		}}, effect("a")).Run)
	}
	cons := newConsumer()

	produced := make(chan struct{})
	go func() { defer close(produced); l.produce(events, 300, 4) }()

	faults := time.NewTicker(400 * time.Millisecond)
	defer faults.Stop()
	round := 0
	for done := false; !done; {
		select {
		case <-produced:
			done = true
		case <-crash:
			cons.stop()
			cons = newConsumer()
		case <-faults.C:
			switch round % 3 {
			case 0:
				relay.stop()
				relay = start(l.relay().Run)
			case 1:
				cons.stop()
				cons = newConsumer()
			case 2:
				l.nats.Restart()
			}
			round++
		}
	}
	t.Logf("%d fault rounds while producing, %d consumer batches", round, commits.Load())
	l.assertExactlyOnce(events)
	relay.stop()
	cons.stop()
}

// TestTwoRelaysAndTwoConsumersKeepOrderAndExactlyOnce runs two replicas of
// each side at once over interleaved updates to 300 aggregates.
func TestTwoRelaysAndTwoConsumersKeepOrderAndExactlyOnce(t *testing.T) {
	l := newLedger(t)
	r1, r2 := start(l.relay().Run), start(l.relay().Run)
	c1 := start(l.consumer(consumer.Config{}, effect("c1")).Run)
	c2 := start(l.consumer(consumer.Config{}, effect("c2")).Run)
	l.produce(6_000, 300, 4)
	l.assertExactlyOnce(6_000)
	perReplica := map[string]int64{}
	for _, r := range []string{"c1", "c2"} {
		perReplica[r] = countWhere(t, l, r)
	}
	t.Logf("effects per consumer replica: %v", perReplica)
	if perReplica["c1"] == 0 || perReplica["c2"] == 0 {
		t.Fatalf("one consumer replica did no work: %v", perReplica)
	}
	for _, r := range []*worker{r1, r2, c1, c2} {
		r.stop()
	}
}

func countWhere(t *testing.T, l *ledger, replica string) int64 {
	var n int64
	if err := l.pool.QueryRow(t.Context(), "SELECT count(*) FROM effect WHERE replica = $1", replica).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
