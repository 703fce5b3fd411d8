package training_test

import (
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

type requestOf struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	CourseID        string `json:"course_id"`
	WithdrawnBy     string `json:"withdrawn_by"`
	WithdrawnReason string `json:"withdrawn_reason"`
}

// A proposed date already past is no late request a manager could admit,
// a repeated one is refused on the repeat, and a bad one is reported on its
// item; the submitter withdraws a request sent twice, cancelling its course.
func TestProposedDatesAreFutureDaysAndTheSubmitterMayWithdraw(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	body := func(dates ...string) map[string]any {
		return map[string]any{"unit_ids": []string{"u1"}, "module_code": "ke-toan", "mode": "in_person", "venue": "HT", "proposed_dates": dates}
	}
	// The clock says 2026-11-02.
	p := f.problem(f.do(auth.Sales, "POST", "/requests", body("2026-12-10", "2026-10-20")), 422)
	if fe := fieldErrors(p); fe["proposed_dates[1]"] == "" || p["request_id"] != nil {
		t.Errorf("a past date: %v", p)
	}
	p = f.problem(f.do(auth.Sales, "POST", "/requests", body("2026-12-10", "2026-12-10")), 422)
	if fieldErrors(p)["proposed_dates[1]"] == "" {
		t.Errorf("a repeated date: %v", p)
	}
	p = f.problem(f.do(auth.Sales, "POST", "/requests", body("2026-12-10", "10/12/2026")), 422)
	if fieldErrors(p)["proposed_dates[1]"] == "" {
		t.Errorf("a bad date: %v", p)
	}
	// A late request waits for its exception until its day has passed.
	p = f.problem(f.do(auth.Sales, "POST", "/requests", body("2026-11-05")), 422)
	late := p["request_id"].(string)
	f.Clock.Set(f.Clock.Now().Add(4 * 24 * time.Hour))
	p = f.problem(f.do(auth.Manager, "POST", "/requests/"+late+"/approve-exception", map[string]any{"reason": "gấp"}), 422)
	if fieldErrors(p)["proposed_dates[0]"] == "" {
		t.Errorf("an exception for a day gone by: %v", p)
	}

	var req requestOf
	f.ok(f.do(auth.Sales, "POST", "/requests", body("2026-12-15")), 201, &req)
	colleague, err := auth.Issue(runner.DevSecret, "sales-minh", []auth.Role{auth.Sales}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p = f.problem(f.Do(t, "POST", "/api/training/v1/requests/"+req.ID+"/withdraw", colleague, map[string]any{"reason": "x"}), 403)
	if p["submitted_by"] != "user-sales" {
		t.Errorf("a colleague's withdrawal: %v", p)
	}
	f.problem(f.do(auth.Sales, "POST", "/requests/"+req.ID+"/withdraw", map[string]any{"reason": " "}), 422)
	var out requestOf
	f.ok(f.do(auth.Sales, "POST", "/requests/"+req.ID+"/withdraw", map[string]any{"reason": "gửi trùng"}), 200, &out)
	if out.Status != "withdrawn" || out.WithdrawnReason != "gửi trùng" || out.WithdrawnBy == "" {
		t.Errorf("withdrawal: %+v", out)
	}
	var c idOf
	f.ok(f.do(auth.Lead, "GET", "/courses/"+req.CourseID, nil), 200, &c)
	if c.State != "cancelled" {
		t.Errorf("the withdrawn request's course is %s", c.State)
	}
	testkit.WaitForEvent(t, f.JS, "TRAINING", "training.course.cancelled", 10*time.Second, nil)
	p = f.problem(f.do(auth.Sales, "POST", "/requests/"+req.ID+"/withdraw", map[string]any{"reason": "again"}), 409)
	if p["current_state"] == nil {
		t.Errorf("a second withdrawal: %v", p)
	}

	// Once the lead scheduled it, the course is theirs to cancel.
	courseID, _ := f.scheduledCourse([]string{"u1"}, "2026-12-20")
	var sched requestOf
	f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID, nil), 200, nil)
	var list struct {
		Items []requestOf `json:"items"`
	}
	f.ok(f.do(auth.Sales, "GET", "/requests?status=submitted", nil), 200, &list)
	for _, r := range list.Items {
		if r.CourseID == courseID {
			sched = r
		}
	}
	p = f.problem(f.do(auth.Sales, "POST", "/requests/"+sched.ID+"/withdraw", map[string]any{"reason": "x"}), 409)
	if p["current_state"] != "scheduled" {
		t.Errorf("withdrawing a scheduled course: %v", p)
	}
}
