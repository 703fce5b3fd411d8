package problem

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"
)

func TestAProblemCarriesTheTraceItsResponseNames(t *testing.T) {
	shared := NotFound("no such thing")
	for _, c := range []struct{ traceparent, want string }{
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736"},
		{"", ""},
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", ""}, // an invalid (all-zero) trace
		{"not a traceparent", ""},
	} {
		w := httptest.NewRecorder()
		if c.traceparent != "" {
			w.Header().Set("traceparent", c.traceparent)
		}
		Write(w, shared)
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if got, _ := body["trace_id"].(string); got != c.want {
			t.Errorf("traceparent %q: trace_id %q, want %q", c.traceparent, got, c.want)
		}
	}
	if shared.TraceID != "" {
		t.Fatal("writing a shared problem changed it")
	}
}

func TestAnUnavailableProblemSaysWhenToRetry(t *testing.T) {
	for _, c := range []struct {
		after time.Duration
		want  string
	}{{5 * time.Second, "5"}, {1500 * time.Millisecond, "2"}, {0, ""}} {
		w := httptest.NewRecorder()
		Write(w, Unavailable("down", c.after))
		if w.Code != 503 || w.Header().Get("Retry-After") != c.want {
			t.Errorf("retry after %v: %d, Retry-After %q, want 503 and %q", c.after, w.Code, w.Header().Get("Retry-After"), c.want)
		}
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if body["type"] != "https://rapport.dev/problems/unavailable" || body["status"] != 503.0 {
			t.Errorf("body %v", body)
		}
	}
}
