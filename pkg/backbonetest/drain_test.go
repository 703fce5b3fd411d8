package backbonetest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// TestAStoppingProcessFailsReadinessAndServesThroughItsDrainDelay sends the
// process its stop signal, as Kubernetes does at a rolling update: /readyz
// turns 503 at once, so the pod leaves the endpoints, and a request that
// still arrives on a new connection meanwhile is served; only after the
// drain delay is the listener closed.
func TestAStoppingProcessFailsReadinessAndServesThroughItsDrainDelay(t *testing.T) {
	const delay = 3 * time.Second
	h := servicetest.Start(t, ledgerService(), servicetest.Options{Config: func(c *runner.Config) { c.DrainDelay = delay }})
	tok := h.Token(t, auth.Sales)
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	signalled := time.Now()
	h.Signal()
	testkit.Eventually(t, time.Second, "/readyz to answer 503", func() bool {
		r, err := fresh.Get(h.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode == 503
	})
	req, _ := http.NewRequest("POST", h.URL+"/api/ledger/v1/entries", strings.NewReader(`{"account":"late","amount":1}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	r, err := fresh.Do(req)
	if err != nil {
		t.Fatalf("a request during the drain delay was refused: %v", err)
	}
	r.Body.Close()
	if r.StatusCode != 201 || time.Since(signalled) > delay {
		t.Fatalf("during the drain delay: %d after %v", r.StatusCode, time.Since(signalled))
	}
	testkit.Eventually(t, delay+5*time.Second, "the listener to close after the drain delay", func() bool {
		r, err := fresh.Get(h.URL + "/healthz")
		if err == nil {
			r.Body.Close()
		}
		return err != nil
	})
	if took := time.Since(signalled); took < delay {
		t.Fatalf("the listener closed %v after the signal, before the %v drain delay", took, delay)
	}
}
