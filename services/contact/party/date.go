package party

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidDate is returned for a date that is not a real calendar day,
// or not written as one: 2026-02-30 is in the form, and no day.
var ErrInvalidDate = errors.New("is no day of the calendar, or not written YYYY-MM-DD or DD/MM/YYYY")

// ErrInvalidYearlyDate is ErrInvalidDate for a person's birthday or
// important date, which may also be a day of the year without its year
// (20/11, Teachers' Day): 31/02 is in the form, and no day.
var ErrInvalidYearlyDate = errors.New("is no day of the calendar, or not written YYYY-MM-DD or DD/MM/YYYY, nor without a year as --MM-DD or DD/MM")

// Date is a calendar day without time or zone: a birthday falls on the same
// day wherever it is read, which a time.Time at midnight would not guarantee.
// The zero Date means "unknown". A Date with a month and day and no year
// (Year 0) is a day of the year, such as a birthday whose year nobody knows
// (Yearless): only a person's birthday and important dates may be one.
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

// ParseYearlyDate reads what ParseDate reads and a day of the year without
// its year: the ISO 8601 and vCard form --MM-DD (--11-20) and the day-first
// forms 20/11, 20-11 and 20.11. A number alone (2011, 1120) is neither.
func ParseYearlyDate(s string) (Date, error) {
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	m := dayOfYear.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Date{}, ErrInvalidYearlyDate
	}
	month, _ := strconv.Atoi(m[1] + m[4]) // one form's pair is empty
	day, _ := strconv.Atoi(m[2] + m[3])
	d := Date{Month: time.Month(month), Day: day}
	if !d.ValidYearly() {
		return Date{}, ErrInvalidYearlyDate
	}
	return d, nil
}

// dayOfYear matches --MM-DD (month, day) or D/M, D-M, D.M (day, month).
var dayOfYear = regexp.MustCompile(`^(?:--(\d{2})-(\d{2})|(\d{1,2})[/.-](\d{1,2}))$`)

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

// Yearless reports whether d is a day of the year without its year
// (--11-20), whether or not some year has it.
func (d Date) Yearless() bool { return d.Year == 0 && d.Month != 0 }

// ValidYearly reports whether d may be a person's yearly date: a real day,
// or a day of the year some year has, without the year; 29 February is one,
// falling on 28 February in other years (fallsIn).
func (d Date) ValidYearly() bool {
	if !d.Yearless() {
		return d.Valid()
	}
	return Date{2000, d.Month, d.Day}.Valid() // 2000 has 29 February
}

// SameDayOfYear reports whether d and o fall on the same month and day,
// whatever their years.
func (d Date) SameDayOfYear(o Date) bool { return d.Month == o.Month && d.Day == o.Day }

// IsZero reports whether d is the unknown date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real day, so a Date built field by field
// cannot smuggle in 30 February.
func (d Date) Valid() bool {
	t := d.Start(time.UTC)
	return d.Year > 0 && t.Year() == d.Year && t.Month() == d.Month && t.Day() == d.Day
}

// String formats d as YYYY-MM-DD, the form stored and sent over the API,
// and a day of the year as --MM-DD, the form ISO 8601 and vCard (RFC 6350)
// give a date without its year.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Yearless() {
		return fmt.Sprintf("--%02d-%02d", d.Month, d.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText writes d as String does so JSON carries dates as plain strings.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// unreadable is what UnmarshalText makes of a text that is no date: not
// zero and not Valid, so validation names the field ("birthday") in its
// problem, which a decoding error could not.
var unreadable = Date{Day: -1}

// UnmarshalText reads what MarshalText wrote and the forms ParseYearlyDate
// reads; an empty text is the zero Date, any other text decodes to a Date
// that is not ValidYearly. A field that must be a real day refuses a day of
// the year as it refuses any date that is not Valid.
func (d *Date) UnmarshalText(text []byte) error {
	*d = Date{}
	if len(text) > 0 {
		parsed, err := ParseYearlyDate(string(text))
		if err != nil {
			parsed = unreadable
		}
		*d = parsed
	}
	return nil
}
