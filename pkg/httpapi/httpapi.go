// Package httpapi is the HTTP edge shared by every service: go-kit server
// options, JSON responses, problem+json errors, endpoint tracing and
// request metrics.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/problem"
)

// ErrorMapper turns a service's domain errors into problems; it returns nil
// for errors it does not know, which become a 503 when a dependency could
// not be reached (see outage) and a logged 500 otherwise.
type ErrorMapper func(error) *problem.Problem

// ServerOptions are the go-kit options of every endpoint: token
// verification before, problem+json on error.
func ServerOptions(v *auth.Verifier, log *slog.Logger, mapErr ErrorMapper) []kithttp.ServerOption {
	return []kithttp.ServerOption{
		kithttp.ServerBefore(v.FromRequest, noteUser),
		kithttp.ServerErrorEncoder(ErrorEncoder(log, mapErr)),
	}
}

// Guard checks the caller's roles before dec reads the body, so that an
// unauthorised caller learns nothing from validation and costs no decoding,
// then that the query string reads whole (problem.CheckQuery).
// Keep auth.Require on the endpoint too: it guards non-HTTP callers.
func Guard(roles []auth.Role, dec kithttp.DecodeRequestFunc) kithttp.DecodeRequestFunc {
	return func(ctx context.Context, r *http.Request) (any, error) {
		if err := auth.Check(ctx, roles...); err != nil {
			return nil, err
		}
		if err := problem.CheckQuery(r.URL.RawQuery); err != nil {
			return nil, err
		}
		return dec(ctx, r)
	}
}

// ErrorEncoder writes err as problem+json, mapping it once, here.
func ErrorEncoder(log *slog.Logger, mapErr ErrorMapper) kithttp.ErrorEncoder {
	return func(ctx context.Context, err error, w http.ResponseWriter) {
		p := problem.From(err)
		if p == nil && mapErr != nil {
			p = mapErr(err)
		}
		if p == nil && outage(err) {
			p = unavailable()
		}
		if p == nil {
			p = problem.Internal()
		}
		// A server fault's cause goes on the request's access line (or on
		// a line of its own where there is none); the caller sees only the
		// trace id to quote.
		if p.Status >= 500 && !noteFailure(ctx, err) {
			log.ErrorContext(ctx, "request failed", "err", err)
		}
		if span := trace.SpanFromContext(ctx); p.Status >= 500 {
			span.SetStatus(codes.Error, err.Error())
		}
		problem.Write(w, p)
	}
}

// StatusCoder lets a response choose its status (201 for a creation).
type StatusCoder interface{ StatusCode() int }

// Created wraps a response body to answer 201.
type Created struct{ Body any }

// StatusCode is 201.
func (Created) StatusCode() int { return http.StatusCreated }

// MarshalJSON encodes the body.
func (c Created) MarshalJSON() ([]byte, error) { return Marshal(c.Body) }

// Accepted wraps a response body to answer 202 (asynchronous jobs).
type Accepted struct{ Body any }

// StatusCode is 202.
func (Accepted) StatusCode() int { return http.StatusAccepted }

// MarshalJSON encodes the body.
func (a Accepted) MarshalJSON() ([]byte, error) { return Marshal(a.Body) }

// EncodeJSON writes a response as JSON; a nil response is 204.
func EncodeJSON(_ context.Context, w http.ResponseWriter, response any) error {
	if response == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	if h, ok := response.(kithttp.Headerer); ok {
		for k, vs := range h.Headers() {
			w.Header()[k] = vs
		}
	}
	if sc, ok := response.(StatusCoder); ok {
		w.WriteHeader(sc.StatusCode())
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(response)
}

// Marshal is json.Marshal without HTML escaping, for the bodies of API
// answers and the wrappers around them: an answer is read by programs and
// people, not embedded in a page, and "Phòng GD\u0026ĐT" in a log, in curl's
// output or in a CSV built from it reads as noise. A wrapper's MarshalJSON
// must use it too, since an encoder keeps the escapes a Marshaler made.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Trace wraps an endpoint in a span named after it. go-kit has no
// OpenTelemetry package, so this uses the API directly.
func Trace(tracer trace.Tracer, name string) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) {
			ctx, span := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindInternal))
			defer span.End()
			resp, err := next(ctx, req)
			if err != nil {
				span.RecordError(err)
				if p := problem.From(err); p == nil || p.Status >= 500 {
					span.SetStatus(codes.Error, err.Error())
				}
			}
			return resp, err
		}
	}
}

// Instrument records request durations by route pattern and status code.
func Instrument(reg prometheus.Registerer, next http.Handler) http.Handler {
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "rapport_http_request_duration_seconds", Help: "HTTP requests by route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"method", "route", "code"})
	reg.MustRegister(duration)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern // set by ServeMux on this request during routing
		if route == "" {
			route = "unmatched"
		}
		duration.WithLabelValues(r.Method, route, strconv.Itoa(rec.status)).Observe(time.Since(start).Seconds())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
