// Package problem is the one error shape of every Rapport API: RFC 9457
// problem details, written as application/problem+json.
package problem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ContentType of every error response.
const ContentType = "application/problem+json"

// FieldError names one bad input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problem is an RFC 9457 problem detail; it is also an error, so use cases
// may return one directly when the fault is the caller's.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
	// TraceID is the request's trace, for the user to quote and the
	// operator to find its log lines and spans; Write fills it in.
	TraceID string         `json:"trace_id,omitempty"`
	Extra   map[string]any `json:"-"` // members added next to the standard ones
	// RetryAfter, when positive, is sent as the Retry-After header: how
	// long a client or gateway should wait before sending the request again.
	RetryAfter time.Duration `json:"-"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
	}
	return fmt.Sprintf("%d %s", p.Status, p.Title)
}

// MarshalJSON flattens Extra next to the standard members.
func (p *Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	base, err := marshal((*plain)(p))
	if err != nil || len(p.Extra) == 0 {
		return base, err
	}
	m := map[string]any{}
	for k, v := range p.Extra {
		m[k] = v
	}
	var std map[string]any
	if err := json.Unmarshal(base, &std); err != nil {
		return nil, err
	}
	for k, v := range std {
		m[k] = v
	}
	return marshal(m)
}

// marshal is json.Marshal without HTML escaping: a problem names what the
// user typed ("Phòng GD&ĐT"), and reads best as typed (httpapi.Marshal,
// which this package cannot import).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// With returns a copy of p carrying an extra member.
func (p *Problem) With(key string, value any) *Problem {
	q := *p
	q.Extra = map[string]any{key: value}
	for k, v := range p.Extra {
		q.Extra[k] = v
	}
	return &q
}

func newProblem(status int, slug, detail string) *Problem {
	return &Problem{Type: "https://rapport.dev/problems/" + slug, Title: http.StatusText(status), Status: status, Detail: detail}
}

// Invalid is a 422 for input that parsed but breaks the rules, field by field.
func Invalid(detail string, fields ...FieldError) *Problem {
	p := newProblem(http.StatusUnprocessableEntity, "invalid-input", detail)
	p.Errors = fields
	return p
}

// BadRequest is a 400 for input that could not be read at all.
func BadRequest(detail string) *Problem {
	return newProblem(http.StatusBadRequest, "bad-request", detail)
}

// TooLarge is a 413 for a body over the limit.
func TooLarge(limit int64) *Problem {
	return newProblem(http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("request body exceeds %d bytes", limit))
}

// NotFound is a 404.
func NotFound(detail string) *Problem { return newProblem(http.StatusNotFound, "not-found", detail) }

// Conflict is a 409 for a state conflict or a duplicate.
func Conflict(detail string) *Problem { return newProblem(http.StatusConflict, "conflict", detail) }

// Busy is a 409 for a write that waited too long for another operation
// holding the same record: nothing is wrong with it, and the same request
// sent again once that operation is done succeeds.
func Busy(detail string) *Problem { return newProblem(http.StatusConflict, "busy", detail) }

// PreconditionFailed is a 412: the request's If-Match names a version of
// the record that is no longer current.
func PreconditionFailed(detail string) *Problem {
	return newProblem(http.StatusPreconditionFailed, "precondition-failed", detail)
}

// Unauthorized is a 401: no credentials, or credentials that do not verify.
func Unauthorized(detail string) *Problem {
	return newProblem(http.StatusUnauthorized, "unauthorized", detail)
}

// Forbidden is a 403: valid credentials without the needed role.
func Forbidden(detail string) *Problem { return newProblem(http.StatusForbidden, "forbidden", detail) }

// Internal is a 500 that tells the caller nothing of the cause.
func Internal() *Problem {
	return newProblem(http.StatusInternalServerError, "internal", "an unexpected error occurred; it has been logged")
}

// Unavailable is a 503 for a request that failed because a dependency
// (the database, the broker) cannot be reached at the moment, or whose
// answer is not there yet (a copy of another service's data still behind):
// unlike a 500, it tells a client or gateway to send the same request
// again after retryAfter.
func Unavailable(detail string, retryAfter time.Duration) *Problem {
	p := newProblem(http.StatusServiceUnavailable, "unavailable", detail)
	p.RetryAfter = retryAfter
	return p
}

// From finds the Problem in err's chain, or nil.
func From(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return nil
}

// Write sends p. When the response names its trace in a W3C traceparent
// header (httpapi.Access sets one on every answer, before the handler runs),
// the body carries that trace id as trace_id.
func Write(w http.ResponseWriter, p *Problem) {
	if id := traceID(w.Header().Get("Traceparent")); id != "" && p.TraceID == "" {
		q := *p // p may be shared: leave it as it is
		q.TraceID = id
		p = &q
	}
	w.Header().Set("Content-Type", ContentType)
	if p.RetryAfter > 0 {
		// Whole seconds, rounded up: a client must not retry before the time said.
		w.Header().Set("Retry-After", strconv.Itoa(int((p.RetryAfter+time.Second-1)/time.Second)))
	}
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

// traceID is the trace id a traceparent names (version-traceid-spanid-flags),
// or "" when it is not one.
func traceID(traceparent string) string {
	parts := strings.Split(traceparent, "-")
	if len(parts) < 4 || len(parts[1]) != 32 || strings.Trim(parts[1], "0123456789abcdef") != "" || strings.Trim(parts[1], "0") == "" {
		return ""
	}
	return parts[1]
}
