package feedback

import (
	"net/url"
	"slices"
	"strings"

	"github.com/rapportcrm/rapport/services/training/course"
)

// Filter is what GET /feedback narrows the list by; an empty field does not
// narrow. Filters combine with AND.
type Filter struct {
	CourseID string
	Status   Status
	UnitID   string
	// Urgent, when set, keeps the urgent items (true) or the others (false):
	// the manager reports the urgent ones.
	Urgent *bool
}

// ParseFilter reads a feedback list's filters, each problem on its parameter.
func ParseFilter(q url.Values) (Filter, error) {
	var v course.ValidationError
	f := Filter{CourseID: q.Get("course_id"), Status: Status(q.Get("status")), UnitID: q.Get("unit_id")}
	if f.Status != "" && !slices.Contains(Statuses(), f.Status) {
		names := make([]string, 0, 4)
		for _, s := range Statuses() {
			names = append(names, string(s))
		}
		v.Add("status", "must be one of "+strings.Join(names, ", "))
	}
	course.CheckUnitID(&v, "unit_id", f.UnitID)
	f.Urgent = course.BoolParam(&v, q, "urgent")
	return f, v.Err()
}
