// Package health serves /healthz (the process is alive) and /readyz (its
// dependencies answer and its migrations are applied).
package health

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Check reports an unready dependency as an error.
type Check func(ctx context.Context) error

// Checks is a named set of checks, safe to extend while serving.
type Checks struct {
	mu       sync.Mutex
	checks   map[string]Check
	draining atomic.Bool
}

// Drain makes Ready answer 503 from now on, whatever the checks say: the
// process is stopping, and the load balancer should send its requests to
// another replica while this one finishes.
func (c *Checks) Drain() { c.draining.Store(true) }

// Add registers a check under name.
func (c *Checks) Add(name string, check Check) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.checks == nil {
		c.checks = map[string]Check{}
	}
	c.checks[name] = check
}

// Live answers 200 while the process serves at all.
func Live(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// Ready runs every check (2s budget) and answers 200 or 503 with each
// result; once draining, 503 without running them.
func (c *Checks) Ready(w http.ResponseWriter, r *http.Request) {
	if c.draining.Load() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "draining"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	c.mu.Lock()
	names := make([]string, 0, len(c.checks))
	for n := range c.checks {
		names = append(names, n)
	}
	checks := c.checks
	c.mu.Unlock()
	sort.Strings(names)
	results := map[string]string{}
	status := http.StatusOK
	for _, n := range names {
		if err := checks[n](ctx); err != nil {
			results[n] = err.Error()
			status = http.StatusServiceUnavailable
		} else {
			results[n] = "ok"
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	word := "ok"
	if status != http.StatusOK {
		word = "unavailable"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"status": word, "checks": results})
}
