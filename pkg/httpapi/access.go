package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/rapportcrm/rapport/pkg/auth"
)

// probes are the paths an orchestrator and a scraper call every few
// seconds: logging them would bury the requests people make.
var probes = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// Access names the request's trace on every response and logs one line per
// request. It runs inside the server span (otelhttp), whose trace is the
// one a caller's traceparent named, or a new one.
//
// The response's traceparent header carries the trace and the server span;
// problem.Write copies the trace id into every problem+json body, so that a
// user can quote it and an operator find the request's log lines and spans.
//
// The line (message "request", at Info; at Error with the cause for a 5xx,
// at Warn for a 503: a dependency down, not a bug)
// holds the method, the route pattern, the names of the query parameters,
// the status, the caller's user id, the duration in ms, the bytes written
// and the trace and span ids. It never holds the raw path, the query's
// values or the token: paths and queries carry ids, names and phones.
func Access(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		propagation.TraceContext{}.Inject(r.Context(), propagation.HeaderCarrier(w.Header()))
		if probes[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		e := &accessEntry{}
		r = r.WithContext(context.WithValue(r.Context(), accessKey{}, e))
		rec := &accessRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			// A handler aborting a response it began (a download cut
			// short) panics with http.ErrAbortHandler: log the request,
			// then let the server close the connection.
			v := recover()
			logAccess(log, r, rec, e, time.Since(start), v != nil)
			if v != nil {
				panic(v)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

func logAccess(log *slog.Logger, r *http.Request, rec *accessRecorder, e *accessEntry, took time.Duration, aborted bool) {
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("route", route(r))}
	if q := paramNames(r.URL.RawQuery); q != "" {
		attrs = append(attrs, slog.String("query", q))
	}
	attrs = append(attrs, slog.Int("status", rec.status))
	if e.user != "" {
		attrs = append(attrs, slog.String("user_id", e.user))
	}
	attrs = append(attrs, slog.Float64("duration_ms", float64(took.Microseconds())/1000), slog.Int64("bytes", rec.bytes))
	level := slog.LevelInfo
	if aborted {
		attrs = append(attrs, slog.Bool("aborted", true))
	}
	if rec.status >= 500 {
		level = slog.LevelError
		if rec.status == http.StatusServiceUnavailable {
			level = slog.LevelWarn // an outage of a dependency, not a bug; its own alerts say so
		}
		if e.err != nil {
			attrs = append(attrs, slog.String("err", e.err.Error()))
		}
	}
	log.LogAttrs(r.Context(), level, "request", attrs...)
}

// route is the pattern the request matched, without its method (logged on
// its own), or "unmatched" for a 404 or 405 the mux answered.
func route(r *http.Request) string {
	p := r.Pattern // set by each ServeMux on the request it routes
	if p == "" {
		return "unmatched"
	}
	if _, path, ok := strings.Cut(p, " "); ok {
		return path
	}
	return p
}

// paramName is what a query parameter's name looks like. Anything else
// (a name typed where a value belongs) is logged as "?", since it may be
// a customer's name or phone.
var paramName = regexp.MustCompile(`^[A-Za-z0-9_.\-\[\]]{1,40}$`)

// paramNames lists the names of a query's parameters, sorted, once each.
func paramNames(rawQuery string) string {
	var names []string
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil && paramName.MatchString(n) {
			name = n
		} else {
			name = "?"
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ",")
}

type accessKey struct{}

// accessEntry is what the handlers tell Access about a request: who made
// it, and why it failed. One request's handler writes it, Access reads it
// once the handler has returned.
type accessEntry struct {
	user string
	err  error
}

// noteUser records the verified caller's id for the access line. It fits
// go-kit's ServerBefore, after the token is verified.
func noteUser(ctx context.Context, _ *http.Request) context.Context {
	if e, ok := ctx.Value(accessKey{}).(*accessEntry); ok {
		if c, ok := auth.ClaimsFrom(ctx); ok {
			e.user = c.Subject
		}
	}
	return ctx
}

// noteFailure hands the cause of a 5xx to the access line, which logs it;
// it reports false outside Access, where the caller must log it itself.
func noteFailure(ctx context.Context, err error) bool {
	e, ok := ctx.Value(accessKey{}).(*accessEntry)
	if ok {
		e.err = err
	}
	return ok
}

// accessRecorder keeps the status and the bytes of a response.
type accessRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (a *accessRecorder) WriteHeader(code int) {
	if !a.wroteHeader {
		a.status, a.wroteHeader = code, true
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *accessRecorder) Write(b []byte) (int, error) {
	a.wroteHeader = true
	n, err := a.ResponseWriter.Write(b)
	a.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flushes).
func (a *accessRecorder) Unwrap() http.ResponseWriter { return a.ResponseWriter }
