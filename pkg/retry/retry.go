// Package retry paces and reports the background loops of a process (the
// outbox relay, a consumer's replays, a job claimer) while a dependency is
// down: each waits longer after each failure in a row, and the log says
// once that the loop is failing and once that it recovered, not every try.
package retry

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

const (
	// First is the wait after the first failure; it doubles after each
	// further one up to Max.
	First = time.Second
	// Max bounds the wait: a loop notices a recovered dependency within it.
	Max = 30 * time.Second
)

// Delay is the wait after failures failed attempts in a row: 1 s, 2 s,
// 4 s … up to 30 s; none before the first failure.
func Delay(failures int) time.Duration {
	if failures <= 0 {
		return 0
	}
	if failures > 6 { // 1s << 5 is past Max already; this also keeps the shift from overflowing
		return Max
	}
	return min(First<<(failures-1), Max)
}

// Streak follows one loop's failures in a row. It logs the first at warn
// with its error, each further one at debug, and the first success after
// them at info with how long the loop failed and how many attempts failed.
// It is safe for concurrent use, so that the workers of one loop share it.
type Streak struct {
	log  *slog.Logger
	what string

	mu       sync.Mutex
	failures int
	since    time.Time
	now      func() time.Time
}

// NewStreak returns a streak of the loop named what ("outbox relay"),
// logging to log.
func NewStreak(log *slog.Logger, what string) *Streak {
	return &Streak{log: log, what: what, now: time.Now}
}

// Failed records a failed attempt and returns how long to wait before the
// next one.
func (s *Streak) Failed(ctx context.Context, err error) time.Duration {
	s.mu.Lock()
	s.failures++
	n := s.failures
	if n == 1 {
		s.since = s.now()
	}
	s.mu.Unlock()
	wait := Delay(n)
	if n == 1 {
		s.log.WarnContext(ctx, s.what+" failing; retrying with backoff until it recovers", "err", err, "retry_in", wait.String())
	} else {
		s.log.DebugContext(ctx, s.what+" still failing", "err", err, "attempt", n, "retry_in", wait.String())
	}
	return wait
}

// Succeeded records a successful attempt, ending a streak of failures.
func (s *Streak) Succeeded(ctx context.Context) {
	s.mu.Lock()
	n, since := s.failures, s.since
	s.failures = 0
	s.mu.Unlock()
	if n > 0 {
		s.log.InfoContext(ctx, s.what+" recovered", "failed_attempts", n, "down_seconds", s.now().Sub(since).Seconds())
	}
}

// Failures is how many attempts in a row have failed.
func (s *Streak) Failures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failures
}
