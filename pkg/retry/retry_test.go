package retry

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTheDelayDoublesFromASecondUpToThirtySeconds(t *testing.T) {
	for _, c := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second},
		{5, 16 * time.Second}, {6, 30 * time.Second}, {7, 30 * time.Second}, {1000, 30 * time.Second},
	} {
		if got := Delay(c.failures); got != c.want {
			t.Errorf("Delay(%d) = %v, want %v", c.failures, got, c.want)
		}
	}
}

func TestAFailingLoopLogsOnceWhenItFailsAndOnceWhenItRecovers(t *testing.T) {
	var buf strings.Builder
	s := NewStreak(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})), "outbox relay")
	clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	ctx := context.Background()
	var waits []time.Duration
	for range 5 {
		waits = append(waits, s.Failed(ctx, errors.New("connection refused")))
		clock = clock.Add(10 * time.Second)
	}
	s.Succeeded(ctx)
	s.Succeeded(ctx) // nothing to report: the loop was fine
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}; !slices.Equal(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
	var lines []map[string]any
	for l := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one when it fails and one when it recovers:\n%s", len(lines), buf.String())
	}
	if lines[0]["level"] != "WARN" || lines[0]["err"] != "connection refused" {
		t.Errorf("first line %v, want a warning with the error", lines[0])
	}
	if lines[1]["level"] != "INFO" || lines[1]["failed_attempts"] != 5.0 || lines[1]["down_seconds"] != 50.0 {
		t.Errorf("second line %v, want info with 5 attempts over 50 s", lines[1])
	}
	if s.Failures() != 0 {
		t.Errorf("%d failures after a success", s.Failures())
	}
	// A new outage is reported again, from the first delay.
	if d := s.Failed(ctx, errors.New("again")); d != time.Second || strings.Count(buf.String(), `"level":"WARN"`) != 2 {
		t.Errorf("a second outage waits %v and logs:\n%s", d, buf.String())
	}
}
