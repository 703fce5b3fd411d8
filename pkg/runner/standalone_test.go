package runner

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A service binary checks its whole configuration before it connects to
// anything, and one error lists every problem: the operator fixes them in
// one round rather than one per start.
func TestAServiceBinaryListsEveryConfigurationProblemBeforeConnecting(t *testing.T) {
	env := map[string]string{
		// Nothing listens there: a connection attempt would be reported instead, after a timeout.
		"NATS_URL":     "nats://127.0.0.1:1",
		"DATABASE_URL": "postgres://contact:secret-pw@db:notaport/contact",
		"LOG_LEVEL":    "loud",
	}
	svc := Service{Name: "probe", Check: func(getenv func(string) string) error {
		if getenv("PROBE_FILE") == "" {
			return errors.New("PROBE_FILE: is required")
		}
		return nil
	}}
	start := time.Now()
	err := Standalone(context.Background(), func(k string) string { return env[k] }, &bytes.Buffer{}, svc)
	if err == nil {
		t.Fatal("started with a broken configuration")
	}
	for _, want := range []string{"JWT_SECRET or JWT_JWKS_URL", "DATABASE_URL", "LOG_LEVEL", "PROBE_FILE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not name %s: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "secret-pw") || strings.Contains(err.Error(), "\n") {
		t.Errorf("the error shows the password or is not one line: %q", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s: it tried to connect", d)
	}
}

func TestAServiceBinaryNeedsItsDatabaseAndBroker(t *testing.T) {
	env := map[string]string{"JWT_SECRET": "from-vault"}
	err := Standalone(context.Background(), func(k string) string { return env[k] }, &bytes.Buffer{}, Service{Name: "probe"})
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "NATS_URL") {
		t.Fatalf("%v, want both URLs named", err)
	}
	if strings.Contains(err.Error(), "JWT") {
		t.Errorf("a configured key reported: %v", err)
	}
}
