package training_test

import (
	"strings"
	"testing"
	"time"

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

// Each correction's earlier version is read back, newest first, by the
// entry's author and those overseeing the desk; another trainer and sales
// get a 403 naming the author.
func TestADeskLogEntrysEarlierVersionsAreReadNewestFirst(t *testing.T) {
	f := start(t)
	entry := func(count int) map[string]any {
		return map[string]any{"kind": "start_of_day", "day": "2026-11-02", "workload": []map[string]any{{"activity": "department_support", "count": count}}}
	}
	var made struct{ ID string }
	f.ok(f.do(auth.Trainer, "POST", "/desk-log", entry(5)), 201, &made)
	path := "/desk-log/" + made.ID + "/revisions"
	var revs struct {
		Items []struct {
			RevisedBy string `json:"revised_by"`
			Previous  struct {
				Workload []struct{ Count int } `json:"workload"`
			} `json:"previous"`
		} `json:"items"`
	}
	f.ok(f.do(auth.Trainer, "GET", path, nil), 200, &revs)
	if len(revs.Items) != 0 {
		t.Fatalf("an uncorrected entry has revisions: %+v", revs)
	}
	f.ok(f.do(auth.Trainer, "PUT", "/desk-log/"+made.ID, entry(6)), 200, nil)
	f.Clock.Advance(time.Minute)
	f.ok(f.do(auth.Trainer, "PUT", "/desk-log/"+made.ID, entry(7)), 200, nil)

	for _, role := range []auth.Role{auth.Trainer, auth.Lead, auth.Manager, auth.Director, auth.Admin} {
		f.ok(f.do(role, "GET", path, nil), 200, &revs)
		if len(revs.Items) != 2 || revs.Items[0].Previous.Workload[0].Count != 6 || revs.Items[1].Previous.Workload[0].Count != 5 ||
			revs.Items[0].RevisedBy != trainerID {
			t.Fatalf("%s reads %+v, want the versions counting 6 then 5", role, revs)
		}
	}
	p := f.problem(f.as("trainer-other", auth.Trainer, "GET", path, nil), 403)
	if p["author_id"] != trainerID {
		t.Errorf("another trainer's refusal does not name the author: %v", p)
	}
	f.problem(f.do(auth.Sales, "GET", path, nil), 403)
	f.problem(f.do(auth.Lead, "GET", "/desk-log/no-such-entry/revisions", nil), 404)
}
