package training_test

import (
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// A course cannot be moved onto a day already gone by: a 422 naming
// first_session, and the course stays as it was. A day inside the lead time
// is the lead's call, as when scheduling.
func TestARescheduleOntoADayGoneByIsRefused(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	moving, _ := f.scheduledCourse([]string{"u1"}, "2026-12-05")
	f.Clock.Set(calendar.NewDate(2026, 12, 3).At(9, 0))

	p := f.problem(f.do(auth.Lead, "POST", "/courses/"+moving+"/reschedule", map[string]any{"first_session": "2026-12-02", "last_session": "2026-12-04",
		"reason": "đổi lịch"}), 422)
	if !strings.Contains(fieldErrors(p)["first_session"], "is in the past") {
		t.Fatalf("the refusal does not name first_session: %v", p)
	}
	if c := f.course(moving); c.State != "scheduled" || c.FirstSession != "2026-12-05" {
		t.Fatalf("the refused reschedule changed the course: %+v", c)
	}
	f.ok(f.do(auth.Lead, "POST", "/courses/"+moving+"/reschedule", map[string]any{"first_session": "2026-12-04", "last_session": "2026-12-04",
		"reason": "đổi lịch"}), 200, nil)
}
