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
		if got, err := readNumber(cell); err != nil || got != want {
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
		if _, err := readNumber(cell); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v, want %q", cell, err, why)
		}
	}
}

// "1.250" in a school's student count is refused in its column, not
// stored as 1.25 students.
func TestAnAmbiguousNumberIsReportedInItsColumn(t *testing.T) {
	schema := party.CustomFieldSchema{party.KindSchool: {{Name: "student_count", Type: party.FieldNumber}}}
	mapping := DefaultMapping().With(map[string]Field{"Số học sinh": CustomField("student_count")})
	c := NewChecker(Options{Mapping: mapping, Schema: schema})
	_, problems := c.Organisation(Row{Line: 3, Cells: []Cell{{"Tên đơn vị", "Trường A"}, {"Loại", "school"}, {"Số học sinh", "1.250"}}})
	want := []Problem{{Row: 3, Column: "Số học sinh", Message: `"1.250" could be a number with its thousands apart or a decimal: write it without the separator (1250), or with two decimals (1,25)`}}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems %+v", problems)
	}
	got, problems := c.Organisation(Row{Line: 4, Cells: []Cell{{"Tên đơn vị", "Trường B"}, {"Loại", "school"}, {"Số học sinh", "1.250.000"}}})
	if problems != nil || got.CustomFields["student_count"] != 1250000.0 {
		t.Errorf("1.250.000: %v %+v", got.CustomFields, problems)
	}
}
