package importing

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// cellYearlyDate reads a birthday cell: a date as cellDate reads it, or a
// day of the year without its year typed as text ("20/11", "--11-20"). A
// workbook's date cell always has its year: it arrives as a serial number,
// and a number taken for one is never a day of the year.
func (v *rowValues) cellYearlyDate(s string) (party.Date, error) {
	if d, err := party.ParseYearlyDate(s); err == nil {
		if d.Yearless() && v.c.opts.Workbook && droppedZero.MatchString(s) {
			return party.Date{}, droppedZeroError(s)
		}
		return d, nil
	}
	d, err := v.cellDate(s)
	return d, yearly(err)
}

// parseYearlyCellDate reads an important date's date as typed: a date as
// parseCellDate reads it, or a day of the year without its year.
func parseYearlyCellDate(s string) (party.Date, error) {
	if d, err := party.ParseYearlyDate(s); err == nil {
		return d, nil
	}
	d, err := parseCellDate(s)
	return d, yearly(err)
}

// yearly makes a refusal of a date name the forms a yearly date may also
// take, without its year.
func yearly(err error) error {
	var bare numberNotDateError
	switch {
	case errors.Is(err, party.ErrInvalidDate):
		return party.ErrInvalidYearlyDate
	case errors.As(err, &bare):
		bare.yearly = true
		return bare
	}
	return err
}

// droppedZero matches a day and month written with a dot and the month
// 1: in a workbook that may be a number cell typed 20.10, which the
// workbook saves as 20.1, and reading it as January would be a silent
// error of nine months.
var droppedZero = regexp.MustCompile(`^\s*\d{1,2}\.1\s*$`)

// droppedZeroError refuses a day of the year droppedZero matches.
type droppedZeroError string

func (e droppedZeroError) Error() string {
	s := strings.TrimSpace(string(e))
	day, _, _ := strings.Cut(s, ".")
	return fmt.Sprintf("%s may be a number whose last zero the workbook dropped (%s.10 is saved as %s): "+
		"write the day and month as text, %s/10 or %s/01", s, day, s, day, day)
}
