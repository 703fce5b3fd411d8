package problem

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
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
