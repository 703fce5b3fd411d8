package party

import (
	"slices"
	"testing"
	"time"
)

func TestReminderDaysAreTheBirthdayAndImportantDatesOnce(t *testing.T) {
	p := Person{Birthday: Date{1985, time.March, 2}, ImportantDates: []ImportantDate{
		{Label: "Ngày cưới", Date: Date{2010, time.October, 10}},
		{Label: "Con vào lớp 1", Date: Date{2019, time.September, 5}},
		{Label: "Sinh nhật (trùng)", Date: Date{1990, time.March, 2}},
	}}
	if got, want := p.ReminderDays(), []MonthDay{302, 905, 1010}; !slices.Equal(got, want) {
		t.Errorf("ReminderDays = %v, want %v", got, want)
	}
	if got := (Person{}).ReminderDays(); len(got) != 0 {
		t.Errorf("a person without dates has reminder days %v", got)
	}
}

// daysAhead returns the days of the year of the window of days from today,
// sorted.
func daysAhead(today Date, days int) []MonthDay {
	var out []MonthDay
	for _, d := range Window(today, days) {
		out = append(out, d.Day)
	}
	slices.Sort(out)
	return out
}

func TestAWindowCrossesMonthsAndYears(t *testing.T) {
	tests := []struct {
		today Date
		days  int
		want  []MonthDay
	}{
		{Date{2026, time.November, 2}, 3, []MonthDay{1102, 1103, 1104}},
		{Date{2026, time.December, 30}, 4, []MonthDay{101, 102, 1230, 1231}},
		{Date{2026, time.January, 31}, 2, []MonthDay{131, 201}},
		{Date{2026, time.November, 2}, 0, nil},
	}
	for _, tt := range tests {
		if got := daysAhead(tt.today, tt.days); !slices.Equal(got, tt.want) {
			t.Errorf("Window(%v, %d) = %v, want %v", tt.today, tt.days, got, tt.want)
		}
	}
}

func TestALeapDayReminderFallsOnTheLastDayOfFebruaryInOtherYears(t *testing.T) {
	common := daysAhead(Date{2027, time.February, 27}, 2) // 27, 28 February 2027
	if !slices.Contains(common, 229) {
		t.Errorf("2027 window %v misses 29 February birthdays", common)
	}
	leap := daysAhead(Date{2028, time.February, 27}, 2) // 27, 28 February 2028
	if slices.Contains(leap, 229) {
		t.Errorf("2028 window %v remembers 29 February a day early", leap)
	}
	if got := daysAhead(Date{2028, time.February, 29}, 1); !slices.Equal(got, []MonthDay{229}) {
		t.Errorf("29 February 2028 = %v", got)
	}
}

func TestAWindowIsAtMostAYear(t *testing.T) {
	if n := len(daysAhead(Date{2026, time.January, 1}, 10_000)); n != 366 {
		t.Errorf("a year's window holds %d days, want 366 (29 February included)", n)
	}
}
