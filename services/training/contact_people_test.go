package training_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// A head teacher deleted by mistake and restored is again a contact person
// of the course her school registered for, and what training publishes
// about it afterwards names her.
func TestARestoredPersonIsAContactOfHerSchoolsOpenCourseAgain(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.person("p-hieu", "u1")
	f.person("p-lan", "u1")
	f.waitUnits(1)
	f.waitPeople(2)
	courseID, _ := f.scheduledCourse([]string{"u1"}, "2026-11-20")
	var p idOf
	f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": "u1"}), 201, &p)
	f.waitContacts(courseID, "u1", "p-hieu", "p-lan")

	f.publish("p-hieu", contract.PersonDeleted{ID: "p-hieu", DeletedBy: "sales-lan"})
	f.waitContacts(courseID, "u1", "p-lan")
	f.publish("p-hieu", contract.PersonRestored{PersonCreated: contract.PersonCreated{Person: contract.PersonSnapshot{ID: "p-hieu",
		FullName: "Lê Thị Hiệu", OrganizationIDs: []string{"u1"}}}, RestoredBy: "sales-lan", Reason: "xoá nhầm"})
	f.waitContacts(courseID, "u1", "p-hieu", "p-lan")

	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/participants/"+p.ID+"/confirm", map[string]any{"attendees": 2}), 200, nil)
	if got := f.published("training.participant.confirmed", "contact_person_ids"); !slices.Equal(got, []string{"p-hieu", "p-lan"}) {
		t.Errorf("participant.confirmed names %v, want both people of the school", got)
	}
	if got := f.published("training.participant.confirmed", "course", "contact_person_ids"); !slices.Equal(got, []string{"p-hieu", "p-lan"}) {
		t.Errorf("the course in participant.confirmed names %v, want both people of the school", got)
	}
}

// A teacher who moved to another school (her works_at changed) leaves the
// first school's open course and becomes a contact of the new school's;
// the attendance training records there afterwards names her.
func TestAPersonWhoMovedSchoolsFollowsToTheNewSchoolsOpenCourse(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.person("p-binh", "u1")
	f.person("p-an", "u2")
	f.waitUnits(2)
	f.waitPeople(2)
	first, _ := f.scheduledCourse([]string{"u1"}, "2026-11-20")
	second, sessions := f.scheduledCourse([]string{"u2"}, "2026-11-23")
	f.ok(f.do(auth.Sales, "POST", "/courses/"+first+"/participants", map[string]any{"unit_id": "u1"}), 201, nil)
	f.ok(f.do(auth.Sales, "POST", "/courses/"+second+"/participants", map[string]any{"unit_id": "u2"}), 201, nil)
	f.waitContacts(first, "u1", "p-binh")
	f.waitContacts(second, "u2", "p-an")

	f.publish("p-binh", contract.PersonUpdated{Person: contract.PersonSnapshot{ID: "p-binh", FullName: "Trần Văn Bình",
		OrganizationIDs: []string{"u2"}}, ChangedFields: []string{"relationships"}})
	f.waitContacts(first, "u1")
	f.waitContacts(second, "u2", "p-an", "p-binh")

	f.ok(f.do(auth.Lead, "POST", "/courses/"+second+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.startCourse(second, calendar.NewDate(2026, 11, 23))
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+second+"/sessions/"+sessions[0]+"/attendance", map[string]any{"unit_id": "u2", "present": true}), 201, nil)
	if got := f.published("training.attendance.recorded", "contact_person_ids"); !slices.Equal(got, []string{"p-an", "p-binh"}) {
		t.Errorf("attendance.recorded names %v, want the new school's people", got)
	}
}

// A course that was held or cancelled keeps its contact people as they
// were: a move, a newcomer and a deletion change only the open course.
func TestAnEndedCourseKeepsItsContactsAsTheyWere(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.person("p-cu", "u1")
	f.waitUnits(2)
	f.waitPeople(1)
	held, sessions := f.scheduledCourse([]string{"u1"}, "2026-11-16")
	cancelled, _ := f.scheduledCourse([]string{"u1"}, "2026-11-25")
	open, _ := f.scheduledCourse([]string{"u1"}, "2026-11-27")
	for _, c := range []string{held, cancelled, open} {
		f.ok(f.do(auth.Sales, "POST", "/courses/"+c+"/participants", map[string]any{"unit_id": "u1"}), 201, nil)
	}
	f.ok(f.do(auth.Lead, "POST", "/courses/"+held+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.startCourse(held, calendar.NewDate(2026, 11, 16))
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(12, 0)) // its morning session is over
	f.ok(f.do(auth.Lead, "POST", "/courses/"+held+"/complete", nil), 200, nil)
	f.ok(f.do(auth.Manager, "POST", "/courses/"+cancelled+"/cancel", map[string]any{"reason": "hoãn"}), 200, nil)

	f.publish("p-cu", contract.PersonUpdated{Person: contract.PersonSnapshot{ID: "p-cu", FullName: "Phạm Văn Cũ",
		OrganizationIDs: []string{"u2"}}, ChangedFields: []string{"relationships"}})
	f.person("p-moi", "u1")
	f.waitContacts(open, "u1", "p-moi")
	f.publish("p-cu", contract.PersonDeleted{ID: "p-cu", DeletedBy: "sales-lan"})
	testkit.Eventually(t, 10*time.Second, "the deletion in the copy", func() bool {
		return testkit.Count(t, f.Pool, "SELECT count(*) FROM contact_person WHERE id = 'p-cu' AND deleted") == 1
	})
	for _, c := range []string{held, cancelled} {
		if got := f.contacts(c, "u1"); !slices.Equal(got, []string{"p-cu"}) {
			t.Errorf("ended course %s: contacts %v, want those it had", c, got)
		}
	}
}

func (f *fixture) waitPeople(n int64) {
	f.t.Helper()
	testkit.Eventually(f.t, 10*time.Second, "the people in the copy", func() bool {
		return testkit.Count(f.t, f.Pool, "SELECT count(*) FROM contact_person WHERE NOT deleted") == n
	})
}

// contacts reads a participant's contact people through the API.
func (f *fixture) contacts(courseID, unitID string) []string {
	f.t.Helper()
	var parts struct {
		Items []struct {
			UnitID           string   `json:"unit_id"`
			ContactPersonIDs []string `json:"contact_person_ids"`
		} `json:"items"`
	}
	f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID+"/participants", nil), 200, &parts)
	for _, p := range parts.Items {
		if p.UnitID == unitID {
			return p.ContactPersonIDs
		}
	}
	f.t.Fatalf("unit %s is not a participant of %s", unitID, courseID)
	return nil
}

func (f *fixture) waitContacts(courseID, unitID string, want ...string) {
	f.t.Helper()
	var got []string
	testkit.Eventually(f.t, 10*time.Second, "the contact people of "+unitID, func() bool {
		got = f.contacts(courseID, unitID)
		return slices.Equal(got, want) || (len(got) == 0 && len(want) == 0)
	})
}

// published reads a list at path in the payload of the latest event of
// subject the service put in its outbox.
func (f *fixture) published(subject string, path ...string) []string {
	f.t.Helper()
	var raw []byte
	if err := f.Pool.QueryRow(context.Background(), `SELECT payload #> $2 FROM outbox WHERE subject = $1 ORDER BY position DESC LIMIT 1`,
		subject, path).Scan(&raw); err != nil {
		f.t.Fatalf("%s: %v", subject, err)
	}
	var ids []string
	if err := json.Unmarshal(raw, &ids); err != nil {
		f.t.Fatalf("%s %v: %v", subject, path, err)
	}
	return ids
}
