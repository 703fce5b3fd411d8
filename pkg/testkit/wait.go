package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rapportcrm/rapport/pkg/event"
)

// Eventually polls cond until it holds, failing t with what after timeout.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitForEvent reads the stream from the start with an ephemeral consumer
// and returns the first event on subject that match accepts.
func WaitForEvent(t testing.TB, js jetstream.JetStream, stream, subject string, timeout time.Duration, match func(event.Event) bool) event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		t.Fatalf("read %s: %v", stream, err)
	}
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Until(deadlineOf(ctx))))
		if err != nil {
			t.Fatalf("no matching %s event within %s: %v", subject, timeout, err)
		}
		e, err := event.Decode(msg.Subject(), msg.Headers(), msg.Data())
		if err != nil {
			t.Fatalf("malformed event on %s: %v", subject, err)
		}
		if match == nil || match(e) {
			return e
		}
	}
}

func deadlineOf(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}
