package party

import (
	"slices"
	"testing"
	"time"
)

func TestUpcomingDatesSayWhichDateFallsWhenAndTheAgeTurned(t *testing.T) {
	leapling := Date{2000, time.February, 29}
	wedding := ImportantDate{Label: "Ngày cưới", Date: Date{2010, time.December, 30}}
	school := ImportantDate{Label: "Con vào lớp 1", Date: Date{2019, time.January, 3}}
	tests := []struct {
		name  string
		p     Person
		today Date
		days  int
		want  []Upcoming
	}{
		{"29 February in a year without it falls on the 28th", Person{Birthday: leapling}, Date{2027, time.February, 25}, 7,
			[]Upcoming{{Kind: UpcomingBirthday, Date: leapling, On: Date{2027, time.February, 28}, InDays: 3, Turns: 27}}},
		{"29 February in a leap year falls on the 29th", Person{Birthday: leapling}, Date{2028, time.February, 25}, 7,
			[]Upcoming{{Kind: UpcomingBirthday, Date: leapling, On: Date{2028, time.February, 29}, InDays: 4, Turns: 28}}},
		{"29 February is not due early in a leap year", Person{Birthday: leapling}, Date{2028, time.February, 22}, 7, nil},
		{"29 February falls on 28 February when that is today", Person{Birthday: leapling}, Date{2027, time.February, 28}, 1,
			[]Upcoming{{Kind: UpcomingBirthday, Date: leapling, On: Date{2027, time.February, 28}, InDays: 0, Turns: 27}}},
		{"a window from 28 December crosses into January, soonest first",
			Person{Birthday: Date{1990, time.January, 2}, ImportantDates: []ImportantDate{school, wedding, {Label: "Hết hợp đồng", Date: Date{2020, time.January, 4}}}},
			Date{2026, time.December, 28}, 7, []Upcoming{
				{Kind: UpcomingImportantDate, Label: "Ngày cưới", Date: wedding.Date, On: Date{2026, time.December, 30}, InDays: 2},
				{Kind: UpcomingBirthday, Date: Date{1990, time.January, 2}, On: Date{2027, time.January, 2}, InDays: 5, Turns: 37},
				{Kind: UpcomingImportantDate, Label: "Con vào lớp 1", Date: school.Date, On: Date{2027, time.January, 3}, InDays: 6},
			}},
		{"today is included, at 0 days", Person{Birthday: Date{1975, time.November, 2}}, Date{2026, time.November, 2}, 1,
			[]Upcoming{{Kind: UpcomingBirthday, Date: Date{1975, time.November, 2}, On: Date{2026, time.November, 2}, InDays: 0, Turns: 51}}},
		{"the day of birth is no birthday yet: no age", Person{Birthday: Date{2026, time.November, 2}}, Date{2026, time.November, 2}, 7,
			[]Upcoming{{Kind: UpcomingBirthday, Date: Date{2026, time.November, 2}, On: Date{2026, time.November, 2}}}},
		{"on one day, the birthday first, then the important dates in their order",
			Person{Birthday: Date{1985, time.November, 5}, ImportantDates: []ImportantDate{
				{Label: "Ngày cưới", Date: Date{2010, time.November, 5}}, {Label: "Ngày nhập học", Date: Date{2020, time.November, 5}}}},
			Date{2026, time.November, 2}, 7, []Upcoming{
				{Kind: UpcomingBirthday, Date: Date{1985, time.November, 5}, On: Date{2026, time.November, 5}, InDays: 3, Turns: 41},
				{Kind: UpcomingImportantDate, Label: "Ngày cưới", Date: Date{2010, time.November, 5}, On: Date{2026, time.November, 5}, InDays: 3},
				{Kind: UpcomingImportantDate, Label: "Ngày nhập học", Date: Date{2020, time.November, 5}, On: Date{2026, time.November, 5}, InDays: 3},
			}},
		{"yesterday's date falls next year, beyond a week", Person{Birthday: Date{1985, time.November, 1}}, Date{2026, time.November, 2}, 7, nil},
		{"and within a year's window", Person{Birthday: Date{1985, time.November, 1}}, Date{2026, time.November, 2}, 366,
			[]Upcoming{{Kind: UpcomingBirthday, Date: Date{1985, time.November, 1}, On: Date{2027, time.November, 1}, InDays: 364, Turns: 42}}},
		{"a date a year's window holds twice is listed once, at the soonest", Person{Birthday: Date{1985, time.November, 2}}, Date{2026, time.November, 2}, 366,
			[]Upcoming{{Kind: UpcomingBirthday, Date: Date{1985, time.November, 2}, On: Date{2026, time.November, 2}, Turns: 41}}},
		{"an important date still ahead falls on its day every year", Person{ImportantDates: []ImportantDate{{Label: "Hết hợp đồng", Date: Date{2027, time.November, 5}}}},
			Date{2026, time.November, 2}, 7, []Upcoming{{Kind: UpcomingImportantDate, Label: "Hết hợp đồng", Date: Date{2027, time.November, 5}, On: Date{2026, time.November, 5}, InDays: 3}}},
		{"a date without a year falls on its day", Person{ImportantDates: []ImportantDate{{Label: "Giỗ", Date: Date{Month: time.November, Day: 3}}}}, Date{2026, time.November, 2}, 7,
			[]Upcoming{{Kind: UpcomingImportantDate, Label: "Giỗ", Date: Date{Month: time.November, Day: 3}, On: Date{2026, time.November, 3}, InDays: 1}}},
		{"a birthday without a year turns no age", Person{Birthday: Date{Month: time.November, Day: 20}}, Date{2026, time.November, 2}, 30,
			[]Upcoming{{Kind: UpcomingBirthday, Date: Date{Month: time.November, Day: 20}, On: Date{2026, time.November, 20}, InDays: 18}}},
		{"29 February without a year falls on the 28th in a year without it", Person{Birthday: Date{Month: time.February, Day: 29}}, Date{2027, time.February, 25}, 7,
			[]Upcoming{{Kind: UpcomingBirthday, Date: Date{Month: time.February, Day: 29}, On: Date{2027, time.February, 28}, InDays: 3}}},
		{"a day no year has is none", Person{ImportantDates: []ImportantDate{{Label: "Giỗ", Date: Date{Month: time.February, Day: 30}}}}, Date{2027, time.February, 25}, 7, nil},
		{"no dates, none due", Person{}, Date{2026, time.November, 2}, 366, nil},
		{"an empty window holds nothing", Person{Birthday: Date{1975, time.November, 2}}, Date{2026, time.November, 2}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.UpcomingDates(tt.today, tt.days); !slices.Equal(got, tt.want) {
				t.Errorf("UpcomingDates(%v, %d)\n got %+v\nwant %+v", tt.today, tt.days, got, tt.want)
			}
		})
	}
}

func TestWindowGivesEachDayOfTheYearTheSoonestDayItFallsOn(t *testing.T) {
	tests := []struct {
		today Date
		days  int
		want  []DueDay
	}{
		{Date{2026, time.December, 30}, 4, []DueDay{{1230, Date{2026, time.December, 30}}, {1231, Date{2026, time.December, 31}},
			{101, Date{2027, time.January, 1}}, {102, Date{2027, time.January, 2}}}},
		{Date{2027, time.February, 27}, 3, []DueDay{{227, Date{2027, time.February, 27}}, {228, Date{2027, time.February, 28}},
			{229, Date{2027, time.February, 28}}, {301, Date{2027, time.March, 1}}}},
		{Date{2028, time.February, 28}, 2, []DueDay{{228, Date{2028, time.February, 28}}, {229, Date{2028, time.February, 29}}}},
	}
	for _, tt := range tests {
		if got := Window(tt.today, tt.days); !slices.Equal(got, tt.want) {
			t.Errorf("Window(%v, %d) = %v, want %v", tt.today, tt.days, got, tt.want)
		}
	}
	year := Window(Date{2026, time.November, 2}, MaxReminderWindow)
	if len(year) != 366 || year[0] != (DueDay{1102, Date{2026, time.November, 2}}) {
		t.Errorf("a year's window holds %d days from %v", len(year), year[0])
	}
}

// The list selects people by Window and sorts them by the soonest day it
// gives their days of the year; UpcomingDates, answered for each, must say
// the same: a date is upcoming exactly when its day is in the window, on
// the day the window gives it. Checked for every day of three years,
// leap year and year ends included.
func TestUpcomingDatesAgreeWithTheWindow(t *testing.T) {
	dates := []Date{{2000, time.February, 29}, {1990, time.February, 28}, {1990, time.March, 1}, {1990, time.January, 1},
		{1990, time.December, 31}, {1990, time.November, 2}, {1990, time.July, 15}}
	for day := (Date{2026, time.December, 1}).Start(time.UTC); day.Year() < 2029 || day.Month() < time.March; day = day.AddDate(0, 0, 1) {
		today := DateOf(day)
		for _, days := range []int{1, 7, 30, MaxReminderWindow} {
			on := map[MonthDay]Date{}
			for _, d := range Window(today, days) {
				on[d.Day] = d.On
			}
			for _, d := range dates {
				got := Person{Birthday: d}.UpcomingDates(today, days)
				want, in := on[monthDay(d)]
				if in != (len(got) == 1) || in && got[0].On != want {
					t.Fatalf("today %v, %d days: %v is upcoming as %+v; the window gives it %v (%v)", today, days, d, got, want, in)
				}
			}
		}
	}
}
