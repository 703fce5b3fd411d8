// Package servicetest starts one service for API tests exactly as
// production does (the runner, real Postgres, real JetStream, real HTTP on a
// loopback port), with a fake clock and an in-memory span exporter.
package servicetest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/broker"
	"github.com/rapportcrm/rapport/pkg/clock"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/telemetry"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// Harness is a running service.
type Harness struct {
	URL   string              // http://127.0.0.1:port
	Pool  *pgxpool.Pool       // the service's schema, as its role
	JS    jetstream.JetStream // a client of the test's broker
	NATS  *testkit.NATS
	DB    *testkit.Database
	Clock *clock.Fake
	Spans *tracetest.InMemoryExporter
	// Logs holds the JSON log lines of every run of the process.
	Logs *testkit.Buffer

	services []runner.Service
	opts     Options
	stop     func(t testing.TB) // stops the running process
	signal   func()             // sends the process its stop signal
}

// Signal sends the running process its stop signal (SIGTERM for a service
// binary) and returns at once; the process stops as it would in production,
// and the end of the test waits for it.
func (h *Harness) Signal() { h.signal() }

// Options adjust a harness.
type Options struct {
	Now    time.Time                // fake clock start (default 2026-11-02 09:00 Asia/Ho_Chi_Minh)
	Config func(cfg *runner.Config) // edits the runner configuration
	Extra  []runner.Service         // more services in the same process, sharing the broker
}

// Start runs svc for t and stops it when t ends.
func Start(t testing.TB, svc runner.Service, opts Options) *Harness {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	}
	db := testkit.NewDatabase(t)
	h := &Harness{DB: db, NATS: testkit.StartNATS(t), Clock: clock.NewFake(opts.Now), Spans: tracetest.NewInMemoryExporter()}
	services := append([]runner.Service{svc}, opts.Extra...)
	for i, s := range services {
		p := db.Service(t, s.Name, s.Migrations)
		if i == 0 {
			h.Pool = p
		}
	}
	_, h.JS = h.NATS.Connect(t)
	h.services, h.opts, h.Logs = services, opts, &testkit.Buffer{}
	h.run(t)
	t.Cleanup(func() { h.stop(t) })
	return h
}

// Restart stops the process, as a deployment does, and starts it again on
// the same database and broker, with the clock where it is: what a new
// release sees of the data an older one left. The URL changes.
func (h *Harness) Restart(t testing.TB) {
	t.Helper()
	h.stop(t)
	h.run(t)
}

// run starts the process and sets h.URL and h.stop.
func (h *Harness) run(t testing.TB) {
	t.Helper()
	// Tokens of the tests (Token) are signed with the development key.
	cfg, err := runner.Load(runner.DevelopmentEnv(func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ShutdownTimeout = 5 * time.Second
	cfg.DrainDelay = 0 // tests stop at once unless one sets it
	if h.opts.Config != nil {
		h.opts.Config(&cfg)
	}
	tel, err := telemetry.Setup(context.Background(), telemetry.Options{Service: h.services[0].Name, SpanExporter: h.Spans, LogOutput: h.Logs})
	if err != nil {
		t.Fatal(err)
	}
	nc, js, err := broker.Connect(h.NATS.URL(), "servicetest")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.URL = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		done <- runner.Run(ctx, cfg, runner.Infra{
			DatabaseURL: h.DB.RoleURL, NATS: nc, JS: js, Clock: h.Clock, Telemetry: tel, Listener: ln,
			Ready: func(string) { close(ready) },
		}, h.services...)
	}()
	h.signal = cancel
	h.stop = func(t testing.TB) {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("service stopped with: %v", err)
		}
		h.stop = func(testing.TB) {}
	}
	select {
	case <-ready:
	case err := <-done:
		h.stop = func(testing.TB) {}
		t.Fatalf("service did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("service did not start within 30s")
	}
}

// Token signs a development token for role.
func (h *Harness) Token(t testing.TB, role auth.Role) string {
	t.Helper()
	tok, err := auth.Issue(runner.DevSecret, "user-"+string(role), []auth.Role{role}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing t when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// Do sends a request with an optional bearer token and JSON body (a string
// or []byte is sent as it is, anything else is encoded).
func (h *Harness) Do(t testing.TB, method, path, token string, body any) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, h.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return Send(t, req)
}

// Send sends a request built by the caller (an upload, say, or one with
// headers of its own) and reads the whole response.
func Send(t testing.TB, req *http.Request) Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
