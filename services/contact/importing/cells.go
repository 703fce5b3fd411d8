package importing

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// What a spreadsheet does to a cell before the file reaches the import,
// which the file alone does not show: a number cell drops a leading 0, a
// long number is rounded to 15 digits, and a formula a program wrote has
// no value until a spreadsheet computes it. A value so lost is read back
// where it can be told, and refuses its row where it cannot.

// unsavedFormula says why a row is refused in a cell holding a formula
// with no value saved (Formulas).
const unsavedFormula = "holds a formula with no value saved (the file was written by a program, and only a spreadsheet computes formulas): " +
	"open the file in Excel and save it, then upload it again"

// unsavedFormulas refuses the row in each of its cells that holds a formula
// with no value saved (Options.Formulas) under a column feeding a field of
// r: read as blank, the cell would store no value, unannounced.
func (v *rowValues) unsavedFormulas(row Row, r Resource) {
	for _, i := range v.c.opts.Formulas[row.Line] {
		if i >= len(row.Headers) || row.Headers[i] == "" {
			continue
		}
		if col := v.c.column(row.Headers[i]); col.mapped && col.field != FieldNone && r.Has(col.field) {
			v.reported = append(v.reported, Problem{Row: row.Line, Column: row.Headers[i], Message: unsavedFormula})
		}
	}
}

// rounded is a number a spreadsheet wrote in scientific notation
// ("5.8964019538172E+18"), as it shows a long number kept as a number: its
// digits past the 15th are lost.
var rounded = regexp.MustCompile(`^\d(\.\d+)?[eE]\+\d+$`)

// zaloID returns the row's Zalo id. Zalo ids are numbers: the phone of the
// account, or the id Zalo gives it. A spreadsheet keeping a phone as a
// number drops its leading 0 ("912345001"), which is read back, as a
// phone's is (party.NormalizePhone reads a mobile without its 0): nine
// digits that are a Vietnamese mobile number once a 0 is put before them,
// which no id Zalo gives is. A long id kept as a number and rounded
// refuses the row: its digits are lost.
func (v *rowValues) zaloID() string {
	id := v.text(FieldZaloID)
	switch {
	case rounded.MatchString(id):
		v.report(FieldZaloID, fmt.Sprintf("holds %q, a number the spreadsheet rounded, so its last digits are lost: "+
			"format the column as text and type the Zalo id again", id))
	case len(id) == 9 && id[0] != '0' && strings.Trim(id, "0123456789") == "":
		if _, err := party.NormalizePhone("0" + id); err == nil && strings.ContainsRune("35789", rune(id[0])) {
			return "0" + id
		}
	}
	return id
}

// shownIn returns the texts the row's number cells show (Options.Shown),
// by their columns' headers.
func (c *Checker) shownIn(row Row) map[string]string {
	cols := c.opts.Shown[row.Line]
	if len(cols) == 0 {
		return nil
	}
	out := make(map[string]string, len(cols))
	for i, text := range cols {
		if i < len(row.Headers) && row.Headers[i] != "" {
			out[row.Headers[i]] = text
		}
	}
	return out
}

// show makes the text a number cell shows its value where f is read as
// text, as the user sees the cell: a code's zeros (00123), a Zalo id's or
// a tax code's 0, the decimals a note shows (12.50). A date field reads
// the number, a date cell's serial; a custom field keeps it for its type
// to be read (customFields).
func (v *rowValues) show(f Field, cell *Cell, text string) {
	switch f {
	case FieldBirthday, FieldImportantDates, FieldConsentEmail, FieldConsentSMS, FieldConsentZalo, FieldConsentPhone:
		return
	}
	if _, custom := f.custom(); custom {
		if v.numbers == nil {
			v.numbers = map[Field]string{}
		}
		v.numbers[f] = cell.Value
	}
	cell.Value = text
}
