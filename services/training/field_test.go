package training_test

import (
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// trainerID is the subject of the fixture's trainer token: the trainer the
// field tests staff on their courses.
const trainerID = "user-trainer"

// heldCourse is a one-day course on 2026-11-16 with u1 and u2 registered,
// trainerID staffed on its morning session, started.
func (f *fixture) heldCourse() (courseID, session string) {
	f.t.Helper()
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.waitUnits(2)
	courseID, sessions := f.scheduledCourse([]string{"u1", "u2"}, "2026-11-16")
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	for _, u := range []string{"u1", "u2"} {
		f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": u}), 201, nil)
	}
	f.startCourse(courseID, calendar.NewDate(2026, 11, 16))
	return courseID, sessions[0]
}

// fieldOf is the field named by a 422's only error.
func fieldOf(t *testing.T, p map[string]any) (field, message string) {
	t.Helper()
	errs, _ := p["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors %v, want one", p["errors"])
	}
	e := errs[0].(map[string]any)
	return e["field"].(string), e["message"].(string)
}

func TestAChecklistAnswerWithoutItsCountPhotoOrTextIsRefused(t *testing.T) {
	f := start(t)
	courseID, _ := f.heldCourse()
	for key, body := range map[string]map[string]any{
		"attendees_confirmed": {"ok": true},
		"seating":             {"ok": true, "count": 40},
		"supervisor_speaks":   {"ok": true, "text": "   "},
	} {
		p := f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/checklist/"+key, body), 422)
		field, msg := fieldOf(t, p)
		if want := map[string]string{"attendees_confirmed": "count", "seating": "photo_url", "supervisor_speaks": "text"}[key]; field != want ||
			msg != want+" is required for this item" {
			t.Errorf("%s: %s %q, want %s named", key, field, msg, want)
		}
	}
	// The items answered by checkEverything stay complete.
	var cl struct {
		Incomplete []string `json:"incomplete"`
	}
	f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID+"/checklist", nil), 200, &cl)
	if len(cl.Incomplete) != 0 {
		t.Fatalf("a refused check undid an answer: %v", cl.Incomplete)
	}
}

func TestAnEscalationTextWithoutEscalateIsRefused(t *testing.T) {
	f := start(t)
	courseID, session := f.heldCourse()
	p := f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/sessions/"+session+"/reports", map[string]any{
		"supervisor_spoke": true, "data_entry_percent": 50, "progress": "ok", "escalate": false,
		"escalation": "Đơn vị X từ chối nhập liệu, cần GĐ can thiệp"}), 422)
	if field, msg := fieldOf(t, p); field != "escalate" || msg != "an escalation text was given: set escalate to true, or leave the text out" {
		t.Fatalf("%s %q", field, msg)
	}
	if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM session_report"); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
}
