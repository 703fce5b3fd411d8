package backbonetest

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/stream"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// TestAConsumerStartedBeforeItsStreamWaitsQuietlyAndThenConsumes starts a
// consumer whose stream does not exist (its owner has not started): it says
// so once, not on every retry, and consumes once the stream appears.
func TestAConsumerStartedBeforeItsStreamWaitsQuietlyAndThenConsumes(t *testing.T) {
	l := newLedger(t)
	ctx := context.Background()
	if err := l.js.DeleteStream(ctx, "LEDGER"); err != nil {
		t.Fatal(err)
	}
	var logs testkit.Buffer
	cons := consumer.New(l.pool, l.js, effect("r1"), l.tp, slog.New(slog.NewTextHandler(&logs, nil)), nil,
		consumer.Config{Name: "ledger-effects", Stream: "LEDGER", AckWait: 3 * time.Second})
	w := start(cons.Run)
	defer w.stop()
	time.Sleep(5 * time.Second) // three checks for the stream
	if n := strings.Count(logs.String(), "waiting for it"); n != 1 {
		t.Fatalf("said it waits %d times, want once:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("a missing stream was logged as a fault:\n%s", logs.String())
	}
	// A log store keeps one value of a key written twice in a line.
	if n := strings.Count(logs.String(), "consumer=ledger-effects"); n != 1 {
		t.Fatalf("the line names its consumer %d times, want once:\n%s", n, logs.String())
	}

	if _, err := stream.Ensure(ctx, l.js, stream.Config{Context: "ledger"}); err != nil {
		t.Fatal(err)
	}
	relay := start(l.relay().Run)
	defer relay.stop()
	if err := l.record(ctx, "late", 5); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 15*time.Second, "the event applied once the stream exists", func() bool {
		return testkit.Count(t, l.pool, "SELECT count(*) FROM effect WHERE account = 'late'") == 1
	})
}
