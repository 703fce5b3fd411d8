package runner

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultsWorkLocally(t *testing.T) {
	c, err := Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.StreamReplicas != 1 || c.OutboxRetention != 7*24*time.Hour || !c.DevelopmentKey() {
		t.Fatalf("defaults %+v", c)
	}
}

func TestBadValuesAreAllReported(t *testing.T) {
	env := map[string]string{"STREAM_REPLICAS": "three", "OUTBOX_RETENTION": "a week", "TZ_BUSINESS": "Mars/Olympus", "LOG_LEVEL": "loud"}
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
