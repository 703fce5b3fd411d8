package backbonetest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

func TestARequestReachesTheConsumerThroughTheWholeBackbone(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	r := h.Do(t, "POST", "/api/ledger/v1/entries", h.Token(t, auth.Sales), `{"account":"acc-1","amount":5}`)
	if r.Status != 201 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	testkit.Eventually(t, 10*time.Second, "the effect row", func() bool {
		return testkit.Count(t, h.Pool, "SELECT count(*) FROM effect WHERE account = 'acc-1' AND amount = 5") == 1
	})
}

func TestAuthFailuresAreProblems(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	good := h.Token(t, auth.Sales)
	expired, _ := auth.Issue("rapport-dev-secret-change-me", "u", []auth.Role{auth.Sales}, time.Minute, time.Now().Add(-time.Hour))
	otherKey, _ := auth.Issue("another-secret", "u", []auth.Role{auth.Sales}, time.Hour, time.Now())
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2]
	cases := []struct {
		name, token string
		status      int
		detail      string
	}{
		{"no token", "", 401, "a valid bearer token is required"},
		{"wrong role", h.Token(t, auth.Director), 403, "needs one of the roles"},
		{"tampered token", tampered, 401, "invalid or expired"},
		{"token signed with another key", otherKey, 401, "invalid or expired"},
		{"expired token", expired, 401, "invalid or expired"},
	}
	// Auth comes before the body is read: a bad body without a token is a 401.
	if r := h.Do(t, "POST", "/api/ledger/v1/entries", "", `{"nonsense":`); r.Status != 401 {
		t.Fatalf("bad body without a token: %d, want 401", r.Status)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.Do(t, "POST", "/api/ledger/v1/entries", c.token, `{"account":"a","amount":1}`)
			if r.Status != c.status || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d (%s), want %d problem+json: %s", r.Status, r.Header.Get("Content-Type"), c.status, r.Body)
			}
			if !strings.Contains(string(r.Body), c.detail) {
				t.Errorf("detail: %s, want %q", r.Body, c.detail)
			}
		})
	}
	// "Bearer " and an empty variable: the token is missing, not expired.
	for _, header := range []string{"Bearer ", "Basic dTpw", "token"} {
		req, _ := http.NewRequest("POST", h.URL+"/api/ledger/v1/entries", strings.NewReader(`{"account":"a","amount":1}`))
		req.Header.Set("Authorization", header)
		if r := servicetest.Send(t, req); r.Status != 401 || !strings.Contains(string(r.Body), "holds no bearer token") {
			t.Errorf("Authorization: %q: %d %s", header, r.Status, r.Body)
		}
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM entry"); n != 0 {
		t.Fatalf("%d entries written by refused requests", n)
	}
}

func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	cases := []struct {
		name, body string
		status     int
	}{
		{"unknown field", `{"account":"a","amount":1,"note":"x"}`, 422},
		{"wrong type", `{"account":"a","amount":"one"}`, 422},
		{"invalid json", `{"account":`, 400},
		{"oversized body", `{"account":"` + strings.Repeat("a", 5000) + `","amount":1}`, 413},
		{"missing field", `{"amount":1}`, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.Do(t, "POST", "/api/ledger/v1/entries", tok, c.body)
			if r.Status != c.status || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d, want %d problem+json: %s", r.Status, c.status, r.Body)
			}
		})
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM entry") + testkit.Count(t, h.Pool, "SELECT count(*) FROM outbox"); n != 0 {
		t.Fatalf("%d rows written by bad input", n)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if r := h.Do(t, "GET", path, "", nil); r.Status != 200 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	h.Do(t, "POST", "/api/ledger/v1/entries", h.Token(t, auth.Sales), `{"account":"m","amount":1}`)
	metrics := string(h.Do(t, "GET", "/metrics", "", nil).Body)
	for _, name := range []string{"rapport_outbox_backlog", "rapport_outbox_oldest_age_seconds", "rapport_consumer_lag",
		"rapport_dead_letters", "rapport_http_request_duration_seconds"} {
		if !strings.Contains(metrics, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	h.NATS.Shutdown()
	testkit.Eventually(t, 5*time.Second, "readyz to report the broker down", func() bool {
		return h.Do(t, "GET", "/readyz", "", nil).Status == 503
	})
}
