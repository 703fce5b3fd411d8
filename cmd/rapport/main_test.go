package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startDev runs `rapport dev` until the test ends and returns its base URL
// and what it prints.
func startDev(t *testing.T, env map[string]string) (string, *testkit.Buffer) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &testkit.Buffer{}
	// The data directory is made before the cleanup below is registered, so
	// it is removed after rapport dev has stopped writing to it.
	data := t.TempDir()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"dev", "--addr", addr, "--data", data}, func(k string) string { return env[k] }, out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("rapport dev: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("rapport dev did not stop within 30s")
		}
	})
	url := "http://" + addr
	testkit.Eventually(t, 60*time.Second, "rapport dev to print its URL", func() bool {
		select {
		case err := <-done:
			t.Fatalf("rapport dev stopped: %v\n%s", err, out.String())
		default:
		}
		return strings.Contains(out.String(), "Rapport is running at "+url)
	})
	if !strings.Contains(out.String(), "token --role") {
		t.Fatalf("rapport dev does not say how to get a token:\n%s", out.String())
	}
	return url, out
}

func TestDevWithItsOwnPostgresIsReady(t *testing.T) {
	url, _ := startDev(t, map[string]string{"RAPPORT_PG_PORT": strings.Split(freeAddr(t), ":")[1]})
	assertReady(t, url)
}

func TestDevWithAGivenDatabaseIsReady(t *testing.T) {
	db := testkit.NewDatabase(t)
	url, _ := startDev(t, map[string]string{"DATABASE_URL": db.AdminURL()})
	assertReady(t, url)
}

// A log store keeps one value of a key written twice in a line (which one
// depends on the store), so every line must name each key once.
func TestDevLogsNameEachKeyOnce(t *testing.T) {
	db := testkit.NewDatabase(t)
	_, out := startDev(t, map[string]string{"DATABASE_URL": db.AdminURL()})
	testkit.Eventually(t, 30*time.Second, "both relays to start", func() bool {
		return strings.Count(out.String(), `"relay active"`) == len(services())
	})
	lines := 0
	for line := range strings.Lines(out.String()) {
		if !strings.HasPrefix(line, "{") {
			continue // the banner
		}
		lines++
		if dup := repeatedKeys(t, line); len(dup) > 0 {
			t.Errorf("keys %v written twice in %s", dup, line)
		}
	}
	if lines == 0 {
		t.Fatalf("no JSON log line in:\n%s", out.String())
	}
}

// repeatedKeys returns the top-level keys that a JSON object names more than once.
func repeatedKeys(t *testing.T, line string) []string {
	dec := json.NewDecoder(strings.NewReader(line))
	if _, err := dec.Token(); err != nil { // {
		t.Fatalf("%s: %v", line, err)
	}
	seen, repeated := map[string]bool{}, []string(nil)
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		key := k.(string)
		if seen[key] {
			repeated = append(repeated, key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	return repeated
}

func assertReady(t *testing.T, url string) {
	t.Helper()
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s answered %d", path, resp.StatusCode)
		}
	}
	for _, s := range services() {
		resp, err := http.Get(fmt.Sprintf("%s/api/%s/openapi.json", url, s.Name))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s openapi answered %d", s.Name, resp.StatusCode)
		}
	}
}

func TestTokenPrintsAVerifiableTokenOnItsLastLine(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"token", "--role", "lead"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	v, err := auth.NewVerifier(context.Background(), auth.Config{Secret: "rapport-dev-secret-change-me"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.Verify(lines[len(lines)-1])
	if err != nil || !c.Has(auth.Lead) {
		t.Fatalf("last line is not a lead token: %v", err)
	}
}

func TestTokenRefusesWithAProductionKey(t *testing.T) {
	for _, env := range []map[string]string{{"JWT_SECRET": "s3cret-from-vault"}, {"JWT_JWKS_URL": "https://id.example/jwks"}} {
		err := run(context.Background(), []string{"token", "--role", "admin"}, func(k string) string { return env[k] }, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "production key") {
			t.Fatalf("with %v: %v, want a refusal", env, err)
		}
	}
}

func TestTokenRefusesAnUnknownRole(t *testing.T) {
	if err := run(context.Background(), []string{"token", "--role", "king"}, func(string) string { return "" }, &bytes.Buffer{}); err == nil {
		t.Fatal("a token for an unknown role was signed")
	}
}
