package party

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestADateWithoutAYearIsReadInTheISOFormAndDayFirst(t *testing.T) {
	teachers := Date{Month: time.November, Day: 20}
	tests := []struct {
		in   string
		want Date
	}{
		{"--11-20", teachers},
		{"20/11", teachers},
		{"20-11", teachers},
		{"20.11", teachers},
		{" 20/11 ", teachers},
		{"8/3", Date{Month: time.March, Day: 8}},
		{"08/03", Date{Month: time.March, Day: 8}},
		{"--02-29", Date{Month: time.February, Day: 29}},
		{"29/2", Date{Month: time.February, Day: 29}},
		// With its year a date stays a full date.
		{"20/11/2014", Date{2014, time.November, 20}},
		{"2014-11-20", Date{2014, time.November, 20}},
		{"20.11.2014", Date{2014, time.November, 20}},
	}
	for _, tt := range tests {
		if got, err := ParseYearlyDate(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseYearlyDate(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestADayNoYearHasAndANumberAloneAreNoDateWithoutAYear(t *testing.T) {
	for _, in := range []string{"31/02", "30/2", "--02-30", "--13-01", "32/01", "00/05", "20/13", "--1120", "2011", "1120", "20", "20/11/", "/11", "11-2014", "20 11"} {
		if got, err := ParseYearlyDate(in); !errors.Is(err, ErrInvalidYearlyDate) {
			t.Errorf("ParseYearlyDate(%q) = %+v, %v; want ErrInvalidYearlyDate", in, got, err)
		}
	}
	// A follow-up or a custom date needs its year.
	for _, in := range []string{"20/11", "--11-20"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %+v: a day of the year read as a day", in, got)
		}
	}
}

func TestADateWithoutAYearIsWrittenAsISOWritesIt(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{Month: time.November, Day: 20}, "--11-20"},
		{Date{Month: time.March, Day: 8}, "--03-08"},
		{Date{Month: time.February, Day: 29}, "--02-29"},
		{Date{2014, time.November, 20}, "2014-11-20"},
		{Date{}, ""},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.want)
		}
		b, err := json.Marshal(ImportantDate{Label: "x", Date: tt.d})
		var back ImportantDate
		if err == nil {
			err = json.Unmarshal(b, &back)
		}
		if err != nil || back.Date != tt.d {
			t.Errorf("%+v travelled through JSON as %s and came back %+v, %v", tt.d, b, back.Date, err)
		}
	}
}

func TestOnlyARealDayIsValidAndADayOfTheYearIsValidYearly(t *testing.T) {
	tests := []struct {
		d             Date
		valid, yearly bool
	}{
		{Date{2014, time.November, 20}, true, true},
		{Date{Month: time.November, Day: 20}, false, true},
		{Date{Month: time.February, Day: 29}, false, true},
		{Date{2027, time.February, 29}, false, false},
		{Date{Month: time.February, Day: 30}, false, false},
		{Date{Month: time.April, Day: 31}, false, false},
		{unreadable, false, false},
		{Date{}, false, false},
	}
	for _, tt := range tests {
		if tt.d.Valid() != tt.valid || tt.d.ValidYearly() != tt.yearly {
			t.Errorf("%+v: Valid %v, ValidYearly %v; want %v, %v", tt.d, tt.d.Valid(), tt.d.ValidYearly(), tt.valid, tt.yearly)
		}
	}
}

func TestADateWithoutAYearIsARemindersDay(t *testing.T) {
	p := Person{Birthday: Date{Month: time.February, Day: 29}, ImportantDates: []ImportantDate{
		{Label: "Ngày nhà giáo", Date: Date{Month: time.November, Day: 20}},
		{Label: "Ngày cưới", Date: Date{2010, time.November, 20}},
	}}
	if got, want := p.ReminderDays(), []MonthDay{229, 1120}; !slices.Equal(got, want) {
		t.Errorf("ReminderDays = %v, want %v", got, want)
	}
}

// A day of the year is in no year: 31 December is not after today, nor
// 1 January before 1900.
func TestABirthdayWithoutAYearIsNeitherAheadNorTooEarly(t *testing.T) {
	for _, b := range []Date{{Month: time.December, Day: 31}, {Month: time.January, Day: 1}, {Month: time.February, Day: 29}} {
		p, err := NewPerson(Person{FullName: "Lê Văn C", Birthday: b, ImportantDates: []ImportantDate{{"Ngày nhà giáo", b}}}, now)
		if err != nil || p.Birthday != b || p.ImportantDates[0].Date != b {
			t.Errorf("birthday %s: %+v, %v", b, p, err)
		}
	}
	_, err := NewPerson(Person{FullName: "Lê Văn C", Birthday: Date{Month: time.February, Day: 30},
		ImportantDates: []ImportantDate{{"Ngày nhà giáo", Date{Month: time.April, Day: 31}}}}, now)
	var v *ValidationError
	if !errors.As(err, &v) || !slices.Equal(v.Fields, []FieldError{
		{"birthday", ErrInvalidYearlyDate.Error()}, {"important_dates[0].date", ErrInvalidYearlyDate.Error()}}) {
		t.Errorf("30 February, 31 April without a year: %v", err)
	}
}

func TestABirthdayWithoutAYearAgreesWithTheSameDayWithItsYear(t *testing.T) {
	yearless, dated := Date{Month: time.November, Day: 20}, Date{1990, time.November, 20}
	tests := []struct {
		name             string
		survivor, merged Date
		want             Date
	}{
		{"the survivor's lacks the year", yearless, dated, dated},
		{"the merged one's lacks the year", dated, yearless, dated},
		{"both lack it", yearless, yearless, yearless},
		{"the survivor has none", Date{}, yearless, yearless},
	}
	for _, tt := range tests {
		s := Person{ID: "p1", FullName: "Nguyễn Văn An", Birthday: tt.survivor}
		m := Person{ID: "p2", FullName: "Nguyễn Văn An", Birthday: tt.merged}
		if c := PersonConflicts(s, m); len(c) != 0 {
			t.Errorf("%s: conflicts %+v", tt.name, c)
		}
		if got, err := MergePerson(s, m, nil); err != nil || got.Birthday != tt.want {
			t.Errorf("%s: birthday %v, %v; want %v", tt.name, got.Birthday, err, tt.want)
		}
	}
	s := Person{ID: "p1", FullName: "Nguyễn Văn An", Birthday: yearless}
	m := Person{ID: "p2", FullName: "Nguyễn Văn An", Birthday: Date{1990, time.November, 21}}
	if c := PersonConflicts(s, m); len(c) != 1 || c[0].Field != "birthday" {
		t.Errorf("20/11 and 1990-11-21: conflicts %+v", c)
	}
	if got, err := MergePerson(s, m, Keep{"birthday": KeepSurvivor}); err != nil || got.Birthday != yearless {
		t.Errorf("kept the survivor's 20/11: %v, %v", got.Birthday, err)
	}
}
