package course

import (
	"fmt"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

// checkProposedDates adds a problem for each proposed date that is missing,
// already past on today (a business day in Vietnam) or a repeat of an
// earlier one. The proposed dates are the course's days as sales proposes
// them: the earliest is the first session, the one the lead-time rule counts
// to, and the latest the last. A past day is no late request a manager could
// admit: no course can be held on it.
func checkProposedDates(v *ValidationError, dates []calendar.Date, today calendar.Date) {
	first := map[calendar.Date]int{}
	for i, d := range dates {
		field := fmt.Sprintf("proposed_dates[%d]", i)
		if d.IsZero() {
			v.Add(field, "required")
			continue
		}
		if d.Before(today) {
			v.Add(field, fmt.Sprintf("is in the past (%v; today is %v)", d, today))
		}
		if j, seen := first[d]; seen {
			v.Add(field, fmt.Sprintf("repeats proposed_dates[%d] (%v)", j, d))
		} else {
			first[d] = i
		}
	}
}

// CheckNewDates refuses a reschedule onto a first day already gone by on
// today (a business day in Vietnam): no course can be held on it, and no
// exception admits it, as with a request's proposed dates. The lead-time rule
// is not applied: it measures sales' hand-over of a request to the lead, and
// a reschedule is the lead's own decision, as the dates `schedule` confirms are.
func CheckNewDates(first calendar.Date, today calendar.Date) error {
	var v ValidationError
	if !first.IsZero() && first.Before(today) {
		v.Add("first_session", fmt.Sprintf("is in the past (%v; today is %v)", first, today))
	}
	return v.Err()
}
