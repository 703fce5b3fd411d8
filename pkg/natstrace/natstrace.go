// Package natstrace carries W3C trace context over NATS headers and opens
// PRODUCER and CONSUMER spans named after the messaging semantic conventions.
package natstrace

import (
	"context"
	"strings"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Carrier adapts nats.Header to the propagation API with lowercase keys.
// propagation.HeaderCarrier would canonicalise them ("Traceparent"), and NATS
// headers are case-sensitive while W3C asks for lowercase.
type Carrier nats.Header

// Get returns the first value of key.
func (c Carrier) Get(key string) string {
	v := c[strings.ToLower(key)]
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// Set replaces key's value.
func (c Carrier) Set(key, value string) { c[strings.ToLower(key)] = []string{value} }

// Keys lists the header names.
func (c Carrier) Keys() []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	return out
}

var propagator = propagation.TraceContext{}

// Inject writes ctx's span context into h.
func Inject(ctx context.Context, h nats.Header) { propagator.Inject(ctx, Carrier(h)) }

// Extract returns ctx carrying the remote span context found in h.
func Extract(ctx context.Context, h nats.Header) context.Context {
	return propagator.Extract(ctx, Carrier(h))
}

// Message describes a message for span attributes.
type Message struct {
	Subject     string
	ID          string
	Type        string
	Consumer    string // consumer group name, on receive
	PayloadSize int
}

func (m Message) attributes(op string) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		attribute.String("messaging.system", "nats"),
		attribute.String("messaging.operation.type", op),
		attribute.String("messaging.operation.name", op),
		attribute.String("messaging.destination.name", m.Subject),
		attribute.String("messaging.message.id", m.ID),
		attribute.Int("messaging.message.body.size", m.PayloadSize),
		attribute.String("cloudevents.event_type", m.Type),
	}
	if m.Consumer != "" {
		attrs = append(attrs, attribute.String("messaging.consumer.group.name", m.Consumer))
	}
	return attrs
}

// StartPublish opens a PRODUCER span for sending m, as a child of parent,
// and injects it into h so that consumers continue the same trace.
func StartPublish(ctx context.Context, tracer trace.Tracer, m Message, h nats.Header) (context.Context, trace.Span) {
	ctx, span := tracer.Start(ctx, "send "+m.Subject,
		trace.WithSpanKind(trace.SpanKindProducer), trace.WithAttributes(m.attributes("send")...))
	Inject(ctx, h)
	return ctx, span
}

// StartProcess opens a CONSUMER span for processing a received message,
// continuing the trace found in its headers.
func StartProcess(ctx context.Context, tracer trace.Tracer, m Message, h nats.Header) (context.Context, trace.Span) {
	ctx = Extract(ctx, h)
	return tracer.Start(ctx, "process "+m.Subject,
		trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(m.attributes("process")...))
}
