package training_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// While the contact copy has events still to apply, a unit missing from it
// may be among them: the answer is a 503 with Retry-After saying so and how
// far behind the copy is, not a 422 "unknown". Once caught up, an unknown
// unit is a 422 again.
func TestAUnitNotYetReceivedIsA503WhileTheContactCopyIsBehind(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	// The second event of a school whose first is still on its way: the
	// consumer holds it until its predecessor comes, as after a burst.
	e, err := contract.Rapport().Event("u-new", time.Now(), contract.OrganizationUpdated{Organization: contract.OrganizationSnapshot{ID: "u-new", Name: "Trường mới"}})
	if err != nil {
		t.Fatal(err)
	}
	e.Sequence = 2
	if _, err := f.JS.PublishMsg(context.Background(), e.Msg(nil)); err != nil {
		t.Fatal(err)
	}
	body := func(unit string) map[string]any {
		return map[string]any{"unit_ids": []string{"u1", unit}, "module_code": "ke-toan", "mode": "in_person", "venue": "HT", "proposed_dates": []string{"2026-12-01"}}
	}
	r := f.do(auth.Sales, "POST", "/requests", body("u-new"))
	p := f.problem(r, 503)
	if r.Header.Get("Retry-After") == "" || p["pending_contact_events"] == nil || !strings.Contains(p["detail"].(string), "not yet received") ||
		fieldErrors(p)["unit_ids[1]"] == "" {
		t.Errorf("a unit not yet received: %v %v", r.Header, p)
	}

	f.seqs["organization/u-new"] = 0
	f.unit("u-new", "dvcq-1") // its first event arrives; the copy catches up
	f.waitUnits(2)
	testkit.Eventually(t, 10*time.Second, "the copy caught up, an unknown unit refused", func() bool {
		return f.do(auth.Sales, "POST", "/requests", body("ghost")).Status == 422
	})
	f.ok(f.do(auth.Sales, "POST", "/requests", body("u-new")), 201, nil)
}
