package backbonetest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
)

// A trace a caller started, as a gateway or a browser's instrumentation does.
const (
	callerTrace       = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerTraceparent = "00-" + callerTrace + "-00f067aa0ba902b7-01"
)

// send makes a request in the caller's trace.
func send(t *testing.T, h *servicetest.Harness, method, path, token, body string) servicetest.Response {
	t.Helper()
	req, err := http.NewRequest(method, h.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("traceparent", callerTraceparent)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return servicetest.Send(t, req)
}

// logLines returns the JSON log lines with message msg.
func logLines(t *testing.T, h *servicetest.Harness, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(h.Logs.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// A user quotes the trace id of an error; the operator finds the request's
// one access line by it, with its route, status and user, and nothing of
// what the user typed.
func TestAnErrorCarriesTheTraceIdThatFindsItsAccessLine(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	r := send(t, h, "POST", "/api/ledger/v1/entries?note=Nguy%E1%BB%85n+V%C4%83n+An&phone=0912345678", h.Token(t, auth.Sales), `{"account":"","amount":1}`)
	if r.Status != 422 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	var p struct {
		TraceID string `json:"trace_id"`
	}
	r.JSON(t, &p)
	if p.TraceID != callerTrace {
		t.Fatalf("trace_id %q, want the caller's %s: %s", p.TraceID, callerTrace, r.Body)
	}
	if tp := r.Header.Get("traceparent"); !strings.HasPrefix(tp, "00-"+callerTrace+"-") || tp == callerTraceparent {
		t.Fatalf("traceparent %q: want the caller's trace and the server's span", tp)
	}

	lines := logLines(t, h, "request")
	if len(lines) != 1 {
		t.Fatalf("%d access lines, want 1:\n%s", len(lines), h.Logs.String())
	}
	l := lines[0]
	for k, want := range map[string]any{"trace_id": callerTrace, "method": "POST", "route": "/api/ledger/v1/entries",
		"query": "note,phone", "status": 422.0, "user_id": "user-sales", "level": "INFO"} {
		if l[k] != want {
			t.Errorf("%s: %v, want %v", k, l[k], want)
		}
	}
	if _, ok := l["duration_ms"].(float64); !ok {
		t.Errorf("no duration_ms: %v", l)
	}
	if b, _ := l["bytes"].(float64); b != float64(len(r.Body)) {
		t.Errorf("bytes %v, want %d", l["bytes"], len(r.Body))
	}
	logs := h.Logs.String()
	for _, secret := range []string{"Nguy", "0912345678", "Bearer", "eyJ"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
}

// A server fault tells the caller only a trace id; the request's one
// access line holds the cause, at error level.
func TestAServerFaultIsOneLineWithItsCause(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	if _, err := h.Pool.Exec(context.Background(), "DROP TABLE entry"); err != nil {
		t.Fatal(err)
	}
	r := send(t, h, "POST", "/api/ledger/v1/entries", h.Token(t, auth.Sales), `{"account":"a","amount":1}`)
	var p struct {
		TraceID string `json:"trace_id"`
		Detail  string `json:"detail"`
	}
	r.JSON(t, &p)
	if r.Status != 500 || p.TraceID != callerTrace || strings.Contains(p.Detail, "entry") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	lines := logLines(t, h, "request")
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || lines[0]["status"] != 500.0 || lines[0]["trace_id"] != callerTrace ||
		!strings.Contains(lines[0]["err"].(string), `relation "entry" does not exist`) {
		t.Fatalf("access lines %v", lines)
	}
	if n := len(logLines(t, h, "request failed")); n != 0 {
		t.Fatalf("the fault is logged %d more times", n)
	}
}

// Every answer names its trace, a path no route has included (logged as
// unmatched, not by its path); the probes are not logged.
func TestEveryAnswerNamesItsTraceAndProbesAreNotLogged(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/ledger/v1/people/0912345678"} {
		r := send(t, h, "GET", path, "", "")
		if !strings.HasPrefix(r.Header.Get("traceparent"), "00-"+callerTrace+"-") {
			t.Errorf("%s: traceparent %q", path, r.Header.Get("traceparent"))
		}
	}
	r := h.Do(t, "GET", "/api/ledger/v1/nothing", "", nil)
	var p struct {
		TraceID string `json:"trace_id"`
	}
	r.JSON(t, &p)
	if r.Status != 404 || len(p.TraceID) != 32 || !strings.Contains(r.Header.Get("traceparent"), p.TraceID) {
		t.Fatalf("a new trace: %d %q %s", r.Status, r.Header.Get("traceparent"), r.Body)
	}
	lines := logLines(t, h, "request")
	if len(lines) != 2 {
		t.Fatalf("%d access lines, want the two 404s:\n%s", len(lines), h.Logs.String())
	}
	for _, l := range lines {
		if l["route"] != "unmatched" || l["status"] != 404.0 {
			t.Errorf("line %v", l)
		}
	}
	if strings.Contains(h.Logs.String(), "0912345678") {
		t.Errorf("the log holds the path:\n%s", h.Logs.String())
	}
}
