package training_test

import (
	"net/url"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

func TestEachCommandAdmitsOnlyItsRoles(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, sessions := f.scheduledCourse([]string{"u1"}, "2026-11-20")
	cases := []struct {
		name         string
		role         auth.Role
		method, path string
		body         any
		status       int
	}{
		{"a trainer may not schedule", auth.Trainer, "POST", "/courses/" + courseID + "/schedule", nil, 403},
		{"sales may not plan sessions", auth.Sales, "POST", "/courses/" + courseID + "/sessions", map[string]any{"date": "2026-11-21", "half_day": "morning", "venue": "A"}, 403},
		{"a director may not submit requests", auth.Director, "POST", "/requests", map[string]any{}, 403},
		{"a trainer may not approve an exception", auth.Trainer, "POST", "/requests/x/approve-exception", map[string]any{"reason": "x"}, 403},
		{"sales may not staff a session", auth.Sales, "POST", "/courses/" + courseID + "/assignments", map[string]any{"session_id": sessions[0], "person_id": "t1", "duty": "trainer"}, 403},
		{"only an admin edits modules", auth.Manager, "PUT", "/modules/x", map[string]any{"name": "x"}, 403},
		{"a manager may cancel", auth.Manager, "POST", "/courses/" + courseID + "/cancel", map[string]any{"reason": ""}, 409}, // admitted, but no reason
		{"a director reads courses", auth.Director, "GET", "/courses/" + courseID, nil, 200},
		{"an admin may do everything", auth.Admin, "GET", "/tasks", nil, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := f.do(c.role, c.method, c.path, c.body); r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
		})
	}
	if r := f.Do(t, "GET", "/api/training/v1/courses", "", nil); r.Status != 401 {
		t.Fatalf("no token: %d", r.Status)
	}
}

func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	for name, c := range map[string]struct {
		body   string
		status int
	}{
		"unknown field":       {`{"unit_ids":["u1"],"module_code":"ke-toan","mode":"online","meeting_link":"https://z","proposed_dates":["2026-12-01"],"colour":1}`, 422},
		"impossible date":     {`{"unit_ids":["u1"],"module_code":"ke-toan","mode":"online","meeting_link":"https://z","proposed_dates":["2026-02-30"]}`, 422},
		"invalid json":        {`{"unit_ids":`, 400},
		"no units":            {`{"unit_ids":[],"module_code":"ke-toan","mode":"online","meeting_link":"https://z","proposed_dates":["2026-12-01"]}`, 422},
		"unknown module":      {`{"unit_ids":["u1"],"module_code":"nope","mode":"online","meeting_link":"https://z","proposed_dates":["2026-12-01"]}`, 422},
		"in person, no venue": {`{"unit_ids":["u1"],"module_code":"ke-toan","mode":"in_person","proposed_dates":["2026-12-01"]}`, 422},
	} {
		r := f.do(auth.Sales, "POST", "/requests", c.body)
		if r.Status != c.status || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d, want %d problem: %s", name, r.Status, c.status, r.Body)
		}
	}
	if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM request") + testkit.Count(t, f.Pool, "SELECT count(*) FROM outbox"); n != 0 {
		t.Fatalf("%d rows written by bad input", n)
	}
}

// A misspelt or repeated filter would list more than was asked for, a
// misspelt value less.
func TestAListRefusesUnknownAndRepeatedParameters(t *testing.T) {
	f := start(t)
	for path, field := range map[string]string{
		"/courses?stat=planned":           "stat",
		"/requests?status=a&status=b":     "status",
		"/tasks?course=x":                 "course",
		"/feedback?status=open&limit=5x":  "limit",
		"/desk-log?author=me":             "author",
		"/checklist-templates?mod=online": "mod",
		// A misspelt value would list nothing, as if there were nothing to do.
		"/courses?state=planed":               "state",
		"/requests?status=refuse":             "status",
		"/tasks?status=opened":                "status",
		"/feedback?status=closed":             "status",
		"/checklist-templates?mode=in-person": "mode",
	} {
		p := f.problem(f.do(auth.Manager, "GET", path, nil), 422)
		errs, _ := p["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != field {
			t.Errorf("%s: errors %v, want one naming %s", path, p["errors"], field)
		}
	}
	for _, path := range []string{"/tasks?status=open&limit=5", "/courses?state=in_progress", "/feedback?status=in_progress",
		"/requests?status=refused", "/checklist-templates?mode=online"} {
		f.ok(f.do(auth.Manager, "GET", path, nil), 200, nil)
	}
}

func TestTheDeskLogKeepsOneEntryPerKindAndDay(t *testing.T) {
	f := start(t)
	start := map[string]any{"kind": "start_of_day", "day": "2026-11-02", "workload": []map[string]any{{"activity": "department_support", "count": 3}}}
	f.ok(f.do(auth.Lead, "POST", "/desk-log", start), 201, nil)
	f.problem(f.do(auth.Lead, "POST", "/desk-log", start), 409)
	f.problem(f.do(auth.Lead, "POST", "/desk-log", map[string]any{"kind": "end_of_day", "day": "2026-11-02",
		"workload": []map[string]any{{"activity": "department_support", "count": 3}}}), 422) // workload belongs to the morning
	f.ok(f.do(auth.Lead, "POST", "/desk-log", map[string]any{"kind": "end_of_day", "day": "2026-11-02", "backlog": 4,
		"handed_over": []map[string]any{{"department": "kinh doanh", "units": 2}}, "difficulties": "thiếu người"}), 201, nil)
	var list struct {
		Items []struct {
			Kind string `json:"kind"`
			Day  string `json:"day"`
		} `json:"items"`
	}
	f.ok(f.do(auth.Manager, "GET", "/desk-log?day=2026-11-02", nil), 200, &list)
	if len(list.Items) != 2 || list.Items[0].Day != "2026-11-02" {
		t.Fatalf("%+v", list.Items)
	}
}

// A cursor is a position in the list it came from: sent with another day,
// or to another list, it would start there and skip entries unnoticed.
func TestADeskLogCursorPagesOnlyTheListItCameFrom(t *testing.T) {
	f := start(t)
	f.ok(f.do(auth.Lead, "POST", "/desk-log", map[string]any{"kind": "start_of_day", "day": "2026-11-02",
		"workload": []map[string]any{{"activity": "department_support", "count": 3}}}), 201, nil)
	f.ok(f.do(auth.Lead, "POST", "/desk-log", map[string]any{"kind": "end_of_day", "day": "2026-11-02", "backlog": 4}), 201, nil)
	var first struct {
		NextCursor string `json:"next_cursor"`
	}
	f.ok(f.do(auth.Manager, "GET", "/desk-log?day=2026-11-02&limit=1", nil), 200, &first)
	if first.NextCursor == "" {
		t.Fatal("no next page")
	}
	cursor := "cursor=" + url.QueryEscape(first.NextCursor)
	for _, path := range []string{"/desk-log?day=2026-11-03&" + cursor, "/desk-log?" + cursor, "/tasks?" + cursor} {
		p := f.problem(f.do(auth.Manager, "GET", path, nil), 422)
		if errs, _ := p["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "cursor" {
			t.Errorf("%s: %v, want cursor named", path, p["errors"])
		}
	}
	var next struct {
		Items []struct{ Kind string } `json:"items"`
	}
	f.ok(f.do(auth.Manager, "GET", "/desk-log?limit=5&"+cursor+"&day=2026-11-02", nil), 200, &next)
	if len(next.Items) != 1 {
		t.Fatalf("the second page: %+v", next.Items)
	}
}
