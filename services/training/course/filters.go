package course

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/rapportcrm/rapport/pkg/staff"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// CourseFilter is what GET /courses narrows the list by; an empty field
// does not narrow. Filters combine with AND.
type CourseFilter struct {
	State State
	// UnitID lists a unit's courses: sales checking whether a request is in.
	UnitID string
	// StaffID lists the courses a person leads or is assigned to a session
	// of: "my courses".
	StaffID    string
	ModuleCode string
	// From and To list the courses whose first..last days overlap them
	// (sessions lie within those days): "this week's courses".
	From, To calendar.Date
}

// TaskFilter is what GET /tasks narrows the list by.
type TaskFilter struct {
	CourseID string
	Status   TaskStatus
	OwnerID  string
	// Overdue, when set, keeps the open tasks due before now (true) or
	// every other task (false).
	Overdue *bool
}

// ParseCourseFilter reads a course list's filters, each problem on its
// parameter: a misspelt value would list nothing, as if there were nothing.
func ParseCourseFilter(q url.Values) (CourseFilter, error) {
	var v ValidationError
	f := CourseFilter{State: State(q.Get("state")), UnitID: q.Get("unit_id"), StaffID: q.Get("staff_id"), ModuleCode: q.Get("module_code")}
	if f.State != "" && !slices.Contains(States(), f.State) {
		v.Add("state", "must be one of "+joinStates(States()))
	}
	CheckUnitID(&v, "unit_id", f.UnitID)
	if f.StaffID != "" {
		if err := staff.ID(f.StaffID); err != nil {
			v.Add("staff_id", err.Error())
		}
	}
	if f.ModuleCode != "" {
		if why := moduleCodeProblem(f.ModuleCode); why != "" {
			v.Add("module_code", why)
		}
	}
	f.From = dateParam(&v, q, "from")
	f.To = dateParam(&v, q, "to")
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		v.Add("to", fmt.Sprintf("%v is before from (%v)", f.To, f.From))
	}
	return f, v.Err()
}

// ParseTaskFilter reads a task list's filters, each problem on its parameter.
func ParseTaskFilter(q url.Values) (TaskFilter, error) {
	var v ValidationError
	f := TaskFilter{CourseID: q.Get("course_id"), Status: TaskStatus(q.Get("status")), OwnerID: q.Get("owner_id")}
	if f.Status != "" && f.Status != TaskOpen && f.Status != TaskDone {
		v.Add("status", "must be one of open, done")
	}
	if f.OwnerID != "" {
		if err := staff.ID(f.OwnerID); err != nil {
			v.Add("owner_id", err.Error())
		}
	}
	f.Overdue = BoolParam(&v, q, "overdue")
	return f, v.Err()
}

// BoolParam reads a yes/no filter: absent is nil, and anything but true or
// false is a problem on it (a "1" or "yes" read as false would hide what
// was asked for).
func BoolParam(v *ValidationError, q url.Values, name string) *bool {
	switch q.Get(name) {
	case "":
		return nil
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	v.Add(name, "must be true or false")
	return nil
}

// CheckUnitID refuses a unit id filter no unit has: padded or holding
// white space or an invisible character, as a pasted one may.
func CheckUnitID(v *ValidationError, name, id string) {
	if id == "" {
		return
	}
	if strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
		v.Add(name, "holds white space or an invisible character, which no unit id does")
	}
}

func dateParam(v *ValidationError, q url.Values, name string) calendar.Date {
	s := q.Get(name)
	if s == "" {
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		v.Add(name, "must be a day, YYYY-MM-DD")
	}
	return d
}

func joinStates(ss []State) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
