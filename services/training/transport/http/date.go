package http

import (
	"fmt"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// day is a calendar day in a request body. A day that does not exist
// (2026-02-30) is the caller's mistake: 422, not the decoder's 400.
type day calendar.Date

func (d *day) UnmarshalText(b []byte) error {
	var c calendar.Date
	if err := c.UnmarshalText(b); err != nil {
		return problem.Invalid("a date is not valid", problem.FieldError{Field: "date", Message: "must be an existing day written YYYY-MM-DD: " + string(b)})
	}
	*d = day(c)
	return nil
}

// proposedDays reads a request's proposed dates, each bad one reported on
// its item (proposed_dates[1]), where the form shows it.
func proposedDays(raw []string) ([]calendar.Date, error) {
	out := make([]calendar.Date, len(raw))
	var fields []problem.FieldError
	for i, s := range raw {
		if err := out[i].UnmarshalText([]byte(s)); err != nil {
			fields = append(fields, problem.FieldError{Field: fmt.Sprintf("proposed_dates[%d]", i), Message: "must be an existing day written YYYY-MM-DD: " + s})
		}
	}
	if len(fields) > 0 {
		return nil, problem.Invalid("a date is not valid", fields...)
	}
	return out, nil
}
