package party

import (
	"fmt"
	"slices"
)

// MonthDay is a day of the year without its year, written month*100+day
// (302 is 2 March): the day a yearly reminder such as a birthday falls on.
type MonthDay int16

// MaxReminderWindow is the longest reminder window (Window): a year.
const MaxReminderWindow = 366

// ReminderWindowRule says what a look-ahead of reminders (a list's
// dates_within) must be, in the one message every refusal of one gives,
// whether it is 0, out of range or no number at all.
func ReminderWindowRule() string {
	return fmt.Sprintf("must be a whole number of days from 1 to %d", MaxReminderWindow)
}

func monthDay(d Date) MonthDay { return MonthDay(int(d.Month)*100 + d.Day) }

// ReminderDays returns the days of the year of p's birthday and important
// dates, sorted and without repeats.
func (p Person) ReminderDays() []MonthDay {
	var out []MonthDay
	if p.Birthday.ValidYearly() {
		out = append(out, monthDay(p.Birthday))
	}
	for _, d := range p.ImportantDates {
		if d.Date.ValidYearly() {
			out = append(out, monthDay(d.Date))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func isLeap(year int) bool { return year%4 == 0 && (year%100 != 0 || year%400 == 0) }
