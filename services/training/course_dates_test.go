package training_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

type planOf struct {
	Sessions []struct {
		ID      string `json:"id"`
		Date    string `json:"date"`
		HalfDay string `json:"half_day"`
	} `json:"sessions"`
	Assignments []struct {
		SessionID string `json:"session_id"`
		PersonID  string `json:"person_id"`
	} `json:"assignments"`
}

type courseOf struct {
	State        string   `json:"state"`
	FirstSession string   `json:"first_session"`
	LastSession  string   `json:"last_session"`
	TrainerIDs   []string `json:"trainer_ids"`
}

func (f *fixture) assign(courseID, sessionID, person string) servicetest.Response {
	return f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessionID, "person_id": person, "duty": "trainer"})
}

func (f *fixture) plan(courseID string) planOf {
	f.t.Helper()
	var p planOf
	f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID+"/staffing", nil), 200, &p)
	return p
}

func (f *fixture) course(courseID string) courseOf {
	f.t.Helper()
	var c courseOf
	f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID, nil), 200, &c)
	return c
}

func (p planOf) days() []string {
	var out []string
	for _, s := range p.Sessions {
		out = append(out, s.Date+" "+s.HalfDay)
	}
	return out
}

func TestARescheduleTakesTheNewDatesAndMovesTheSessionsWithTheirTrainer(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.waitUnits(2)
	moving, ss := f.scheduledCourse([]string{"u1"}, "2026-12-05", "2026-12-06")
	for _, s := range ss {
		f.ok(f.assign(moving, s, "trainer-nam"), 201, nil)
	}

	f.problem(f.do(auth.Lead, "POST", "/courses/"+moving+"/reschedule", map[string]any{"reason": "Phòng GD đổi lịch họp"}), 409)
	var c courseOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+moving+"/reschedule", map[string]any{"first_session": "2026-12-12", "last_session": "2026-12-13",
		"reason": "Phòng GD đổi lịch họp"}), 200, &c)
	if c.State != "rescheduled" || c.FirstSession != "2026-12-12" || c.LastSession != "2026-12-13" {
		t.Fatalf("after reschedule: %+v, want rescheduled on 2026-12-12..13", c)
	}
	// Same length: the course moved as a block, its trainer with it.
	p := f.plan(moving)
	if got := p.days(); !slices.Equal(got, []string{"2026-12-12 morning", "2026-12-13 morning"}) || len(p.Assignments) != 2 {
		t.Fatalf("sessions %v, assignments %+v; want both moved a week, trainer kept", got, p.Assignments)
	}
	e := testkit.WaitForEvent(t, f.JS, "TRAINING", "training.course.rescheduled", 10*time.Second, nil)
	ev, err := contract.Decode[contract.CourseRescheduled](e)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Course.FirstSession != "2026-12-12" || ev.PreviousFirstSession != "2026-12-05" || ev.PreviousLastSession != "2026-12-06" ||
		ev.Reason != "Phòng GD đổi lịch họp" {
		t.Fatalf("the event says %+v", ev)
	}
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}

	// The days it left are free for another course.
	other, os := f.scheduledCourse([]string{"u2"}, "2026-12-05")
	f.ok(f.assign(other, os[0], "trainer-nam"), 201, nil)

	// Confirming keeps the new dates.
	f.ok(f.do(auth.Lead, "POST", "/courses/"+moving+"/schedule", nil), 200, &c)
	if c.State != "scheduled" || c.FirstSession != "2026-12-12" || c.LastSession != "2026-12-13" {
		t.Fatalf("after schedule: %+v", c)
	}

	// Another length: the sessions within stay, the others go with their trainer.
	f.ok(f.do(auth.Lead, "POST", "/courses/"+moving+"/reschedule", map[string]any{"first_session": "2026-12-13", "last_session": "2026-12-15",
		"reason": "thêm một ngày"}), 200, nil)
	if got := f.plan(moving).days(); !slices.Equal(got, []string{"2026-12-13 morning"}) {
		t.Fatalf("sessions %v, want only the 13th", got)
	}
	// Confirming takes the dates the reschedule set, not the span of the sessions left.
	f.ok(f.do(auth.Lead, "POST", "/courses/"+moving+"/schedule", nil), 200, &c)
	if c.FirstSession != "2026-12-13" || c.LastSession != "2026-12-15" {
		t.Fatalf("after schedule: %+v, want 2026-12-13..15", c)
	}
	third, ts := f.scheduledCourse([]string{"u2"}, "2026-12-12")
	f.ok(f.assign(third, ts[0], "trainer-nam"), 201, nil)
}

func TestARescheduleOntoADayItsTrainerIsBusyIsRefusedAndChangesNothing(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	moving, ss := f.scheduledCourse([]string{"u1"}, "2026-12-05")
	f.ok(f.assign(moving, ss[0], "trainer-nam"), 201, nil)
	busy, bs := f.scheduledCourse([]string{"u1"}, "2026-12-12")
	f.ok(f.assign(busy, bs[0], "trainer-nam"), 201, nil)

	p := f.problem(f.do(auth.Lead, "POST", "/courses/"+moving+"/reschedule", map[string]any{"first_session": "2026-12-12", "last_session": "2026-12-12",
		"reason": "đổi lịch"}), 409)
	if p["person_id"] != "trainer-nam" || p["conflicting_session_id"] != bs[0] {
		t.Fatalf("the refusal does not name the clash: %v", p)
	}
	if c := f.course(moving); c.State != "scheduled" || c.FirstSession != "2026-12-05" {
		t.Fatalf("the refused reschedule changed the course: %+v", c)
	}
	if got := f.plan(moving).days(); !slices.Equal(got, []string{"2026-12-05 morning"}) {
		t.Fatalf("the refused reschedule moved sessions: %v", got)
	}
}

func TestAnEndedCourseTakesNoNewSessionStaffOrUnit(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.waitUnits(2)
	cancelled, cs := f.scheduledCourse([]string{"u1"}, "2026-12-06", "2026-12-07")
	f.ok(f.assign(cancelled, cs[0], "trainer-nam"), 201, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+cancelled+"/cancel", map[string]any{"reason": "hủy"}), 200, nil)

	refused := func(r servicetest.Response, state string) {
		t.Helper()
		if p := f.problem(r, 409); p["current_state"] != state {
			t.Fatalf("refusal without current_state %s: %v", state, p)
		}
	}
	refused(f.do(auth.Lead, "POST", "/courses/"+cancelled+"/sessions", map[string]any{"date": "2026-12-07", "half_day": "afternoon", "venue": "HT"}), "cancelled")
	refused(f.assign(cancelled, cs[1], "trainer-nam"), "cancelled")
	refused(f.do(auth.Sales, "POST", "/courses/"+cancelled+"/participants", map[string]any{"unit_id": "u2"}), "cancelled")

	// Its staff are released: a live course may have them on those half-days.
	live, ls := f.scheduledCourse([]string{"u2"}, "2026-12-06", "2026-12-07")
	f.ok(f.assign(live, ls[0], "trainer-nam"), 201, nil)
	f.ok(f.assign(live, ls[1], "trainer-nam"), 201, nil)

	held, hs := f.scheduledCourse([]string{"u1"}, "2026-11-16")
	f.ok(f.assign(held, hs[0], "trainer-binh"), 201, nil)
	f.startCourse(held, calendar.NewDate(2026, 11, 16))
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(17, 0))
	f.ok(f.do(auth.Lead, "POST", "/courses/"+held+"/complete", nil), 200, nil)
	refused(f.do(auth.Sales, "POST", "/courses/"+held+"/participants", map[string]any{"unit_id": "u2"}), "completed")
	refused(f.do(auth.Lead, "POST", "/courses/"+held+"/sessions", map[string]any{"date": "2026-11-16", "half_day": "afternoon", "venue": "HT"}), "completed")
	refused(f.assign(held, hs[0], "trainer-nam"), "completed")
}

func TestASessionLiesWithinItsCoursesDatesAndCanBeRemovedUntilTheCourseStarts(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, ss := f.scheduledCourse([]string{"u1"}, "2026-11-16", "2026-11-17")

	p := f.problem(f.do(auth.Lead, "POST", "/courses/"+courseID+"/sessions", map[string]any{"date": "2027-03-16", "half_day": "morning", "venue": "HT"}), 422)
	if b, _ := json.Marshal(p["errors"]); !strings.Contains(string(b), `"field":"date"`) || !strings.Contains(string(b), "2026-11-16 to 2026-11-17") {
		t.Fatalf("the refusal does not name date and the range: %v", p)
	}
	var extra idOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/sessions", map[string]any{"date": "2026-11-17", "half_day": "afternoon", "venue": "HT"}), 201, &extra)
	f.ok(f.assign(courseID, ss[0], "trainer-nam"), 201, nil)
	f.ok(f.assign(courseID, ss[1], "trainer-nam"), 201, nil)
	f.ok(f.assign(courseID, extra.ID, "trainer-binh"), 201, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": ss[1], "person_id": "assistant-an", "duty": "assistant"}), 201, nil)

	f.problem(f.do(auth.Trainer, "DELETE", "/courses/"+courseID+"/sessions/"+extra.ID, nil), 403)
	var after planOf
	f.ok(f.do(auth.Lead, "DELETE", "/courses/"+courseID+"/sessions/"+extra.ID, nil), 200, &after)
	if got := after.days(); !slices.Equal(got, []string{"2026-11-16 morning", "2026-11-17 morning"}) {
		t.Fatalf("sessions after removal: %v", got)
	}
	if c := f.course(courseID); !slices.Equal(c.TrainerIDs, []string{"trainer-nam"}) {
		t.Fatalf("trainer_ids still name the removed session's trainer: %v", c.TrainerIDs)
	}
	f.problem(f.do(auth.Lead, "DELETE", "/courses/"+courseID+"/sessions/"+extra.ID, nil), 404)
	f.ok(f.do(auth.Lead, "DELETE", "/courses/"+courseID+"/sessions/"+ss[1]+"/assignments/assistant-an", nil), 200, nil)
	f.problem(f.do(auth.Lead, "DELETE", "/courses/"+courseID+"/sessions/"+ss[1]+"/assignments/assistant-an", nil), 404)
	// trainer-binh is free again on the 17th afternoon.
	other, _ := f.scheduledCourse([]string{"u1"}, "2026-11-17")
	var o idOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+other+"/sessions", map[string]any{"date": "2026-11-17", "half_day": "afternoon", "venue": "HT"}), 201, &o)
	f.ok(f.assign(other, o.ID, "trainer-binh"), 201, nil)

	f.startCourse(courseID, calendar.NewDate(2026, 11, 16))
	for _, path := range []string{"/sessions/" + ss[1], "/sessions/" + ss[1] + "/assignments/trainer-nam"} {
		if p := f.problem(f.do(auth.Lead, "DELETE", "/courses/"+courseID+path, nil), 409); p["current_state"] != "in_progress" {
			t.Fatalf("DELETE %s on a started course: %v", path, p)
		}
	}
	if got := f.plan(courseID); len(got.Sessions) != 2 || len(got.Assignments) != 2 {
		t.Fatalf("a refused removal changed the plan: %+v", got)
	}
}

func TestScheduleRefusesDatesThatLeaveASessionOut(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	var req idOf
	f.ok(f.do(auth.Sales, "POST", "/requests", map[string]any{"unit_ids": []string{"u1"}, "module_code": "ke-toan", "mode": "in_person",
		"venue": "HT", "proposed_dates": []string{"2026-11-16", "2026-11-17"}}), 201, &req)
	var s idOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+req.CourseID+"/sessions", map[string]any{"date": "2026-11-17", "half_day": "morning", "venue": "HT"}), 201, &s)
	p := f.problem(f.do(auth.Lead, "POST", "/courses/"+req.CourseID+"/schedule", map[string]any{"first_session": "2026-11-16", "last_session": "2026-11-16"}), 409)
	if p["precondition"] != "sessions within the dates" || !strings.Contains(fmt.Sprint(p["detail"]), s.ID) {
		t.Fatalf("the refusal does not name the session: %v", p)
	}
	f.ok(f.do(auth.Lead, "POST", "/courses/"+req.CourseID+"/schedule", map[string]any{"first_session": "2026-11-16", "last_session": "2026-11-17"}), 200, nil)
}

func TestACourseCompletesOnlyOnceItsLastAfternoonIsOver(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, ss := f.scheduledCourse([]string{"u1"}, "2026-11-16")
	var pm idOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/sessions", map[string]any{"date": "2026-11-16", "half_day": "afternoon", "venue": "HT"}), 201, &pm)
	f.ok(f.assign(courseID, ss[0], trainerID), 201, nil)
	f.ok(f.assign(courseID, pm.ID, trainerID), 201, nil)
	f.startCourse(courseID, calendar.NewDate(2026, 11, 16))

	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(11, 0))
	if p := f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/complete", nil), 409); p["precondition"] != "last session over" {
		t.Fatalf("completing in the morning of the last day: %v", p)
	}
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(16, 59))
	f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/complete", nil), 409)
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(17, 0))
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/complete", nil), 200, nil)

	// A course whose last session is a morning is over at noon.
	f.Clock.Set(calendar.NewDate(2026, 11, 2).At(9, 0))
	morning, ms := f.scheduledCourse([]string{"u1"}, "2026-11-18")
	f.ok(f.assign(morning, ms[0], trainerID), 201, nil)
	f.startCourse(morning, calendar.NewDate(2026, 11, 18))
	f.Clock.Set(calendar.NewDate(2026, 11, 18).At(11, 59))
	f.problem(f.do(auth.Trainer, "POST", "/courses/"+morning+"/complete", nil), 409)
	f.Clock.Set(calendar.NewDate(2026, 11, 18).At(12, 0))
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+morning+"/complete", nil), 200, nil)
}
