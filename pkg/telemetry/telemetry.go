// Package telemetry sets up traces (exported over OTLP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set), the Prometheus registry and JSON logs
// that carry the trace and span ids of their context.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// Telemetry holds a process's tracer provider, metrics registry and logger.
type Telemetry struct {
	Tracer   *sdktrace.TracerProvider
	Registry *prometheus.Registry
	Log      *slog.Logger
}

// Options configure Setup.
type Options struct {
	Service      string
	OTLPEndpoint string // OTEL_EXPORTER_OTLP_ENDPOINT; empty keeps spans in-process
	LogLevel     slog.Level
	LogOutput    io.Writer
	SpanExporter sdktrace.SpanExporter // overrides OTLP (tests use an in-memory one)
}

// Setup builds telemetry and installs the W3C propagator and the tracer
// provider as the process-wide defaults that otelhttp and otelpgx pick up.
func Setup(ctx context.Context, o Options) (*Telemetry, error) {
	res := resource.NewSchemaless(semconv.ServiceName(o.Service))
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	switch {
	case o.SpanExporter != nil:
		opts = append(opts, sdktrace.WithSyncer(o.SpanExporter))
	case o.OTLPEndpoint != "":
		// The exporter reads OTEL_EXPORTER_OTLP_* itself, endpoint included.
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	out := o.LogOutput
	if out == nil {
		out = io.Discard
	}
	log := slog.New(TraceHandler{slog.NewJSONHandler(out, &slog.HandlerOptions{Level: o.LogLevel})}).With("service", o.Service)
	return &Telemetry{Tracer: tp, Registry: reg, Log: log}, nil
}

// Shutdown flushes spans still buffered.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if err := t.Tracer.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("flush spans: %w", err)
	}
	return nil
}

// TraceHandler adds trace_id and span_id to every record logged with a
// context that carries a span.
type TraceHandler struct{ slog.Handler }

// Handle adds the ids and passes the record on.
func (h TraceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper.
func (h TraceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return TraceHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper.
func (h TraceHandler) WithGroup(name string) slog.Handler {
	return TraceHandler{h.Handler.WithGroup(name)}
}
