package backbonetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// cutDatabase makes db refuse new connections and ends the service's open
// ones, as a database restart or a failover does; the returned function
// lets connections in again.
func cutDatabase(t *testing.T, h *servicetest.Harness) (restore func()) {
	t.Helper()
	ctx := context.Background()
	// From another database: a database's own sessions may not shut it.
	cfg, err := pgx.ParseConfig(h.DB.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = "postgres"
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	name := pgx.Identifier{h.DB.Name}.Sanitize()
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", h.DB.Name); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestARequestDuringADatabaseOutageIsA503ToRetry cuts the service off its
// database: a request answers 503 "unavailable" with Retry-After, which a
// gateway or client may send again, not the 500 of a bug; once the
// database is back the same request succeeds.
func TestARequestDuringADatabaseOutageIsA503ToRetry(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	if r := h.Do(t, "POST", "/api/ledger/v1/entries", tok, `{"account":"before","amount":1}`); r.Status != 201 {
		t.Fatalf("before the outage: %d %s", r.Status, r.Body)
	}
	restore := cutDatabase(t, h)
	for range 3 { // an open connection ended under the pool, then none to be had
		r := h.Do(t, "POST", "/api/ledger/v1/entries", tok, `{"account":"during","amount":1}`)
		var p struct{ Type string }
		r.JSON(t, &p)
		if r.Status != 503 || p.Type != "https://rapport.dev/problems/unavailable" || r.Header.Get("Retry-After") != "5" {
			t.Fatalf("during the outage: %d Retry-After %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
	if lines := logLines(t, h, "request"); len(lines) == 0 || lines[len(lines)-1]["level"] != "WARN" {
		t.Fatalf("a 503's access line is not a warning: %v", lines)
	}
	restore()
	testkit.Eventually(t, 15*time.Second, "the request to succeed once the database is back", func() bool {
		return h.Do(t, "POST", "/api/ledger/v1/entries", tok, `{"account":"after","amount":1}`).Status == 201
	})
}

// TestBackgroundLoopsLogADatabaseOutageOnceAndItsEnd cuts the service off
// its database for several seconds: the outbox relay and the consumer's
// replay loop back off and each says once that it fails, not every second,
// and once that it recovered, with how long and how many attempts.
func TestBackgroundLoopsLogADatabaseOutageOnceAndItsEnd(t *testing.T) {
	h := servicetest.Start(t, ledgerService(), servicetest.Options{})
	restore := cutDatabase(t, h)
	time.Sleep(7 * time.Second) // seven polls of the relay, three of the replay loop
	warnings := map[string]int{}
	for line := range strings.Lines(h.Logs.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["level"] == "WARN" || m["level"] == "ERROR" {
			warnings[m["msg"].(string)]++
		}
	}
	if warnings["outbox relay failing; retrying with backoff until it recovers"] != 1 {
		t.Errorf("the relay's outage is not logged once: %v", warnings)
	}
	for msg, n := range warnings {
		if n > 1 {
			t.Errorf("%q logged %d times in 7 s of outage", msg, n)
		}
	}
	restore()
	testkit.Eventually(t, 40*time.Second, "the relay to log its recovery", func() bool {
		return len(logLines(t, h, "outbox relay recovered")) == 1
	})
	if l := logLines(t, h, "outbox relay recovered")[0]; l["level"] != "INFO" || l["failed_attempts"].(float64) < 2 || l["down_seconds"].(float64) < 6 {
		t.Errorf("recovery line %v", l)
	}
}
