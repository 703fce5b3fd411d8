package http

import (
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

func days(ds []day) []calendar.Date {
	out := make([]calendar.Date, len(ds))
	for i, d := range ds {
		out[i] = calendar.Date(d)
	}
	return out
}
