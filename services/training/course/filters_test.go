package course

import (
	"errors"
	"net/url"
	"testing"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

func TestListFiltersNameEachBadValue(t *testing.T) {
	for _, c := range []struct {
		query string
		tasks bool
		bad   []string // fields with a problem; none: valid
	}{
		{query: "state=planned&unit_id=u1&staff_id=user-nam&from=2026-11-01&to=2026-11-07&module_code=ke-toan"},
		{query: "from=2026-11-07&to=2026-11-07"},
		{query: "state=planed", bad: []string{"state"}},
		{query: "unit_id=u%201", bad: []string{"unit_id"}},
		{query: "unit_id=u1%E2%80%8B", bad: []string{"unit_id"}},
		{query: "staff_id=%20user-nam", bad: []string{"staff_id"}},
		{query: "from=07/11/2026&to=2026-11", bad: []string{"from", "to"}},
		{query: "from=2026-11-08&to=2026-11-07", bad: []string{"to"}},
		{query: "module_code=Ke-Toan", bad: []string{"module_code"}},
		{query: "status=open&owner_id=user-nam&overdue=true", tasks: true},
		{query: "overdue=false", tasks: true},
		{query: "status=opened&owner_id=a%20b&overdue=1", tasks: true, bad: []string{"status", "owner_id", "overdue"}},
	} {
		q, _ := url.ParseQuery(c.query)
		var err error
		if c.tasks {
			_, err = ParseTaskFilter(q)
		} else {
			_, err = ParseCourseFilter(q)
		}
		var v *ValidationError
		if len(c.bad) == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.query, err)
			}
			continue
		}
		if !errors.As(err, &v) || len(v.Fields) != len(c.bad) {
			t.Errorf("%s: %v, want problems on %v", c.query, err, c.bad)
			continue
		}
		for _, f := range c.bad {
			if !v.Has(f) {
				t.Errorf("%s: no problem on %s: %v", c.query, f, err)
			}
		}
	}
}

func TestACourseFilterReadsItsDaysAndOverdue(t *testing.T) {
	q, _ := url.ParseQuery("from=2026-11-02&to=2026-11-08")
	f, err := ParseCourseFilter(q)
	if err != nil || f.From != calendar.NewDate(2026, 11, 2) || f.To != calendar.NewDate(2026, 11, 8) {
		t.Fatalf("%+v %v", f, err)
	}
	q, _ = url.ParseQuery("overdue=false")
	tf, err := ParseTaskFilter(q)
	if err != nil || tf.Overdue == nil || *tf.Overdue {
		t.Fatalf("%+v %v", tf, err)
	}
}
