package store

import (
	"context"
	"fmt"
	"time"
)

// searchByReminder reads a page of the people whose dates fall within the
// window of f, by the day the soonest of them falls on, a few days at a
// time: the cursor's day (or the window's first) alone, then the next two
// days, the next four, and so on until the page is full or the window
// ends. Each read finds, through the GIN index on reminder_days, only the
// people with a date on its days, and sorts those: a page of a week's
// birthdays reads today's, not the week's, and one of a year's window
// reads a day's rather than sorting everyone with a date.
func searchByReminder(ctx context.Context, db DB, t Type, f Filter, after *Position, limit int) ([][]byte, []Position, error) {
	if after != nil && after.unread {
		a, err := f.reminderAnchor(ctx, db, t, *after)
		if err != nil {
			return nil, nil, err
		}
		after = &a
	}
	from := 0
	if after != nil {
		for from < len(f.ReminderOn) && f.ReminderOn[from].Format(time.DateOnly) < after.On {
			from++
		}
	}
	var docs [][]byte
	var pos []Position
	for span := 1; from < len(f.ReminderOn) && len(pos) < limit; span *= 2 {
		first := f.ReminderOn[from]
		to := from
		for to < len(f.ReminderOn) && f.ReminderOn[to].Before(first.AddDate(0, 0, span)) {
			to++
		}
		part := f
		part.reminderPart = f.ReminderDays[from:to]
		l := part.listing(t)
		// A person with a date in these days whose soonest is earlier
		// was listed by an earlier read, or before the cursor.
		l.where += " AND r.day >= " + l.arg(first) + "::date"
		if after != nil {
			l.after(t, f, *after)
		}
		d, p, err := l.page(ctx, db, f, limit-len(pos))
		if err != nil {
			return nil, nil, fmt.Errorf("search %s by reminder: %w", t, err)
		}
		docs, pos = append(docs, d...), append(pos, p...)
		from = to
	}
	return docs, pos, nil
}
