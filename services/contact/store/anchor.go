package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A cursor names the row its page ended on by id alone (Position,
// SegmentPosition); the rest of that row's sort key, its folded name and
// the day its dates fall on, is read from the row when the next page is:
// inside the page's own statement, as a subquery Postgres runs once
// (anchorName), where the page is one statement; with the first query of
// a name search (wordCounts); and by a lookup of its own for the dates
// within a window, whose first query is chosen by that day
// (reminderAnchor). A row renamed since pages on from its new place, as a
// rename moves it in any list by name.
//
// Merged and deleted parties and deleted segments leave their tables
// (the merged id lives on as an alias, the deleted record in the
// party's history), so the place of a cursor naming one is unknown: that
// is ErrCursorGone, and the client starts again.

// ErrCursorGone is the error of a cursor naming a row no longer in its
// list: merged or deleted since its page was read, or (the dates within a
// window) with no date within the window any more.
var ErrCursorGone = errors.New("the record a cursor ends on is no longer in its list")

// anchorName is the folded name of the row of t whose id is the query
// argument id (a placeholder), in SQL: an uncorrelated subquery, run once
// per statement, whose value the name index's keyset condition uses as it
// would a constant.
func anchorName(t Type, id string) string {
	return "(SELECT search_name FROM " + string(t) + " WHERE id = " + id + "::uuid)"
}

// anchorLives is the condition that the row of table whose id is the
// query argument id still exists: without it, a list sorted by day would
// list the days after a gone row's and skip the rest of its own (a row
// comparison with a NULL name is true where the day alone decides), and
// with it, the page after a gone row is empty (checkAnchor).
func anchorLives(table, id string) string {
	return "EXISTS (SELECT 1 FROM " + table + " WHERE id = " + id + "::uuid)"
}

// checkAnchor returns ErrCursorGone if the row id of table is gone. It is
// asked only when a page read after the row came back empty: a gone row's
// page is empty (anchorLives), and so is the last page of a list, which
// this tells it from.
func checkAnchor(ctx context.Context, db DB, table, id string) error {
	var lives bool
	if err := db.QueryRow(ctx, "SELECT "+anchorLives(table, "$1"), id).Scan(&lives); err != nil {
		return fmt.Errorf("look up the %s a cursor ends on: %w", table, err)
	}
	if !lives {
		return ErrCursorGone
	}
	return nil
}

// reminderAnchor returns pos with the folded name of the person it names
// and the day the soonest of their dates falls on in f's window, which
// decides where the next page's reads start (searchByReminder). A person
// whose dates all left the window since has no place in the list: that
// is ErrCursorGone, as a gone row is.
func (f Filter) reminderAnchor(ctx context.Context, db DB, t Type, pos Position) (Position, error) {
	var day *time.Time
	err := db.QueryRow(ctx, `SELECT p.search_name, (`+soonest("$2", "$3")+`) FROM `+string(t)+` p WHERE p.id = $1::uuid`,
		pos.ID, f.ReminderDays, f.ReminderOn).Scan(&pos.Name, &day)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && day == nil {
		return pos, ErrCursorGone
	}
	if err != nil {
		return pos, fmt.Errorf("look up the %s a cursor ends on: %w", t, err)
	}
	pos.On, pos.unread = day.Format(time.DateOnly), false
	return pos, nil
}
