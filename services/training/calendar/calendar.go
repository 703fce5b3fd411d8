// Package calendar counts calendar days and builds deadlines in Vietnam's time zone.
//
// Training rules speak in calendar days and local office hours ("10 days before",
// "Saturday 09:00"), so dates are civil dates, not instants: a request sent at 23:30
// on the 1st counts as the 1st however the server's clock is set.
package calendar

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // the rules must hold on hosts and containers without zoneinfo
)

// ZoneName is the IANA name of the only zone the training rules are written for.
const ZoneName = "Asia/Ho_Chi_Minh"

// loadZone runs once: parsing zone data on every deadline would be wasted work, and
// the embedded tzdata makes a failure a broken build, not a runtime condition.
var loadZone = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation(ZoneName)
	if err != nil {
		panic(fmt.Sprintf("calendar: embedded zone %s missing: %v", ZoneName, err))
	}
	return loc
})

// Zone returns Asia/Ho_Chi_Minh. Every deadline in this service is expressed in it.
func Zone() *time.Location { return loadZone() }

// Date is a day on the Vietnamese calendar, with no time of day and no zone.
// The zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate normalises out-of-range values the way time.Date does (2025-02-30 is 2025-03-02),
// so date arithmetic never produces an impossible day.
func NewDate(year int, month time.Month, day int) Date {
	return fromUTC(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf is the day t falls on in Vietnam, whatever zone t carries.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Zone()).Date()
	return Date{y, m, d}
}

// ParseDate reads the ISO form YYYY-MM-DD and refuses days that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: parse date %q: %w", s, err)
	}
	return fromUTC(t), nil
}

func fromUTC(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// utc anchors the date at UTC midnight, where every day is exactly 24 hours long.
func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether the date was never set.
func (d Date) IsZero() bool { return d == Date{} }

// String is the ISO form, also used for JSON.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.utc().Format(time.DateOnly)
}

// MarshalText lets dates travel as "2025-03-10" in JSON and query strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts the ISO form; an empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// AddDays moves by n calendar days (negative goes back).
func (d Date) AddDays(n int) Date { return fromUTC(d.utc().AddDate(0, 0, n)) }

// DaysUntil counts calendar days from d to e: positive when e is later.
func (d Date) DaysUntil(e Date) int { return int(e.utc().Sub(d.utc()).Hours() / 24) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.utc().Compare(e.utc()) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// WeekStart is the Monday of d's week: offices here plan Monday to Saturday,
// so "the week before" always means the previous Monday-based week.
func (d Date) WeekStart() Date {
	back := (int(d.Weekday()) + 6) % 7 // Monday 0 ... Sunday 6
	return d.AddDays(-back)
}

// At is the instant of hour:minute local time on d.
func (d Date) At(hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, Zone())
}

// EndOfDay is the last second of d, local time: "by Friday" means anything sent on Friday.
func (d Date) EndOfDay() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, Zone())
}
