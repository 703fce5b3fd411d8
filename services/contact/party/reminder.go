package party

import "slices"

// MonthDay is a day of the year without its year, written month*100+day
// (302 is 2 March): the day a yearly reminder such as a birthday falls on.
type MonthDay int16

// MaxReminderWindow is the longest reminder window (Window): a year.
const MaxReminderWindow = 366

func monthDay(d Date) MonthDay { return MonthDay(int(d.Month)*100 + d.Day) }

// ReminderDays returns the days of the year of p's birthday and important
// dates, sorted and without repeats.
func (p Person) ReminderDays() []MonthDay {
	var out []MonthDay
	if p.Birthday.Valid() {
		out = append(out, monthDay(p.Birthday))
	}
	for _, d := range p.ImportantDates {
		if d.Date.Valid() {
			out = append(out, monthDay(d.Date))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func isLeap(year int) bool { return year%4 == 0 && (year%100 != 0 || year%400 == 0) }
