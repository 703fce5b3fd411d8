package course

import (
	"errors"
	"testing"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

func TestARescheduleOntoADayGoneByIsRefused(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 11, Day: 2}
	for _, tc := range []struct {
		name  string
		first calendar.Date
		bad   bool
	}{
		{"yesterday", calendar.Date{Year: 2026, Month: 11, Day: 1}, true},
		{"today", today, false},
		{"tomorrow, inside the lead time", calendar.Date{Year: 2026, Month: 11, Day: 3}, false},
		{"no date (the precondition's)", calendar.Date{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckNewDates(tc.first, today)
			var v *ValidationError
			if got := errors.As(err, &v); got != tc.bad {
				t.Fatalf("CheckNewDates(%v) = %v, want refused %v", tc.first, err, tc.bad)
			}
		})
	}
}
