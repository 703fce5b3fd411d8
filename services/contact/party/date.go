package party

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ErrInvalidDate is returned for a date that is not a real calendar day,
// or not written as one: 2026-02-30 is in the form, and no day.
var ErrInvalidDate = errors.New("is no day of the calendar, or not written YYYY-MM-DD or DD/MM/YYYY")

// Date is a calendar day without time or zone: a birthday falls on the same
// day wherever it is read, which a time.Time at midnight would not guarantee.
// The zero Date means "unknown".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads ISO dates (2006-01-02, also 2006/01/02) and the
// day-first form used in Vietnam (02/01/2006, also with dashes or dots). A
// midnight after it ("05/03/2014 00:00:00") is how a spreadsheet saves a
// date cell of a date-time column as text, and is no part of the day.
func ParseDate(s string) (Date, error) {
	s = midnight.ReplaceAllString(strings.TrimSpace(s), "")
	for _, layout := range []string{"2006-01-02", "2006/1/2", "2/1/2006", "2-1-2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, ErrInvalidDate
}

var midnight = regexp.MustCompile(`(?:\s+|T)0?0:00(?::00(?:\.0+)?)?$`)

// DateOf returns the day t falls on in t's location.
func DateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

// Start returns the midnight that begins d in loc.
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// IsZero reports whether d is the unknown date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real day, so a Date built field by field
// cannot smuggle in 30 February.
func (d Date) Valid() bool {
	t := d.Start(time.UTC)
	return d.Year > 0 && t.Year() == d.Year && t.Month() == d.Month && t.Day() == d.Day
}

// String formats d as YYYY-MM-DD, the form stored and sent over the API.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText writes d as YYYY-MM-DD so JSON carries dates as plain strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// unreadable is what UnmarshalText makes of a text that is no date: not
// zero and not Valid, so validation names the field ("birthday") in its
// problem, which a decoding error could not.
var unreadable = Date{Day: -1}

// UnmarshalText reads what MarshalText wrote and the forms ParseDate reads;
// an empty text is the zero Date, any other text decodes to a Date that is
// not Valid.
func (d *Date) UnmarshalText(text []byte) error {
	*d = Date{}
	if len(text) > 0 {
		parsed, err := ParseDate(string(text))
		if err != nil {
			parsed = unreadable
		}
		*d = parsed
	}
	return nil
}
