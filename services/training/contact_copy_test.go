package training_test

import (
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// A unit and a person the contact service deleted and then restored are
// in the local copy again, as the restored events carry what created does.
func TestARestoredContactIsInTheCopyAgain(t *testing.T) {
	f := start(t)
	f.unit("u-kim-lien", "")
	f.person("p-nam", "u-kim-lien")
	f.waitUnits(1)
	f.publish("u-kim-lien", contract.OrganizationDeleted{ID: "u-kim-lien", DeletedBy: "user-lead"})
	f.publish("p-nam", contract.PersonDeleted{ID: "p-nam", DeletedBy: "user-lead"})
	f.waitUnits(0)
	f.publish("u-kim-lien", contract.OrganizationRestored{OrganizationCreated: contract.OrganizationCreated{
		Organization: contract.OrganizationSnapshot{ID: "u-kim-lien", Name: "Trường Tiểu học Kim Liên"}}, RestoredBy: "user-lead", Reason: "xoá nhầm"})
	f.publish("p-nam", contract.PersonRestored{PersonCreated: contract.PersonCreated{
		Person: contract.PersonSnapshot{ID: "p-nam", FullName: "Lê Văn Nam", OrganizationIDs: []string{"u-kim-lien"}}}, RestoredBy: "user-lead", Reason: "xoá nhầm"})
	f.waitUnits(1)
	testkit.Eventually(t, 10*time.Second, "the person back", func() bool {
		return testkit.Count(t, f.Pool, `SELECT count(*) FROM contact_person WHERE id='p-nam' AND NOT deleted AND organization_ids = '{u-kim-lien}'`) == 1
	})
}

// A screen or script that kept the id of a unit the contact service has
// since merged away (twice over here) still submits a request, registers
// the unit and records its attendance: the old id names the survivor, as
// the contact service's alias lookup has it, and the survivor is what is
// stored. An id the copy never held is still refused.
func TestAnOldIDOfAMergedUnitNamesItsSurvivor(t *testing.T) {
	f := start(t)
	for _, u := range []string{"u-old", "u-mid", "u-now"} {
		f.unit(u, "dvcq-1")
	}
	f.waitUnits(3)
	f.publish("u-mid", contract.OrganizationMerged{SurvivorID: "u-mid", MergedID: "u-old",
		Organization: contract.OrganizationSnapshot{ID: "u-mid", Name: "Trường u-mid", SupervisingUnitID: "dvcq-1"}})
	f.publish("u-now", contract.OrganizationMerged{SurvivorID: "u-now", MergedID: "u-mid",
		Organization: contract.OrganizationSnapshot{ID: "u-now", Name: "Trường u-now", SupervisingUnitID: "dvcq-1"}})
	f.waitUnits(1)

	var req struct {
		UnitIDs []string `json:"unit_ids"`
	}
	f.ok(f.do(auth.Sales, "POST", "/requests", map[string]any{"unit_ids": []string{"u-old", "u-now"}, "module_code": "ke-toan", "mode": "in_person",
		"venue": "Hội trường A", "proposed_dates": []string{"2026-11-20"}, "handover_notes": "bàn giao", "objectives": map[string]bool{"contract": true}}), 201, &req)
	if len(req.UnitIDs) != 1 || req.UnitIDs[0] != "u-now" {
		t.Fatalf("request units %v, want the survivor once", req.UnitIDs)
	}

	courseID, sessions := f.scheduledCourse([]string{"u-mid"}, "2026-11-20")
	var p struct {
		UnitID string `json:"unit_id"`
	}
	f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": "u-old"}), 201, &p)
	if p.UnitID != "u-now" {
		t.Fatalf("participant unit %q, want the survivor", p.UnitID)
	}
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.startCourse(courseID, calendar.NewDate(2026, 11, 20))
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/sessions/"+sessions[0]+"/attendance", map[string]any{"unit_id": "u-mid", "present": true}), 201, nil)
	if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM attendance WHERE unit_id = 'u-now'"); n != 1 {
		t.Fatalf("%d attendance rows under the survivor", n)
	}

	body := map[string]any{"unit_ids": []string{"u-never"}, "module_code": "ke-toan", "mode": "in_person",
		"venue": "Hội trường A", "proposed_dates": []string{"2026-11-20"}, "handover_notes": "bàn giao", "objectives": map[string]bool{"contract": true}}
	f.problem(f.do(auth.Sales, "POST", "/requests", body), 422)
}

// A person's snapshot taken before her school's merge can arrive after it
// (the two are events of different aggregates): the unit it names stands
// for its survivor, so she stays a contact of the survivor's open course
// instead of being tied to a unit no course lists any more.
func TestAPersonSnapshotNamingAMergedUnitLandsOnItsSurvivor(t *testing.T) {
	f := start(t)
	f.unit("u-a", "dvcq-1")
	f.unit("u-b", "dvcq-1")
	f.person("p-hoa", "u-a")
	f.waitUnits(2)
	testkit.Eventually(t, 10*time.Second, "the person", func() bool { return testkit.Count(t, f.Pool, "SELECT count(*) FROM contact_person") == 1 })
	courseID, _ := f.scheduledCourse([]string{"u-a"}, "2026-11-20")
	f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": "u-a"}), 201, nil)

	f.publish("u-b", contract.OrganizationMerged{SurvivorID: "u-b", MergedID: "u-a",
		Organization: contract.OrganizationSnapshot{ID: "u-b", Name: "Trường u-b", SupervisingUnitID: "dvcq-1"}})
	f.waitUnits(1)
	f.publish("p-hoa", contract.PersonUpdated{Person: contract.PersonSnapshot{ID: "p-hoa", FullName: "Lê Thị Hoa", OrganizationIDs: []string{"u-a"}}})
	testkit.Eventually(t, 10*time.Second, "the person at the survivor, and its course's contact", func() bool {
		return testkit.Count(t, f.Pool, `SELECT count(*) FROM contact_person WHERE id = 'p-hoa' AND name = 'Lê Thị Hoa' AND organization_ids = '{u-b}'`) == 1 &&
			testkit.Count(t, f.Pool, `SELECT count(*) FROM participant WHERE course_id = $1 AND unit_id = 'u-b' AND contact_person_ids = '{p-hoa}'`, courseID) == 1
	})
}
