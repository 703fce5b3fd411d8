package service

import (
	"time"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// window returns the days of the year of a reminder window of days from
// today (party.Window) and, one for each, the day it falls on, as the
// store selects and sorts people by them.
func window(today party.Date, days int) ([]int16, []time.Time) {
	w := party.Window(today, days)
	monthDays, on := make([]int16, len(w)), make([]time.Time, len(w))
	for i, d := range w {
		monthDays[i], on[i] = int16(d.Day), d.On.Start(time.UTC)
	}
	return monthDays, on
}

// withUpcoming sets, on a person of a list asked for with dates_within,
// the dates falling within its window from today, which put them where
// they are in the list. Nothing else answers them, and nothing stores
// them.
func withUpcoming[T any](v *T, q Query, today party.Date) {
	if p, ok := any(v).(*party.Person); ok && q.DatesWithin != 0 {
		p.Upcoming = p.UpcomingDates(today, q.DatesWithin)
	}
}
