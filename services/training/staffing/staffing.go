// Package staffing plans who teaches which session of a course and refuses to put a
// person in two places at once.
package staffing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/pkg/staff"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

// HalfDay is the unit of scheduling: courses run by the morning or the afternoon,
// and staff report at the start of each.
type HalfDay string

// Half-days.
const (
	Morning   HalfDay = "morning"
	Afternoon HalfDay = "afternoon"
)

// Valid reports whether h is a known half-day.
func (h HalfDay) Valid() bool { return h == Morning || h == Afternoon }

// Session is one half-day of a course, held at a venue or on a meeting link.
type Session struct {
	ID          string
	CourseID    string
	Date        calendar.Date
	HalfDay     HalfDay
	Venue       string
	MeetingLink string
}

// String identifies a session the way a lead recognises it: course, day, half-day.
func (s Session) String() string {
	return fmt.Sprintf("session %s (course %s, %v %s)", s.ID, s.CourseID, s.Date, s.HalfDay)
}

// Validate checks a session against the course's mode: an in-person session without
// a venue, or an online one without a link, cannot be staffed or announced.
func (s Session) Validate(mode course.Mode) error {
	var v course.ValidationError
	if s.ID == "" {
		v.Add("id", "required")
	}
	if s.Date.IsZero() {
		v.Add("date", "required")
	}
	if !s.HalfDay.Valid() {
		v.Add("half_day", "must be morning or afternoon")
	}
	switch mode {
	case course.InPerson:
		if strings.TrimSpace(s.Venue) == "" {
			v.Add("venue", "required for an in-person session")
		}
	case course.Online:
		if strings.TrimSpace(s.MeetingLink) == "" {
			v.Add("meeting_link", "required for an online session")
		}
	}
	return v.Err()
}

// Overlaps reports whether one person could not attend both sessions: the same
// half-day of the same date, whichever course or venue.
func Overlaps(a, b Session) bool {
	return a.Date == b.Date && a.HalfDay == b.HalfDay
}

// Duty is what a person does in a session.
type Duty string

// Duties.
const (
	Trainer   Duty = "trainer"
	Assistant Duty = "assistant"
)

// Assignment puts a person on a session of the plan.
type Assignment struct {
	SessionID string
	PersonID  string
	Duty      Duty
}

// Booking is a person already committed to a session, in this course or another;
// the service loads them so double-booking is caught across courses.
type Booking struct {
	PersonID string
	Duty     Duty
	Session  Session
}

// ErrDoubleBooked is wrapped by every *DoubleBookingError.
var ErrDoubleBooked = errors.New("double booked")

// DoubleBookingError names the session already holding the person, so the lead can
// swap people instead of hunting for the clash.
type DoubleBookingError struct {
	PersonID string
	Session  Session
	Conflict Session
}

// Error names both sessions so the lead can pick which one to change.
func (e *DoubleBookingError) Error() string {
	return fmt.Sprintf("person %s cannot take %s: already on %s", e.PersonID, e.Session, e.Conflict)
}

// Unwrap lets errors.Is(err, ErrDoubleBooked) match.
func (e *DoubleBookingError) Unwrap() error { return ErrDoubleBooked }

// CheckDoubleBooking refuses to put a person on s when they already hold an
// overlapping session. Assistants are people too: the rule applies to both duties.
func CheckDoubleBooking(personID string, s Session, booked []Booking) error {
	for _, b := range booked {
		if b.PersonID == personID && Overlaps(b.Session, s) {
			return &DoubleBookingError{PersonID: personID, Session: s, Conflict: b.Session}
		}
	}
	return nil
}

// Plan is the staffing plan of one course.
type Plan struct {
	Sessions    []Session
	Assignments []Assignment
}

// Session finds a session of the plan by id.
func (p Plan) Session(id string) (Session, bool) {
	i := slices.IndexFunc(p.Sessions, func(s Session) bool { return s.ID == id })
	if i < 0 {
		return Session{}, false
	}
	return p.Sessions[i], true
}

// Bookings are the plan's assignments seen as commitments of people.
func (p Plan) Bookings() []Booking {
	out := make([]Booking, 0, len(p.Assignments))
	for _, a := range p.Assignments {
		if s, ok := p.Session(a.SessionID); ok {
			out = append(out, Booking{PersonID: a.PersonID, Duty: a.Duty, Session: s})
		}
	}
	return out
}

// Assign returns the plan with a added, refusing unknown sessions and people already
// busy in this plan or in elsewhere (their bookings in other courses). p is unchanged.
func (p Plan) Assign(a Assignment, elsewhere []Booking) (Plan, error) {
	var v course.ValidationError
	// A staff id is the login (staff.ID), kept as typed: "  Trainer-Nam "
	// would be a second person to the double-booking check.
	if err := staff.ID(a.PersonID); err != nil {
		v.Add("person_id", err.Error())
	}
	if a.Duty != Trainer && a.Duty != Assistant {
		v.Add("duty", "must be trainer or assistant")
	}
	s, ok := p.Session(a.SessionID)
	if !ok {
		v.Add("session_id", "not a session of this course")
	}
	if err := v.Err(); err != nil {
		return p, err
	}
	if err := CheckDoubleBooking(a.PersonID, s, append(p.Bookings(), elsewhere...)); err != nil {
		return p, err
	}
	p.Assignments = append(slices.Clone(p.Assignments), a)
	return p, nil
}

// Unstaffed lists the ids of sessions with no trainer; assistants alone cannot run
// a class, so they do not count.
func Unstaffed(p Plan) []string {
	var out []string
	for _, s := range p.Sessions {
		staffed := slices.ContainsFunc(p.Assignments, func(a Assignment) bool {
			return a.SessionID == s.ID && a.Duty == Trainer
		})
		if !staffed {
			out = append(out, s.ID)
		}
	}
	return out
}

// StaffingPlanDue is when the lead owes the department head the staffing plan:
// Saturday 09:00 of the week before the course's week ("chậm nhất 9h thứ 7"),
// weeks starting on Monday.
func StaffingPlanDue(firstSession calendar.Date) time.Time {
	return firstSession.WeekStart().AddDays(-2).At(9, 0)
}
