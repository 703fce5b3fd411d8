package runner

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultsWorkLocally(t *testing.T) {
	c, err := Load(DevelopmentEnv(func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.StreamReplicas != 1 || c.OutboxRetention != 7*24*time.Hour || !c.DevelopmentKey() || c.DrainDelay != 5*time.Second {
		t.Fatalf("defaults %+v", c)
	}
}

// The development key is published in the repository: a process that was
// given no key must not start on it and so accept anyone's token.
func TestWithoutAKeyTheConfigurationIsRefused(t *testing.T) {
	c, err := Load(func(string) string { return "" })
	if err == nil {
		t.Fatalf("started without a key, verifying with %q", c.JWTSecret)
	}
	for _, name := range []string{"JWT_SECRET", "JWT_JWKS_URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("the error is not one line: %q", err)
	}
	if c.JWTSecret == DevSecret {
		t.Error("the development key was filled in")
	}
}

func TestTheDevelopmentKeyIsAnExplicitChoiceThatARealKeyOverrides(t *testing.T) {
	for _, env := range []map[string]string{{"JWT_SECRET": "from-vault"}, {"JWT_JWKS_URL": "https://id.example.com/jwks.json"}} {
		c, err := Load(DevelopmentEnv(func(k string) string { return env[k] }))
		if err != nil {
			t.Fatalf("%v: %v", env, err)
		}
		if c.DevelopmentKey() || c.JWTSecret == DevSecret {
			t.Errorf("%v: the development key replaced the configured one", env)
		}
	}
}

func TestBadValuesAreAllReported(t *testing.T) {
	env := map[string]string{"STREAM_REPLICAS": "three", "OUTBOX_RETENTION": "a week", "TZ_BUSINESS": "Mars/Olympus", "LOG_LEVEL": "loud",
		"HTTP_ADDR": "8080", "JWT_JWKS_URL": "id.example.com/jwks.json", "SHUTDOWN_DRAIN_DELAY": "-5s"}
	_, err := Load(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for k := range env {
		if !strings.Contains(err.Error(), k) {
			t.Errorf("error does not name %s: %v", k, err)
		}
	}
}

func TestARealKeyIsNotTheDevelopmentKey(t *testing.T) {
	c, _ := Load(func(k string) string { return map[string]string{"JWT_SECRET": "from-vault"}[k] })
	if c.DevelopmentKey() {
		t.Fatal("a configured secret counts as the development key")
	}
}

func TestAProcessMayStopWithoutADrainDelay(t *testing.T) {
	c, err := Load(DevelopmentEnv(func(k string) string { return map[string]string{"SHUTDOWN_DRAIN_DELAY": "0"}[k] }))
	if err != nil || c.DrainDelay != 0 {
		t.Fatalf("SHUTDOWN_DRAIN_DELAY=0: %v, %v", c.DrainDelay, err)
	}
}
