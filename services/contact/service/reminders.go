package service

import (
	"slices"
	"strconv"
	"strings"
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

// upcomingColumns are the columns an export of a list of the dates within
// a window adds, at upcomingAt (after the name), one for each member of
// party.Upcoming. A person with two dates in the window has both in each,
// joined with "; " in the same order, soonest first, a blank keeping its
// place ("41; " for a birthday and an important date on which nobody turns
// anything).
var upcomingColumns = []string{"upcoming_kind", "upcoming_label", "upcoming_date", "upcoming_on", "upcoming_in_days", "upcoming_turns"}

var upcomingAt = slices.Index(personColumns, "full_name") + 1

// upcomingCells are the cells of upcomingColumns for a person's dates.
func upcomingCells(dates []party.Upcoming) []string {
	cells := make([][]string, len(upcomingColumns))
	for _, u := range dates {
		turns := ""
		if u.Turns > 0 {
			turns = strconv.Itoa(u.Turns)
		}
		for i, v := range []string{string(u.Kind), u.Label, u.Date.String(), u.On.String(), strconv.Itoa(u.InDays), turns} {
			cells[i] = append(cells[i], v)
		}
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.Join(c, "; ")
	}
	return out
}
