package training_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

type unitsOf struct {
	State          string   `json:"state"`
	DeletedUnitIDs []string `json:"deleted_unit_ids"`
}

type participantOf struct {
	UnitID      string `json:"unit_id"`
	UnitDeleted bool   `json:"unit_deleted"`
}

func (f *fixture) deleteUnit(id string) {
	f.publish(id, contract.OrganizationDeleted{ID: id, DeletedBy: "user-sales"})
}

// waitDeleted waits until the course answers these deleted units.
func (f *fixture) waitDeleted(courseID string, want ...string) {
	f.t.Helper()
	if want == nil {
		want = []string{}
	}
	var c unitsOf
	testkit.Eventually(f.t, 10*time.Second, "the course's deleted units", func() bool {
		f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID, nil), 200, &c)
		return slices.Equal(c.DeletedUnitIDs, want)
	})
}

func (f *fixture) participantsOf(courseID string) map[string]bool {
	f.t.Helper()
	var ps listOf[participantOf]
	f.ok(f.do(auth.Sales, "GET", "/courses/"+courseID+"/participants", nil), 200, &ps)
	out := map[string]bool{}
	for _, p := range ps.Items {
		out[p.UnitID] = p.UnitDeleted
	}
	return out
}

// A school deleted in the contact service shows on its training course: its
// participant says unit_deleted and the course names it. A course with a
// unit left goes on; one with none left is not scheduled, planned or made
// ready (409 naming the deleted units) until one is restored. A merged unit
// is its survivor, never marked.
func TestADeletedUnitShowsOnItsCourseAndACourseWithNoneLeftWaits(t *testing.T) {
	f := start(t)
	for _, u := range []string{"u1", "u2", "u3", "u6", "u7"} {
		f.unit(u, "dvcq-1")
	}
	f.waitUnits(5)

	// Some units deleted: shown, and the course goes on.
	a, sa := f.scheduledCourse([]string{"u1", "u2"}, "2026-11-20")
	for _, u := range []string{"u1", "u2"} {
		f.ok(f.do(auth.Sales, "POST", "/courses/"+a+"/participants", map[string]any{"unit_id": u}), 201, nil)
	}
	f.deleteUnit("u2")
	f.waitDeleted(a, "u2")
	if ps := f.participantsOf(a); len(ps) != 2 || ps["u1"] || !ps["u2"] {
		t.Fatalf("participants: %v, want u2 alone marked deleted", ps)
	}
	f.ok(f.assign(a, sa[0], trainerID), 201, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+a+"/approve-plan", nil), 200, nil)
	var planned unitsOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+a+"/plan", nil), 200, &planned)
	if planned.State != "planned" || !slices.Equal(planned.DeletedUnitIDs, []string{"u2"}) {
		t.Fatalf("plan answered %+v, want planned naming u2", planned)
	}
	var listed pageOf[unitsOf]
	f.ok(f.do(auth.Sales, "GET", "/courses?unit_id=u2", nil), 200, &listed)
	if len(listed.Items) != 1 || !slices.Equal(listed.Items[0].DeletedUnitIDs, []string{"u2"}) {
		t.Fatalf("list: %+v", listed.Items)
	}

	// No unit left: refused naming it, until the unit is restored.
	var req idOf
	f.ok(f.do(auth.Sales, "POST", "/requests", map[string]any{"unit_ids": []string{"u3"}, "module_code": "ke-toan", "mode": "online",
		"meeting_link": "https://zoom.us/j/5", "proposed_dates": []string{"2026-12-16"}}), 201, &req)
	b := req.CourseID
	f.ok(f.do(auth.Sales, "POST", "/courses/"+b+"/participants", map[string]any{"unit_id": "u3"}), 201, nil)
	f.deleteUnit("u3")
	f.waitDeleted(b, "u3")
	if ps := f.participantsOf(b); !ps["u3"] {
		t.Fatalf("participants: %v, want u3 marked deleted", ps)
	}
	refused := func(cmd string) {
		t.Helper()
		p := f.problem(f.do(auth.Lead, "POST", "/courses/"+b+"/"+cmd, nil), 409)
		if ids, _ := p["deleted_unit_ids"].([]any); p["precondition"] != "a unit not deleted" || len(ids) != 1 || ids[0] != "u3" {
			t.Fatalf("%s: %v, want the precondition naming u3", cmd, p)
		}
	}
	refused("schedule")
	restore := func() {
		f.publish("u3", contract.OrganizationRestored{OrganizationCreated: contract.OrganizationCreated{
			Organization: contract.OrganizationSnapshot{ID: "u3", Name: "Trường u3", SupervisingUnitID: "dvcq-1"}}, RestoredBy: "user-sales", Reason: "xoá nhầm"})
		f.waitDeleted(b)
	}
	restore()
	var sb idOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+b+"/sessions", map[string]any{"date": "2026-12-16", "half_day": "morning", "meeting_link": "https://zoom.us/j/5"}), 201, &sb)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+b+"/schedule", nil), 200, nil)
	f.ok(f.assign(b, sb.ID, trainerID), 201, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+b+"/approve-plan", nil), 200, nil)
	f.deleteUnit("u3")
	f.waitDeleted(b, "u3")
	refused("plan")
	restore()
	f.ok(f.do(auth.Lead, "POST", "/courses/"+b+"/plan", nil), 200, nil)
	f.checkEverything(b)
	f.deleteUnit("u3")
	f.waitDeleted(b, "u3")
	refused("mark-ready")

	// A merged unit is re-pointed to its survivor, not marked deleted.
	d, _ := f.scheduledCourse([]string{"u6"}, "2026-11-24")
	f.ok(f.do(auth.Sales, "POST", "/courses/"+d+"/participants", map[string]any{"unit_id": "u6"}), 201, nil)
	f.publish("u7", contract.OrganizationMerged{SurvivorID: "u7", MergedID: "u6",
		Organization: contract.OrganizationSnapshot{ID: "u7", Name: "Trường u7", SupervisingUnitID: "dvcq-1"}})
	testkit.Eventually(t, 10*time.Second, "the participant re-pointed", func() bool {
		ps := f.participantsOf(d)
		deleted, ok := ps["u7"]
		return ok && !deleted && len(ps) == 1
	})
	f.waitDeleted(d)
}
