package course

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

// Lead times from the process text: sales hands over "trước 10 ngày, với Tính lương và
// DT lương trước 30 ngày".
const (
	StandardLeadDays = 10
	PayrollLeadDays  = 30
)

// Names of the lead-time rules, as they appear in LateRequestError.Rule.
const (
	RuleStandard = "standard"
	RulePayroll  = "payroll"
	RuleModule   = "module"
)

// Module is a product module a course trains on. Its settings are data so an admin can
// flag a new payroll-like module without a release.
type Module struct {
	Code    string
	Name    string
	Payroll bool // payroll modules need the longer lead time
	// LeadDays, when positive, overrides both defaults for this module.
	// Zero means "use the default"; a zero-day rule is not something the business asked for.
	LeadDays int
}

// DefaultModules are the modules the source text names; seed data, not a registry.
func DefaultModules() []Module {
	return []Module{
		{Code: "tinh-luong", Name: "Tính lương", Payroll: true},
		{Code: "dt-luong", Name: "DT lương", Payroll: true},
	}
}

// LeadRule names the rule that applies to m and the days it requires.
func (m Module) LeadRule() (rule string, days int) {
	switch {
	case m.LeadDays > 0:
		return RuleModule, m.LeadDays
	case m.Payroll:
		return RulePayroll, PayrollLeadDays
	default:
		return RuleStandard, StandardLeadDays
	}
}

// ErrLateRequest is wrapped by every *LateRequestError.
var ErrLateRequest = errors.New("late request")

// LateRequestError says which rule a request broke and by how much, so sales can
// decide between moving the date and asking a manager for an exception.
type LateRequestError struct {
	Rule         string `json:"rule"`
	RequiredDays int    `json:"required_days"`
	ActualDays   int    `json:"actual_days"`
	ShortByDays  int    `json:"short_by_days"`
}

// Error states the rule and the shortfall, the two facts sales acts on.
func (e *LateRequestError) Error() string {
	return fmt.Sprintf("late request: the %s rule needs %d days before the first session, got %d (%s short)",
		e.Rule, e.RequiredDays, e.ActualDays, plural(e.ShortByDays, "day"))
}

// Unwrap lets errors.Is(err, ErrLateRequest) match.
func (e *LateRequestError) Unwrap() error { return ErrLateRequest }

// CheckLeadTime refuses a request submitted too close to its first session. Days are
// calendar days in Vietnam: a request sent at 23:00 on the 1st for a course on the 11th
// has 10 days, whatever the hour.
func CheckLeadTime(submittedAt time.Time, firstSession calendar.Date, m Module) error {
	rule, required := m.LeadRule()
	actual := calendar.DateOf(submittedAt).DaysUntil(firstSession)
	if actual >= required {
		return nil
	}
	return &LateRequestError{Rule: rule, RequiredDays: required, ActualDays: actual, ShortByDays: required - actual}
}

// Exception is a manager's approval to accept a late request. It is a value the caller
// passes in (and stores), so the reason is recorded with the decision it justified.
type Exception struct {
	ApprovedBy   string // user id
	ApproverRole Role
	Reason       string
	ApprovedAt   time.Time
}

// Validate refuses exceptions that nobody could defend later: wrong role or no reason.
func (e Exception) Validate() error {
	var v ValidationError
	if e.ApprovedBy == "" {
		v.Add("exception.approved_by", "required")
	}
	if e.ApproverRole != RoleManager && e.ApproverRole != RoleAdmin {
		v.Add("exception.approver_role", "only a manager may approve a late request")
	}
	if strings.TrimSpace(e.Reason) == "" {
		v.Add("exception.reason", "required")
	}
	if e.ApprovedAt.IsZero() {
		v.Add("exception.approved_at", "required")
	}
	return v.Err()
}

// Request is what sales hands over to the deployment lead.
type Request struct {
	Units         []string // unit ids
	Module        Module
	Mode          Mode
	Venue         string // in person
	MeetingLink   string // online
	ProposedDates []calendar.Date
	HandoverNotes string
	SubmittedBy   string
	SubmittedAt   time.Time
}

// FirstSession is the earliest proposed date: the lead-time rule counts to it.
func (r Request) FirstSession() calendar.Date {
	var first calendar.Date
	for _, d := range r.ProposedDates {
		if first.IsZero() || d.Before(first) {
			first = d
		}
	}
	return first
}

// Validate checks the form, not the lead time, so a late request still gets its
// typos reported first.
func (r Request) Validate() error {
	var v ValidationError
	if len(r.Units) == 0 {
		v.Add("units", "at least one unit is required")
	}
	for i, u := range r.Units {
		if strings.TrimSpace(u) == "" {
			v.Add(fmt.Sprintf("units[%d]", i), "required")
		}
	}
	if r.Module.Code == "" {
		v.Add("module", "required")
	}
	switch r.Mode {
	case InPerson:
		if strings.TrimSpace(r.Venue) == "" {
			v.Add("venue", "required for an in-person course")
		}
	case Online:
		if strings.TrimSpace(r.MeetingLink) == "" {
			v.Add("meeting_link", "required for an online course")
		}
	default:
		v.Add("mode", "must be in_person or online")
	}
	if len(r.ProposedDates) == 0 {
		v.Add("proposed_dates", "at least one date is required")
	}
	if r.SubmittedAt.IsZero() {
		for i, d := range r.ProposedDates {
			if d.IsZero() {
				v.Add(fmt.Sprintf("proposed_dates[%d]", i), "required")
			}
		}
	} else {
		checkProposedDates(&v, r.ProposedDates, calendar.DateOf(r.SubmittedAt))
	}
	if r.SubmittedBy == "" {
		v.Add("submitted_by", "required")
	}
	if r.SubmittedAt.IsZero() {
		v.Add("submitted_at", "required")
	}
	return v.Err()
}

// Admit decides whether a request may enter the process: a valid form, and either in
// time or covered by a valid exception. A nil exception means none was given.
func Admit(r Request, exception *Exception) error {
	if err := r.Validate(); err != nil {
		return err
	}
	late := CheckLeadTime(r.SubmittedAt, r.FirstSession(), r.Module)
	if late == nil || exception == nil {
		return late
	}
	if err := exception.Validate(); err != nil {
		return err
	}
	// Days pass while a refused request waits: an exception admits a late
	// date, never one gone by the time it is approved.
	var v ValidationError
	checkProposedDates(&v, r.ProposedDates, calendar.DateOf(exception.ApprovedAt))
	return v.Err()
}

// plural writes n things in English: "1 day", "2 days".
func plural(n int, thing string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, thing)
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
