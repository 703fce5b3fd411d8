package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/training/desklog"
	"github.com/rapportcrm/rapport/services/training/feedback"
)

// InsertFeedback stores a raised item with the first step of its history.
func InsertFeedback(ctx context.Context, db DB, it feedback.Item) error {
	ch := it.History[0]
	if _, err := db.Exec(ctx, `INSERT INTO feedback (id, course_id, unit_id, text, urgent, status, raised_by, raised_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		it.ID, it.CourseID, it.UnitID, it.Text, it.Urgent, string(it.Status), ch.By, ch.At); err != nil {
		return err
	}
	return InsertFeedbackChange(ctx, db, it.ID, 1, ch)
}

// InsertFeedbackChange appends one step of an item's history.
func InsertFeedbackChange(ctx context.Context, db DB, id string, step int, ch feedback.Change) error {
	_, err := db.Exec(ctx, `INSERT INTO feedback_change (feedback_id, step, from_status, to_status, by_user, at, note) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		id, step, string(ch.From), string(ch.To), ch.By, ch.At, ch.Note)
	return err
}

// SetFeedbackStatus moves an item.
func SetFeedbackStatus(ctx context.Context, db DB, id string, s feedback.Status) error {
	_, err := db.Exec(ctx, `UPDATE feedback SET status = $2 WHERE id = $1`, id, string(s))
	return err
}

// LoadFeedback reads an item with its history; forUpdate locks it.
func LoadFeedback(ctx context.Context, db DB, id string, forUpdate bool) (feedback.Item, error) {
	var it feedback.Item
	q := lockedIf(forUpdate, `SELECT id, course_id, unit_id, text, urgent, status FROM feedback WHERE id = $1`)
	err := db.QueryRow(ctx, q, id).Scan(&it.ID, &it.CourseID, &it.UnitID, &it.Text, &it.Urgent, &it.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return it, fmt.Errorf("feedback %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return it, err
	}
	rows, _ := db.Query(ctx, `SELECT from_status, to_status, by_user, at, note FROM feedback_change WHERE feedback_id = $1 ORDER BY step`, id)
	it.History, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedback.Change, error) {
		var c feedback.Change
		err := r.Scan(&c.From, &c.To, &c.By, &c.At, &c.Note)
		return c, err
	})
	return it, err
}

// InsertDeskLog stores a daily entry; a second entry of the same kind and day is a unique violation.
func InsertDeskLog(ctx context.Context, db DB, id string, e desklog.Entry) error {
	if e.Workload == nil {
		e.Workload = []desklog.Workload{}
	}
	if e.HandedOver == nil {
		e.HandedOver = []desklog.Handover{}
	}
	_, err := db.Exec(ctx, `INSERT INTO desk_log (id, kind, day, author_id, recorded_at, workload, handed_over, backlog, difficulties, proposals)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, id, string(e.Kind), e.Day.String(), e.AuthorID, e.RecordedAt, e.Workload, e.HandedOver,
		e.Backlog, e.Difficulties, e.Proposals)
	return err
}

// DeskLogRow is a stored entry.
type DeskLogRow struct {
	ID           string    `db:"id" json:"id"`
	Kind         string    `db:"kind" json:"kind"`
	Day          time.Time `db:"day" json:"-"`
	DayText      string    `db:"-" json:"day"`
	AuthorID     string    `db:"author_id" json:"author_id"`
	RecordedAt   time.Time `db:"recorded_at" json:"recorded_at"`
	Workload     any       `db:"workload" json:"workload"`
	HandedOver   any       `db:"handed_over" json:"handed_over"`
	Backlog      *int      `db:"backlog" json:"backlog"`
	Difficulties string    `db:"difficulties" json:"difficulties"`
	Proposals    string    `db:"proposals" json:"proposals"`
}

// DeskLogs lists entries, optionally of one day and author.
func DeskLogs(ctx context.Context, db DB, day, author, after string, limit int) ([]DeskLogRow, error) {
	rows, _ := db.Query(ctx, `SELECT `+deskLogCols+` FROM desk_log
WHERE ($1 = '' OR day = $1::date) AND ($2 = '' OR author_id = $2) AND id > $3 ORDER BY id LIMIT $4`, day, author, after, limit)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[DeskLogRow])
	for i := range out {
		out[i].DayText = Date(&out[i].Day).String()
	}
	return out, err
}
