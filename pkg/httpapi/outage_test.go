package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/problem"
)

// deadPort is a loopback port nothing listens on.
func deadPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestAFailureToReachADependencyIsAnOutageAndABugIsNot(t *testing.T) {
	host, port, _ := net.SplitHostPort(deadPort(t))
	_, connectErr := pgconn.Connect(context.Background(), fmt.Sprintf("postgres://x@%s:%s/x?connect_timeout=2", host, port))
	if connectErr == nil {
		t.Fatal("connected to a dead port")
	}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("get person: %w", connectErr), true},
		{"admin shutdown", fmt.Errorf("lock: %w", &pgconn.PgError{Code: "57P01"}), true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"pool wait ran out", fmt.Errorf("acquire: %w", context.DeadlineExceeded), true},
		{"broker gone", fmt.Errorf("publish: %w", nats.ErrConnectionClosed), true},
		{"broker reconnecting", nats.ErrConnectionReconnecting, true},
		{"network", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"a bug", errors.New("nil map"), false},
	} {
		if got := outage(c.err); got != c.want {
			t.Errorf("%s (%v): outage %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestAnOutageAnswers503WithRetryAfterAndABug500(t *testing.T) {
	host, port, _ := net.SplitHostPort(deadPort(t))
	_, connectErr := pgconn.Connect(context.Background(), fmt.Sprintf("postgres://x@%s:%s/x", host, port))
	for _, c := range []struct {
		err        error
		status     int
		retryAfter string
	}{
		{fmt.Errorf("get person: %w", connectErr), 503, "5"},
		{errors.New("nil map"), 500, ""},
		{problem.NotFound("no such person"), 404, ""},
	} {
		w := httptest.NewRecorder()
		ErrorEncoder(slog.New(slog.DiscardHandler), nil)(context.Background(), c.err, w)
		if w.Code != c.status || w.Header().Get("Retry-After") != c.retryAfter {
			t.Errorf("%v: %d Retry-After %q, want %d %q", c.err, w.Code, w.Header().Get("Retry-After"), c.status, c.retryAfter)
		}
	}
}

func TestAKeyThatCannotBeClaimedInAnOutageIsA503ToRetry(t *testing.T) {
	ctx := context.Background()
	verifier, err := auth.NewVerifier(ctx, auth.Config{Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.Issue("s", "sales-lan", []auth.Role{auth.Sales}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(deadPort(t))
	pool, err := pgxpool.New(ctx, fmt.Sprintf("postgres://x@%s:%s/x?connect_timeout=2", host, port))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ran := false
	idem := &Idempotency{Keys: &IdempotencyKeys{Pool: pool}, Auth: verifier, Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	h := idem.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true }))
	r := httptest.NewRequest("POST", "/api/contact/v1/interactions", strings.NewReader(`{}`))
	r.Header.Set("Authorization", "Bearer "+tok)
	r.Header.Set("Idempotency-Key", "k-1")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 503 || w.Header().Get("Retry-After") != "5" || ran {
		t.Fatalf("status %d, Retry-After %q, ran %v: %s", w.Code, w.Header().Get("Retry-After"), ran, w.Body)
	}
}
