package staffing

import (
	"fmt"
	"slices"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

// MorningEnds is when a morning session is over, local time; an afternoon one
// is over at course.DayEnds.
const MorningEnds = 12

// Ends is when the session's half-day is over, in Vietnam's time.
func (s Session) Ends() time.Time {
	if s.HalfDay == Morning {
		return s.Date.At(MorningEnds, 0)
	}
	return s.Date.At(course.DayEnds, 0)
}

// CheckDate refuses a session outside its course's dates (first..last): a
// session months away from the course is a typing mistake, and its staff
// would be booked on a day the course does not run. A course without dates
// takes any day.
func CheckDate(s Session, first, last calendar.Date) error {
	if first.IsZero() || last.IsZero() || (!s.Date.Before(first) && !s.Date.After(last)) {
		return nil
	}
	var v course.ValidationError
	v.Add("date", fmt.Sprintf("must lie within the course's dates, %v to %v", first, last))
	return v.Err()
}

// Outside lists the ids of the sessions not within first..last.
func Outside(ss []Session, first, last calendar.Date) []string {
	var out []string
	for _, s := range ss {
		if CheckDate(s, first, last) != nil {
			out = append(out, s.ID)
		}
	}
	return out
}

// Move is what a reschedule does to a course's sessions.
type Move struct {
	// Moved are the sessions that change day, with their new date, in an
	// order that never puts two of them on the same half-day on the way.
	Moved []Session
	// Dropped are the sessions that no longer fit, to be removed with their staff.
	Dropped []Session
}

// Reschedule applies new dates to a course's sessions, by one rule a lead can
// predict: a course keeping its length moves as a block (each session, with
// its half-day, venue and staff, shifts by as many days as the first day
// did); a course whose length changes keeps the sessions that lie within the
// new dates and drops the others.
func Reschedule(ss []Session, oldFirst, oldLast, newFirst, newLast calendar.Date) Move {
	var m Move
	shift := 0
	if !oldFirst.IsZero() && !oldLast.IsZero() && oldFirst.DaysUntil(oldLast) == newFirst.DaysUntil(newLast) {
		shift = oldFirst.DaysUntil(newFirst)
	}
	for _, s := range ss {
		moved := s
		moved.Date = s.Date.AddDays(shift)
		switch {
		case CheckDate(moved, newFirst, newLast) != nil:
			m.Dropped = append(m.Dropped, s)
		case moved.Date != s.Date:
			m.Moved = append(m.Moved, moved)
		}
	}
	// Moving later, the latest session goes first, into a day no session
	// holds any more; moving earlier, the earliest does.
	slices.SortStableFunc(m.Moved, func(a, b Session) int {
		if shift > 0 {
			return b.Date.Compare(a.Date)
		}
		return a.Date.Compare(b.Date)
	})
	return m
}
