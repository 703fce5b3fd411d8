package training_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// While the contact copy has events still to apply, a unit missing from it
// may be among them: the answer is a 503 with Retry-After saying so and how
// far behind the copy is, not a 422 "unknown". Once caught up, an unknown
// unit is a 422 again.
func TestAUnitNotYetReceivedIsA503WhileTheContactCopyIsBehind(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	f.holdContactCopy("u-new")
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

// holdContactCopy publishes the second event of a school whose first is
// still on its way: the consumer holds it until its predecessor comes, as
// after a burst, so the copy stays behind.
func (f *fixture) holdContactCopy(unitID string) {
	f.t.Helper()
	e, err := contract.Rapport().Event(unitID, time.Now(), contract.OrganizationUpdated{Organization: contract.OrganizationSnapshot{ID: unitID, Name: "Trường mới"}})
	if err != nil {
		f.t.Fatal(err)
	}
	e.Sequence = 2
	if _, err := f.JS.PublishMsg(context.Background(), e.Msg(nil)); err != nil {
		f.t.Fatal(err)
	}
}

// Registering a unit and recording its attendance answer a unit the copy
// has not yet received as POST /requests does: a 503 to retry while the
// copy is behind, a 422 "unknown" once it has caught up.
func TestRegistrationAndAttendanceWaitForAUnitNotYetReceived(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, sessions := f.scheduledCourse([]string{"u1"}, "2026-12-01")
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.startCourse(courseID, calendar.NewDate(2026, 12, 1))
	register := func(unit string) servicetest.Response {
		return f.do(auth.Lead, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": unit})
	}
	attend := func(unit string) servicetest.Response {
		return f.do(auth.Lead, "POST", "/courses/"+courseID+"/sessions/"+sessions[0]+"/attendance", map[string]any{"unit_id": unit, "present": true})
	}
	f.holdContactCopy("u-new")
	for name, r := range map[string]servicetest.Response{"registration": register("u-new"), "attendance": attend("u-new")} {
		p := f.problem(r, 503)
		if r.Header.Get("Retry-After") == "" || p["pending_contact_events"] == nil || fieldErrors(p)["unit_id"] == "" {
			t.Errorf("%s of a unit not yet received: %v %v", name, r.Header, p)
		}
	}

	f.seqs["organization/u-new"] = 0
	f.unit("u-new", "dvcq-1")
	f.waitUnits(2)
	testkit.Eventually(t, 10*time.Second, "the copy caught up, an unknown unit refused", func() bool {
		return register("ghost").Status == 422
	})
	f.problem(attend("ghost"), 422)
	f.ok(register("u-new"), 201, nil)
	f.ok(attend("u-new"), 201, nil)
}
