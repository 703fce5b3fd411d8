package natstrace

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestTraceContextTravelsInLowercaseHeaders(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tracer := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)).Tracer("test")

	h := nats.Header{}
	ctx, send := StartPublish(context.Background(), tracer, Message{Subject: "a.b.c", ID: "1"}, h)
	_ = ctx
	send.End()
	if h.Get("traceparent") == "" {
		t.Fatalf("no lowercase traceparent header in %v", h)
	}
	if _, canon := h["Traceparent"]; canon {
		t.Fatal("traceparent was canonicalised")
	}

	_, recv := StartProcess(context.Background(), tracer, Message{Subject: "a.b.c", ID: "1", Consumer: "c"}, h)
	recv.End()

	ended := spans.Ended()
	if len(ended) != 2 {
		t.Fatalf("%d spans, want 2", len(ended))
	}
	if ended[0].SpanKind() != trace.SpanKindProducer || ended[1].SpanKind() != trace.SpanKindConsumer {
		t.Fatalf("kinds %v, %v", ended[0].SpanKind(), ended[1].SpanKind())
	}
	if ended[1].Parent().SpanID() != ended[0].SpanContext().SpanID() ||
		ended[1].SpanContext().TraceID() != ended[0].SpanContext().TraceID() {
		t.Fatal("the consumer span does not continue the producer's trace")
	}
}
