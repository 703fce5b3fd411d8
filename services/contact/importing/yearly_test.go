package importing

import (
	"reflect"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// A text cell "20/11" is Teachers' Day of no year; a workbook's date cell
// (its serial) and a date typed with its year keep the year.
func TestABirthdayCellWithoutAYearIsADayOfTheYear(t *testing.T) {
	teachers := party.Date{Month: time.November, Day: 20}
	dated := party.Date{Year: 2014, Month: time.November, Day: 20}
	tests := []struct {
		cell     string
		workbook bool
		want     party.Date
	}{
		{"20/11", false, teachers},
		{"20/11", true, teachers},
		{"--11-20", false, teachers},
		{"--11-20", true, teachers},
		{"20-11", false, teachers},
		{"20.11", false, teachers},
		{"20.11", true, teachers}, // a number cell typed 20.11 means it too
		{"20/11/2014", false, dated},
		{"20/11/2014", true, dated},
		{"2014-11-20", false, dated},
		{"41963", true, dated}, // the serial of a date cell
	}
	for _, tt := range tests {
		p, problems := NewChecker(Options{Workbook: tt.workbook}).Person(Row{Line: 2, Cells: []Cell{
			{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", tt.cell}}})
		if problems != nil || p.Birthday != tt.want {
			t.Errorf("%q (workbook %v): %+v, %+v; want %v", tt.cell, tt.workbook, p.Birthday, problems, tt.want)
		}
	}
}

func TestImportantDatesMayLackTheirYear(t *testing.T) {
	p, problems := NewChecker(Options{}).Person(Row{Line: 2, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"},
		{"Ngày quan trọng", "Ngày nhà giáo: 20/11; Ngày cưới: 20/06/2015; Quốc tế phụ nữ: --03-08"}}})
	want := []party.ImportantDate{
		{Label: "Ngày nhà giáo", Date: party.Date{Month: time.November, Day: 20}},
		{Label: "Ngày cưới", Date: party.Date{Year: 2015, Month: time.June, Day: 20}},
		{Label: "Quốc tế phụ nữ", Date: party.Date{Month: time.March, Day: 8}},
	}
	if problems != nil || !reflect.DeepEqual(p.ImportantDates, want) {
		t.Errorf("important dates %+v, problems %+v", p.ImportantDates, problems)
	}
}

// A number alone is no day of the year: 2011 is not 20/11, nor 1120; and
// 20.1 in a workbook may be 20.10 with its zero dropped.
func TestANumberAloneIsNoBirthdayWithoutAYear(t *testing.T) {
	tests := []struct {
		cell     string
		workbook bool
		want     string
	}{
		{"2011", false, "2011 is a year alone: a date needs day, month and year, as dd/mm/2011"},
		{"2011", true, "2011 is a year alone: a date needs day, month and year, as dd/mm/2011"},
		{"1120", false, "1120 is a number, not a date: write the date as dd/mm/yyyy, or dd/mm without its year"},
		{"20.1", true, "20.1 may be a number whose last zero the workbook dropped (20.10 is saved as 20.1): write the day and month as text, 20/10 or 20/01"},
		{"31/02", false, `holds "31/02", which ` + party.ErrInvalidYearlyDate.Error()},
		{"--02-30", true, `holds "--02-30", which ` + party.ErrInvalidYearlyDate.Error()},
	}
	for _, tt := range tests {
		_, problems := NewChecker(Options{Workbook: tt.workbook}).Person(Row{Line: 2, Cells: []Cell{
			{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", tt.cell}}})
		if want := []Problem{{Row: 2, Column: "Ngày sinh", Message: tt.want}}; !reflect.DeepEqual(problems, want) {
			t.Errorf("%q (workbook %v): problems %+v, want %+v", tt.cell, tt.workbook, problems, want)
		}
	}
	// In a CSV file 20.1 was typed so: 20 January.
	p, problems := NewChecker(Options{}).Person(Row{Line: 2, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", "20.1"}}})
	if problems != nil || p.Birthday != (party.Date{Month: time.January, Day: 20}) {
		t.Errorf("20.1 in a CSV file: %v, %+v", p.Birthday, problems)
	}
}
