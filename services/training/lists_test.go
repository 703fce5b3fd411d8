package training_test

import (
	"net/url"
	"slices"
	"sort"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

type pageOf[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// ids lists the ids of a list's items, sorted.
func (f *fixture) ids(role auth.Role, path string) []string {
	f.t.Helper()
	var p pageOf[idOf]
	f.ok(f.do(role, "GET", path, nil), 200, &p)
	out := []string{}
	for _, it := range p.Items {
		if it.ID == "" { // a course answers its course_id
			it.ID = it.CourseID
		}
		out = append(out, it.ID)
	}
	sort.Strings(out)
	return out
}

func sorted(ids ...string) []string {
	out := append([]string{}, ids...)
	sort.Strings(out)
	return out
}

// Sales finds a school's courses, a trainer theirs, anyone a week's or a
// module's, each filter narrowing the others, and a cursor pages the list.
func TestCoursesAreListedByUnitStaffDatesAndModule(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.waitUnits(2)
	f.ok(f.do(auth.Admin, "PUT", "/modules/excel", map[string]any{"name": "Excel"}), 200, nil)
	a, sa := f.scheduledCourse([]string{"u1"}, "2026-11-20")
	b, _ := f.scheduledCourse([]string{"u2"}, "2026-11-25", "2026-11-26")
	var req idOf
	f.ok(f.do(auth.Sales, "POST", "/requests", map[string]any{"unit_ids": []string{"u1", "u2"}, "module_code": "excel", "mode": "in_person",
		"venue": "Hội trường B", "proposed_dates": []string{"2026-12-10"}, "handover_notes": "bàn giao"}), 201, &req)
	c := req.CourseID
	f.ok(f.assign(a, sa[0], trainerID), 201, nil)

	for path, want := range map[string][]string{
		"/courses?unit_id=u1":                               {a, c},
		"/courses?unit_id=u2":                               {b, c},
		"/courses?staff_id=" + trainerID:                    {a},
		"/courses?staff_id=user-lead":                       {a, b}, // the lead who scheduled them
		"/courses?from=2026-11-26&to=2026-11-30":            {b},
		"/courses?from=2026-11-20&to=2026-11-20":            {a},
		"/courses?from=2026-12-01":                          {c},
		"/courses?to=2026-11-21":                            {a},
		"/courses?module_code=excel":                        {c},
		"/courses?module_code=ke-toan&unit_id=u1":           {a},
		"/courses?unit_id=u2&from=2026-11-01&to=2026-11-30": {b},
		"/courses?unit_id=u1&state=requested":               {c},
		"/courses?staff_id=" + trainerID + "&unit_id=u2":    {},
		"/courses?unit_id=u-none":                           {},
	} {
		if got := f.ids(auth.Sales, path); !slices.Equal(got, sorted(want...)) {
			t.Errorf("%s: %v, want %v", path, got, sorted(want...))
		}
	}

	// Two pages of one unit's courses; the cursor pages only that list.
	var first, second pageOf[idOf]
	f.ok(f.do(auth.Sales, "GET", "/courses?unit_id=u1&limit=1", nil), 200, &first)
	if len(first.Items) != 1 || first.NextCursor == "" {
		t.Fatalf("first page: %+v", first)
	}
	f.ok(f.do(auth.Sales, "GET", "/courses?unit_id=u1&limit=1&cursor="+url.QueryEscape(first.NextCursor), nil), 200, &second)
	if got := sorted(first.Items[0].CourseID, second.Items[0].CourseID); len(second.Items) != 1 || !slices.Equal(got, sorted(a, c)) {
		t.Fatalf("pages %+v then %+v, want %s and %s", first, second, a, c)
	}
	f.problem(f.do(auth.Sales, "GET", "/courses?unit_id=u2&limit=1&cursor="+url.QueryEscape(first.NextCursor), nil), 422)
}

// A bad value of a filter is a 422 naming it, never an empty list.
func TestABadListFilterValueIsRefusedNamingIt(t *testing.T) {
	f := start(t)
	for path, field := range map[string]string{
		"/courses?unit_id=u1%20":                 "unit_id",
		"/courses?unit_id=u%E2%80%8B1":           "unit_id", // a zero-width space
		"/courses?staff_id=Nguy%E1%BB%85n%20Lan": "staff_id",
		"/courses?from=2026-13-01":               "from",
		"/courses?from=2026-11-10&to=2026-11-09": "to",
		"/courses?module_code=K%E1%BA%BF":        "module_code",
		"/courses?trainer_id=user-trainer":       "trainer_id",
		"/tasks?owner_id=%20user-trainer":        "owner_id",
		"/tasks?overdue=yes":                     "overdue",
		"/feedback?urgent=1":                     "urgent",
		"/feedback?unit_id=u%091":                "unit_id",
	} {
		p := f.problem(f.do(auth.Manager, "GET", path, nil), 422)
		if fe := fieldErrors(p); len(fe) != 1 || fe[field] == "" {
			t.Errorf("%s: errors %v, want one naming %s", path, p["errors"], field)
		}
	}
}

// A trainer lists their own open tasks and anyone the overdue ones; the
// manager lists urgent feedback and a unit's.
func TestTasksAreListedByOwnerAndOverdueAndFeedbackByUrgencyAndUnit(t *testing.T) {
	f := start(t)
	courseID, tasks := f.completedCourse()
	f.Clock.Set(calendar.NewDate(2026, 11, 18).At(9, 0)) // the one-day tasks were due at the end of the 17th
	unitData, survey := taskOf(t, tasks, "update_unit_data"), taskOf(t, tasks, "record_survey_results")
	f.ok(f.do(auth.Trainer, "POST", "/tasks/"+unitData.ID+"/complete", nil), 200, nil)
	var trainers, leads, others []string
	for _, tk := range tasks {
		switch {
		case tk.OwnerID == trainerID:
			trainers = append(trainers, tk.ID)
		case tk.OwnerID == "user-lead":
			leads = append(leads, tk.ID)
		}
		if tk.ID != survey.ID {
			others = append(others, tk.ID)
		}
	}
	if len(trainers) != 5 || len(leads) != 1 {
		t.Fatalf("owners: %+v", tasks)
	}
	for path, want := range map[string][]string{
		"/tasks?owner_id=" + trainerID:                               trainers,
		"/tasks?owner_id=user-lead":                                  leads,
		"/tasks?owner_id=" + trainerID + "&status=done":              {unitData.ID},
		"/tasks?overdue=true":                                        {survey.ID},
		"/tasks?overdue=false&course_id=" + courseID:                 others,
		"/tasks?overdue=true&owner_id=user-lead":                     {},
		"/tasks?owner_id=" + trainerID + "&status=open&overdue=true": {survey.ID},
	} {
		if got := f.ids(auth.Trainer, path); !slices.Equal(got, sorted(want...)) {
			t.Errorf("%s: %v, want %v", path, got, sorted(want...))
		}
	}
	var pages []string
	cursor := ""
	for range 3 {
		var p pageOf[idOf]
		f.ok(f.do(auth.Trainer, "GET", "/tasks?owner_id="+trainerID+"&limit=3&cursor="+url.QueryEscape(cursor), nil), 200, &p)
		for _, it := range p.Items {
			pages = append(pages, it.ID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if sort.Strings(pages); !slices.Equal(pages, sorted(trainers...)) {
		t.Fatalf("two pages of the trainer's tasks: %v, want %v", pages, sorted(trainers...))
	}

	raise := func(unit string, urgent bool) string {
		var it idOf
		f.ok(f.do(auth.Lead, "POST", "/feedback", map[string]any{"course_id": courseID, "unit_id": unit, "text": "thiếu tài liệu", "urgent": urgent}), 201, &it)
		return it.ID
	}
	u1Urgent, u1Calm, u2Urgent := raise("u1", true), raise("u1", false), raise("u2", true)
	f.ok(f.do(auth.Lead, "POST", "/feedback/"+u2Urgent+"/status", map[string]any{"status": "in_progress"}), 200, nil)
	for path, want := range map[string][]string{
		"/feedback?urgent=true":                      {u1Urgent, u2Urgent},
		"/feedback?urgent=false":                     {u1Calm},
		"/feedback?unit_id=u1":                       {u1Urgent, u1Calm},
		"/feedback?unit_id=u2&urgent=true":           {u2Urgent},
		"/feedback?urgent=true&status=raised":        {u1Urgent},
		"/feedback?unit_id=u1&course_id=" + courseID: {u1Urgent, u1Calm},
	} {
		if got := f.ids(auth.Manager, path); !slices.Equal(got, sorted(want...)) {
			t.Errorf("%s: %v, want %v", path, got, sorted(want...))
		}
	}
}
