package importing

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/party"
)

func TestANumberCellIsReadAsItsWriterMeantItOrRefused(t *testing.T) {
	for cell, want := range map[string]float64{
		"850": 850, "1 250": 1250, "1\u00a0250": 1250, "12.500.000": 12500000, "1,250,000": 1250000,
		"2,5": 2.5, "1,25": 1.25, "1.5": 1.5, "0.25": 0.25, "1.2500": 1.25, "-5": -5, " 42 ": 42,
	} {
		if got, err := readNumber(cell, false); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", cell, got, err, want)
		}
	}
	for cell, why := range map[string]string{
		"1.250":   "could be a number with its thousands apart or a decimal",
		"1,250":   "could be a number with its thousands apart or a decimal",
		"-12.500": "could be a number with its thousands apart or a decimal",
		"nhiều":   `"nhiều" is not a number`,
		"NaN":     "is not a number",
		"1.250,5": "is not a number",
	} {
		if _, err := readNumber(cell, false); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v, want %q", cell, err, why)
		}
	}
}

// A whole number cannot be 1.25: an ambiguous cell of a whole-number field
// is refused suggesting only the number with its thousands apart, and the
// same cell of a field that may hold decimals suggests both.
func TestAnAmbiguousWholeNumberIsSuggestedOnlyWithoutItsSeparator(t *testing.T) {
	for _, tt := range []struct {
		cell  string
		whole bool
		want  string
	}{
		{"1.250", true, `"1.250" could be a number with its thousands apart or a decimal, and a whole number is wanted: write it without the separator (1250)`},
		{"1,250", true, `"1,250" could be a number with its thousands apart or a decimal, and a whole number is wanted: write it without the separator (1250)`},
		{"-12.500", true, `"-12.500" could be a number with its thousands apart or a decimal, and a whole number is wanted: write it without the separator (-12500)`},
		{" 1.250 ", true, `" 1.250 " could be a number with its thousands apart or a decimal, and a whole number is wanted: write it without the separator (1250)`},
		{"1.250", false, `"1.250" could be a number with its thousands apart or a decimal: write it without the separator (1250), or with two decimals (1,25)`},
	} {
		if _, err := readNumber(tt.cell, tt.whole); err == nil || err.Error() != tt.want {
			t.Errorf("%q (whole %v): %v, want %q", tt.cell, tt.whole, err, tt.want)
		}
	}
	for cell, want := range map[string]float64{"1250": 1250, "1.250.000": 1250000, "1 250": 1250} {
		if got, err := readNumber(cell, true); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", cell, got, err, want)
		}
	}
}

// "1.250" in a school's student count, a whole number, is refused in its
// column, not stored as 1.25 students, suggesting 1250 alone.
func TestAnAmbiguousNumberIsReportedInItsColumn(t *testing.T) {
	schema := party.CustomFieldSchema{party.KindSchool: {{Name: "student_count", Type: party.FieldNumber, Integer: true}}}
	mapping := DefaultMapping().With(map[string]Field{"Số học sinh": CustomField("student_count")})
	c := NewChecker(Options{Mapping: mapping, Schema: schema})
	_, problems := c.Organisation(Row{Line: 3, Cells: []Cell{{"Tên đơn vị", "Trường A"}, {"Loại", "school"}, {"Số học sinh", "1.250"}}})
	want := []Problem{{Row: 3, Column: "Số học sinh", Message: `"1.250" could be a number with its thousands apart or a decimal, and a whole number is wanted: write it without the separator (1250)`}}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems %+v", problems)
	}
	got, problems := c.Organisation(Row{Line: 4, Cells: []Cell{{"Tên đơn vị", "Trường B"}, {"Loại", "school"}, {"Số học sinh", "1.250.000"}}})
	if problems != nil || got.CustomFields["student_count"] != 1250000.0 {
		t.Errorf("1.250.000: %v %+v", got.CustomFields, problems)
	}
}
