package backbonetest

import (
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// TestOneTraceCoversRequestRelayAndConsumer follows one request: the HTTP
// server span, the relay's PRODUCER span and the consumer's CONSUMER span
// with the handler's SQL spans below it share one trace id.
func TestOneTraceCoversRequestRelayAndConsumer(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	r := h.Do(t, "POST", "/api/ledger/v1/entries", h.Token(t, auth.Lead), `{"account":"traced","amount":7}`)
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	testkit.Eventually(t, 10*time.Second, "the effect", func() bool {
		return testkit.Count(t, h.Pool, "SELECT count(*) FROM effect WHERE account = 'traced'") == 1
	})

	var server tracetest.SpanStub
	testkit.Eventually(t, 5*time.Second, "the HTTP server span", func() bool {
		for _, s := range h.Spans.GetSpans() {
			if s.SpanKind == trace.SpanKindServer && strings.Contains(s.Name, "/api/ledger/v1/entries") {
				server = s
				return true
			}
		}
		return false
	})
	id := server.SpanContext.TraceID()
	var producer, consumer tracetest.SpanStub
	testkit.Eventually(t, 5*time.Second, "producer and consumer spans in the request's trace", func() bool {
		for _, s := range h.Spans.GetSpans() {
			if s.SpanContext.TraceID() != id {
				continue
			}
			switch s.SpanKind {
			case trace.SpanKindProducer:
				producer = s
			case trace.SpanKindConsumer:
				consumer = s
			}
		}
		return producer.Name != "" && consumer.Name != ""
	})
	if consumer.Parent.SpanID() != producer.SpanContext.SpanID() {
		t.Fatal("the consumer span is not a child of the producer span")
	}
	var sqlUnderHandler, sqlUnderRequest bool
	for _, s := range h.Spans.GetSpans() {
		if s.SpanContext.TraceID() != id || s.SpanKind != trace.SpanKindClient {
			continue
		}
		if s.Parent.SpanID() == consumer.SpanContext.SpanID() {
			sqlUnderHandler = true
		} else {
			sqlUnderRequest = true
		}
	}
	if !sqlUnderHandler || !sqlUnderRequest {
		t.Fatalf("SQL spans: under the handler %v, elsewhere in the trace %v; want both", sqlUnderHandler, sqlUnderRequest)
	}
	for _, a := range consumer.Attributes {
		if a.Key == "messaging.system" && a.Value.AsString() == "nats" {
			return
		}
	}
	t.Fatal("the consumer span lacks the messaging semantic conventions")
}
