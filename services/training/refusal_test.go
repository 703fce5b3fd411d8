package training_test

import (
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/scheduler"
)

func TestEveryRefusalOfTheProcess(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.waitUnits(2)

	t.Run("a late request is refused naming the rule and the shortfall, then admitted by a manager's exception", func(t *testing.T) {
		body := map[string]any{"unit_ids": []string{"u1"}, "module_code": "tinh-luong", "mode": "online", "meeting_link": "https://zoom.us/j/1",
			"proposed_dates": []string{"2026-11-12"}, "handover_notes": ""}
		p := f.problem(f.do(auth.Sales, "POST", "/requests", body), 422)
		if p["rule"] != "payroll" || p["required_days"] != float64(30) || p["short_by_days"] != float64(20) {
			t.Fatalf("refusal does not say which rule and by how much: %v", p)
		}
		id := p["request_id"].(string)
		f.problem(f.do(auth.Sales, "POST", "/requests/"+id+"/approve-exception", map[string]any{"reason": "khách VIP"}), 403)
		f.problem(f.do(auth.Manager, "POST", "/requests/"+id+"/approve-exception", map[string]any{"reason": " "}), 422)
		var req struct {
			CourseID        string `json:"course_id"`
			ExceptionReason string `json:"exception_reason"`
		}
		f.ok(f.do(auth.Manager, "POST", "/requests/"+id+"/approve-exception", map[string]any{"reason": "khách VIP"}), 200, &req)
		if req.CourseID == "" || req.ExceptionReason != "khách VIP" {
			t.Fatalf("exception not recorded: %+v", req)
		}
	})
	t.Run("an unknown unit is refused", func(t *testing.T) {
		p := f.problem(f.do(auth.Sales, "POST", "/requests", map[string]any{"unit_ids": []string{"u1", "ghost"}, "module_code": "ke-toan",
			"mode": "in_person", "venue": "A", "proposed_dates": []string{"2026-12-01"}}), 422)
		if p["errors"] == nil {
			t.Fatalf("no field errors: %v", p)
		}
	})
	courseA, sessA := f.scheduledCourse([]string{"u1"}, "2026-11-20")
	courseB, sessB := f.scheduledCourse([]string{"u2"}, "2026-11-20")
	t.Run("an illegal transition names the current state", func(t *testing.T) {
		p := f.problem(f.do(auth.Lead, "POST", "/courses/"+courseA+"/close", nil), 409)
		if p["current_state"] != "scheduled" {
			t.Fatalf("%v", p)
		}
	})
	t.Run("a director may only read", func(t *testing.T) {
		f.problem(f.do(auth.Director, "POST", "/courses/"+courseA+"/cancel", map[string]any{"reason": "x"}), 403)
		f.ok(f.do(auth.Director, "GET", "/courses/"+courseA, nil), 200, nil)
	})
	t.Run("a double-booked trainer is refused", func(t *testing.T) {
		f.ok(f.do(auth.Lead, "POST", "/courses/"+courseA+"/assignments", map[string]any{"session_id": sessA[0], "person_id": "t9", "duty": "trainer"}), 201, nil)
		p := f.problem(f.do(auth.Lead, "POST", "/courses/"+courseB+"/assignments", map[string]any{"session_id": sessB[0], "person_id": "t9", "duty": "trainer"}), 409)
		if p["person_id"] != "t9" {
			t.Fatalf("%v", p)
		}
	})
	t.Run("attendance for a session of another course is refused", func(t *testing.T) {
		f.ok(f.do(auth.Sales, "POST", "/courses/"+courseA+"/participants", map[string]any{"unit_id": "u1"}), 201, nil)
		f.ok(f.do(auth.Lead, "POST", "/courses/"+courseA+"/assignments", map[string]any{"session_id": sessA[0], "person_id": trainerID, "duty": "assistant"}), 201, nil)
		notYet := f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseA+"/sessions/"+sessA[0]+"/attendance", map[string]any{"unit_id": "u1", "present": true}), 409)
		if notYet["current_state"] != "scheduled" {
			t.Fatalf("attendance before the course is held: %v", notYet)
		}
		f.startCourse(courseA, calendar.NewDate(2026, 11, 20))
		p := f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseA+"/sessions/"+sessB[0]+"/attendance", map[string]any{"unit_id": "u1", "present": true}), 409)
		if p["session_id"] != sessB[0] {
			t.Fatalf("refusal does not name the foreign session: %v", p)
		}
		if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM attendance"); n != 0 {
			t.Fatalf("%d attendance rows written", n)
		}
	})
}

func TestReadinessAtRiskFiresTheDayBeforeOnceWithTwoReplicas(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, _ := f.scheduledCourse([]string{"u1"}, "2026-11-16")
	atRisk := func() int64 {
		return testkit.Count(t, f.Pool, "SELECT count(*) FROM outbox WHERE subject = 'training.course.readiness_at_risk' AND aggregate_id = $1", courseID)
	}
	replicas := []*scheduler.Scheduler{scheduler.New(f.Pool, f.Clock, time.Second, nil), scheduler.New(f.Pool, f.Clock, time.Second, nil)}
	f.Clock.Set(calendar.NewDate(2026, 11, 15).At(11, 59))
	for _, s := range replicas {
		if err := s.Tick(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := atRisk(); n != 0 {
		t.Fatalf("%d at-risk events before the check is due", n)
	}
	f.Clock.Set(calendar.NewDate(2026, 11, 15).At(12, 1))
	done := make(chan error, 2)
	for _, s := range replicas {
		go func() { done <- s.Tick(t.Context()) }()
	}
	for range replicas {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond) // the service's own scheduler ticks too
	required := testkit.Count(t, f.Pool, "SELECT count(*) FROM checklist_item WHERE required AND mode IN ('common', 'in_person')")
	if n := atRisk(); n != required || n == 0 {
		t.Fatalf("%d at-risk events, want one per required item (%d)", n, required)
	}
	testkit.WaitForEvent(t, f.JS, "TRAINING", "training.course.readiness_at_risk", 10*time.Second, nil)
}

func TestAnOverdueTaskFiresOnce(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, sess := f.scheduledCourse([]string{"u1"}, "2026-11-16")
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sess[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.startCourse(courseID, calendar.NewDate(2026, 11, 16))
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(12, 0)) // its morning session is over
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/complete", nil), 200, nil)
	overdue := func() int64 {
		return testkit.Count(t, f.Pool, "SELECT count(*) FROM outbox WHERE subject = 'training.task.overdue'")
	}
	f.Clock.Set(calendar.NewDate(2026, 11, 17).At(12, 0))
	time.Sleep(400 * time.Millisecond)
	if n := overdue(); n != 0 {
		t.Fatalf("%d overdue events before any task is due", n)
	}
	f.Clock.Set(calendar.NewDate(2026, 11, 18).At(9, 0)) // the two 1-day tasks are overdue
	testkit.Eventually(t, 5*time.Second, "overdue events", func() bool { return overdue() == 2 })
	s := scheduler.New(f.Pool, f.Clock, time.Second, nil)
	if err := s.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := overdue(); n != 2 {
		t.Fatalf("%d overdue events, want each task once", n)
	}
}

func TestAContactMergeRepointsParticipantsToTheSurvivor(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.person("p1", "u1")
	f.person("p2", "u1")
	f.waitUnits(2)
	testkit.Eventually(t, 10*time.Second, "people", func() bool { return testkit.Count(t, f.Pool, "SELECT count(*) FROM contact_person") == 2 })
	courseID, _ := f.scheduledCourse([]string{"u1"}, "2026-11-20")
	f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": "u1"}), 201, nil)

	f.publish("p2", contract.PersonMerged{SurvivorID: "p2", MergedID: "p1", Person: contract.PersonSnapshot{ID: "p2", FullName: "Nguyễn Văn An", OrganizationIDs: []string{"u1"}}})
	f.publish("u2", contract.OrganizationMerged{SurvivorID: "u2", MergedID: "u1", Organization: contract.OrganizationSnapshot{ID: "u2", Name: "Trường u2", SupervisingUnitID: "dvcq-1"}})
	testkit.Eventually(t, 10*time.Second, "participant re-pointed to the surviving unit and person", func() bool {
		return testkit.Count(t, f.Pool, "SELECT count(*) FROM participant WHERE course_id = $1 AND unit_id = 'u2' AND contact_person_ids = '{p2}'", courseID) == 1
	})
	if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM course WHERE id = $1 AND unit_ids = '{u2}'", courseID); n != 1 {
		t.Fatal("course units not re-pointed")
	}
}
