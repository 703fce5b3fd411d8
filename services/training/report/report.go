// Package report holds what staff report upward: the session report sent at the start
// of each half-day of a course, and the weekly report deadlines.
package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

// Absence is a unit missing from a session, with the reason the lead needs to help
// ("đính kèm danh sách đơn vị và lý do để TNTK hỗ trợ").
type Absence struct {
	UnitID string
	Reason string
}

// SessionReport is a trainer's report "ngay đầu buổi, 1 ngày 2 lần".
type SessionReport struct {
	CourseID    string
	SessionID   string
	ReportedBy  string
	ReportedAt  time.Time
	AbsentUnits []Absence
	// SupervisorSpoke is a pointer because "not answered" must differ from "no".
	SupervisorSpoke  *bool
	SupervisorReason string // why not, when SupervisorSpoke is false
	// Difficulties: units not cooperating, refusing to enter data...
	Difficulties string
	// DataEntryPercent is the share of units entering data, 0-100; a pointer so a
	// forgotten figure is not read as 0%.
	DataEntryPercent *int
	// Progress is where the class is against the programme.
	Progress string
	// Escalate marks a problem beyond the trainer's power, sent to the department
	// head and director; Escalation says what it is.
	Escalate   bool
	Escalation string
}

// Validate lists every problem of the report at once; a trainer reporting from the
// back of a hall should not resubmit five times.
func (r SessionReport) Validate() error {
	var v course.ValidationError
	required(&v, "course_id", r.CourseID)
	required(&v, "session_id", r.SessionID)
	required(&v, "reported_by", r.ReportedBy)
	if r.ReportedAt.IsZero() {
		v.Add("reported_at", "required")
	}
	seen := map[string]bool{}
	for i, a := range r.AbsentUnits {
		field := fmt.Sprintf("absent_units[%d]", i)
		required(&v, field+".unit_id", a.UnitID)
		required(&v, field+".reason", a.Reason)
		if a.UnitID != "" && seen[a.UnitID] {
			v.Add(field+".unit_id", "listed twice")
		}
		seen[a.UnitID] = true
	}
	switch {
	case r.SupervisorSpoke == nil:
		v.Add("supervisor_spoke", "required")
	case !*r.SupervisorSpoke:
		required(&v, "supervisor_reason", r.SupervisorReason)
	}
	switch {
	case r.DataEntryPercent == nil:
		v.Add("data_entry_percent", "required")
	case *r.DataEntryPercent < 0 || *r.DataEntryPercent > 100:
		v.Add("data_entry_percent", "must be between 0 and 100")
	}
	required(&v, "progress", r.Progress)
	if r.Escalate {
		required(&v, "escalation", r.Escalation)
	} else if strings.TrimSpace(r.Escalation) != "" {
		// A form whose checkbox was forgotten: storing the report without
		// raising the escalation would drop the text unseen.
		v.Add("escalate", "an escalation text was given: set escalate to true, or leave the text out")
	}
	return v.Err()
}

func required(v *course.ValidationError, field, value string) {
	if strings.TrimSpace(value) == "" {
		v.Add(field, "required")
	}
}

// LeadWeeklyReportDue is when the lead's weekly report reaches the department head:
// by the end of Friday ("thứ 6 hàng tuần") of the week containing day.
func LeadWeeklyReportDue(day calendar.Date) time.Time {
	return day.WeekStart().AddDays(4).EndOfDay()
}

// ManagerWeeklyReportDue is when the department head's weekly report reaches the
// director: Saturday 12:00 ("thứ 7 hàng tuần trước 12h00") of the week containing day.
func ManagerWeeklyReportDue(day calendar.Date) time.Time {
	return day.WeekStart().AddDays(5).At(12, 0)
}
