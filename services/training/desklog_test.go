package training_test

import (
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// The desk log answers in snake_case, takes today or up to a week back
// (the clock says 2026-11-02), and its author corrects an entry in place.
func TestTheDeskLogTakesRecentDaysAndItsAuthorCorrectsAnEntry(t *testing.T) {
	f := start(t)
	start := func(day string, count int) map[string]any {
		return map[string]any{"kind": "start_of_day", "day": day, "workload": []map[string]any{{"activity": "department_support", "count": count}}}
	}
	p := f.problem(f.do(auth.Trainer, "POST", "/desk-log", start("2026-11-09", 5)), 422)
	if !strings.Contains(fieldErrors(p)["day"], "after today") {
		t.Errorf("a future day: %v", p)
	}
	f.problem(f.do(auth.Trainer, "POST", "/desk-log", start("2020-01-01", 5)), 422)
	var made struct{ ID string }
	f.ok(f.do(auth.Trainer, "POST", "/desk-log", start("2026-11-02", 5)), 201, &made)
	f.problem(f.do(auth.Trainer, "POST", "/desk-log", start("2026-11-02", 7)), 409)

	f.problem(f.do(auth.Lead, "PUT", "/desk-log/"+made.ID, start("2026-11-02", 7)), 403)
	p = f.problem(f.do(auth.Trainer, "PUT", "/desk-log/"+made.ID, start("2026-11-01", 7)), 422)
	if fieldErrors(p)["day"] == "" {
		t.Errorf("moving an entry to another day: %v", p)
	}
	f.ok(f.do(auth.Trainer, "PUT", "/desk-log/"+made.ID, map[string]any{"workload": []map[string]any{{"activity": "department_support", "count": 7, "note": "Phòng GD&ĐT"}}}), 200, nil)

	r := f.do(auth.Lead, "GET", "/desk-log?day=2026-11-02", nil)
	f.ok(r, 200, nil)
	if !strings.Contains(string(r.Body), `"workload":[{"activity":"department_support","count":7,"note":"Phòng GD&ĐT"}]`) {
		t.Errorf("the corrected entry: %s", r.Body)
	}
	if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM desk_log_revision WHERE desk_log_id = $1", made.ID); n != 1 {
		t.Errorf("%d revisions kept, want 1", n)
	}
}
