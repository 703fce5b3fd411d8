package party

import (
	"slices"
	"time"
)

// UpcomingKind says which of a person's dates an Upcoming is.
type UpcomingKind string

// The kinds of yearly dates a person has.
const (
	UpcomingBirthday      UpcomingKind = "birthday"
	UpcomingImportantDate UpcomingKind = "important_date"
)

// Upcoming is one of a person's yearly dates falling within a reminder
// window: which date it is, the day it falls on this time and how soon,
// what a member of staff preparing the week's calls needs to know.
type Upcoming struct {
	Kind UpcomingKind `json:"kind"`
	// Label is the important date's label; a birthday has none.
	Label string `json:"label,omitempty"`
	// Date is the date as the person's record holds it, with the year it
	// happened in (or, for an important date such as a contract's end,
	// will happen in), or without a year (--11-20) when it has none.
	Date Date `json:"date"`
	// On is the day the date falls on this time; InDays how many days
	// from today that is (0 is today).
	On     Date `json:"on"`
	InDays int  `json:"in_days"`
	// Turns is the age a person turns on a birthday: absent for an
	// important date, for a birthday without its year, and on the day a
	// person was born, which is no birthday yet.
	Turns int `json:"turns,omitempty"`
}

// DueDay is a day of the year a yearly date may have and the day such a
// date falls on within a reminder window.
type DueDay struct {
	Day MonthDay
	On  Date
}

// Window returns the days of the year whose dates fall from today through
// days-1 days later, each with the soonest day it falls on, in the order
// they fall. In a year without 29 February, a date on that day falls on
// 28 February, beside the dates of 28 February.
func Window(today Date, days int) []DueDay {
	days = min(max(days, 0), MaxReminderWindow)
	start := today.Start(time.UTC)
	var out []DueDay
	seen := map[MonthDay]bool{}
	add := func(d MonthDay, on Date) {
		if !seen[d] { // a year's window may hold a day twice: the first counts
			seen[d] = true
			out = append(out, DueDay{Day: d, On: on})
		}
	}
	for i := range days {
		on := DateOf(start.AddDate(0, 0, i))
		add(monthDay(on), on)
		if on.Month == time.February && on.Day == 28 && !isLeap(on.Year) {
			add(229, on)
		}
	}
	return out
}

// UpcomingDates returns p's birthday and important dates that fall from
// today through days-1 days later, soonest first (on the same day, the
// birthday first, then the important dates in their order), each once, on
// the soonest day it falls: the member a list of the dates within a window
// answers for each person. It agrees with Window, which selects them.
func (p Person) UpcomingDates(today Date, days int) []Upcoming {
	days = min(max(days, 0), MaxReminderWindow)
	var out []Upcoming
	add := func(u Upcoming) {
		if !u.Date.ValidYearly() {
			return
		}
		u.On = nextOn(u.Date, today)
		u.InDays = daysBetween(today, u.On)
		if u.InDays >= days {
			return
		}
		if u.Kind == UpcomingBirthday && !u.Date.Yearless() && u.On.Year > u.Date.Year {
			u.Turns = u.On.Year - u.Date.Year
		}
		out = append(out, u)
	}
	if !p.Birthday.IsZero() {
		add(Upcoming{Kind: UpcomingBirthday, Date: p.Birthday})
	}
	for _, d := range p.ImportantDates {
		add(Upcoming{Kind: UpcomingImportantDate, Label: d.Label, Date: d.Date})
	}
	slices.SortStableFunc(out, func(a, b Upcoming) int { return a.InDays - b.InDays })
	return out
}

// fallsIn returns the day a yearly date d falls on in year: its month and
// day, or 28 February for 29 February in a year without it.
func fallsIn(d Date, year int) Date {
	if d.Month == time.February && d.Day == 29 && !isLeap(year) {
		return Date{year, time.February, 28}
	}
	return Date{year, d.Month, d.Day}
}

// nextOn returns the first day, today or later, a yearly date d falls on.
func nextOn(d, today Date) Date {
	on := fallsIn(d, today.Year)
	if on.Before(today) {
		on = fallsIn(d, today.Year+1)
	}
	return on
}

// daysBetween returns how many days from a to b.
func daysBetween(a, b Date) int {
	return int(b.Start(time.UTC).Sub(a.Start(time.UTC)).Hours() / 24)
}
