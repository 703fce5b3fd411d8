package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestLogsAreJSONAndCarryTheTraceOfTheirContext(t *testing.T) {
	var out bytes.Buffer
	tel, err := Setup(context.Background(), Options{Service: "test", LogOutput: &out, SpanExporter: tracetest.NewInMemoryExporter()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, span := tel.Tracer.Tracer("t").Start(context.Background(), "work")
	tel.Log.InfoContext(ctx, "did work", "course_id", "c-1")
	span.End()

	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("log line is not JSON: %v: %s", err, out.String())
	}
	if line["trace_id"] != span.SpanContext().TraceID().String() || line["span_id"] != span.SpanContext().SpanID().String() {
		t.Fatalf("log line %v lacks the span's ids", line)
	}
	if line["service"] != "test" || line["course_id"] != "c-1" {
		t.Fatalf("log line %v lacks its attributes", line)
	}
}
