package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/readiness"
)

// SeedChecklist stores the readiness package's templates as data, keeping
// what an admin already changed.
func SeedChecklist(ctx context.Context, db DB) error {
	sets := map[string][]readiness.Item{"common": readiness.CommonItems(), "in_person": readiness.InPersonItems(), "online": readiness.OnlineItems()}
	for mode, items := range sets {
		for i, it := range items {
			if _, err := db.Exec(ctx, `INSERT INTO checklist_item (mode, key, position, section, label_vi, label_en, kind, required)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (mode, key) DO NOTHING`,
				mode, it.Key, i, it.Section, it.LabelVI, it.LabelEN, string(it.Kind), it.Required); err != nil {
				return fmt.Errorf("seed checklist: %w", err)
			}
		}
	}
	return nil
}

// ChecklistItems is the checklist of a delivery mode: common items first.
func ChecklistItems(ctx context.Context, db DB, mode string) ([]readiness.Item, error) {
	rows, _ := db.Query(ctx, `SELECT key, section, label_vi, label_en, kind, required FROM checklist_item
WHERE mode = 'common' OR mode = $1 ORDER BY mode = 'common' DESC, position`, mode)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (readiness.Item, error) {
		var it readiness.Item
		err := r.Scan(&it.Key, &it.Section, &it.LabelVI, &it.LabelEN, &it.Kind, &it.Required)
		return it, err
	})
}

// InsertCheck records an answer to a checklist item.
func InsertCheck(ctx context.Context, db DB, courseID string, c readiness.Check) error {
	_, err := db.Exec(ctx, `INSERT INTO checklist_check (course_id, key, ok, count, text, photo_url, note, checked_by, checked_at)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, courseID, c.Key, c.OK, c.Count, c.Text, c.PhotoURL, c.Note, c.CheckedBy, c.CheckedAt)
	return err
}

// Checks lists a course's answers in the order given.
func Checks(ctx context.Context, db DB, courseID string) ([]readiness.Check, error) {
	rows, _ := db.Query(ctx, `SELECT key, ok, count, text, photo_url, note, checked_by, checked_at FROM checklist_check
WHERE course_id = $1 ORDER BY id`, courseID)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (readiness.Check, error) {
		var c readiness.Check
		err := r.Scan(&c.Key, &c.OK, &c.Count, &c.Text, &c.PhotoURL, &c.Note, &c.CheckedBy, &c.CheckedAt)
		return c, err
	})
}

// InsertReport stores a session report; absences are passed already encoded.
func InsertReport(ctx context.Context, db DB, id, courseID, sessionID, by string, at time.Time, absent any,
	spoke *bool, reason, difficulties string, pct *int, progress string, escalate bool, escalation string) error {
	_, err := db.Exec(ctx, `INSERT INTO session_report (id, course_id, session_id, reported_by, reported_at, absent_units, supervisor_spoke,
supervisor_reason, difficulties, data_entry_percent, progress, escalate, escalation) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		id, courseID, sessionID, by, at, absent, spoke, reason, difficulties, pct, progress, escalate, escalation)
	return err
}

// TaskRow is a follow-up task.
type TaskRow struct {
	ID        string     `db:"id" json:"id"`
	CourseID  string     `db:"course_id" json:"course_id"`
	Kind      string     `db:"kind" json:"kind"`
	OwnerRole string     `db:"owner_role" json:"owner_role"`
	OwnerID   string     `db:"owner_id" json:"owner_id"`
	Due       time.Time  `db:"due" json:"due"`
	Required  bool       `db:"required" json:"required"`
	Status    string     `db:"status" json:"status"`
	DoneBy    *string    `db:"done_by" json:"done_by,omitempty"`
	DoneAt    *time.Time `db:"done_at" json:"done_at,omitempty"`
	// Note is what the completion said ("đã ký"); a reopening clears it.
	Note    string       `db:"note" json:"note,omitempty"`
	History []TaskChange `db:"-" json:"history"`
}

const taskCols = `id, course_id, kind, owner_role, owner_id, due, required, status, done_by, done_at, note`

// InsertTask creates a task.
func InsertTask(ctx context.Context, db DB, t TaskRow) error {
	_, err := db.Exec(ctx, `INSERT INTO task (id, course_id, kind, owner_role, owner_id, due, required, status) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		t.ID, t.CourseID, t.Kind, t.OwnerRole, t.OwnerID, t.Due, t.Required, t.Status)
	return err
}

// LoadTask reads and locks a task.
func LoadTask(ctx context.Context, db DB, id string) (TaskRow, error) {
	return one[TaskRow](ctx, db, "task "+id, `SELECT `+taskCols+` FROM task WHERE id = $1 FOR UPDATE`, id)
}

// CompleteTask marks a task done with the completion's note.
func CompleteTask(ctx context.Context, db DB, id, by string, at time.Time, note string) error {
	_, err := db.Exec(ctx, `UPDATE task SET status = 'done', done_by = $2, done_at = $3, note = $4 WHERE id = $1`, id, by, at, note)
	return err
}

// DomainTasks lists a course's tasks in the course package's form.
func DomainTasks(ctx context.Context, db DB, courseID string) ([]course.Task, error) {
	ts, err := Tasks(ctx, db, course.TaskFilter{CourseID: courseID}, time.Time{}, "", 1000)
	if err != nil {
		return nil, err
	}
	out := make([]course.Task, len(ts))
	for i, t := range ts {
		out[i] = course.Task{ID: t.ID, CourseID: t.CourseID, Kind: course.TaskKind(t.Kind), Owner: course.Role(t.OwnerRole), Due: t.Due,
			Required: t.Required, Status: course.TaskStatus(t.Status)}
	}
	return out, nil
}

// Fire records that a time-based check fired for key; it returns false when
// it already had (here or in another replica), so the caller emits nothing.
func Fire(ctx context.Context, db DB, check, key string, at time.Time) (bool, error) {
	tag, err := db.Exec(ctx, `INSERT INTO scheduler_firing (check_name, key, fired_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, check, key, at)
	if err != nil {
		return false, fmt.Errorf("fire %s %s: %w", check, key, err)
	}
	return tag.RowsAffected() == 1, nil
}

// CoursesDue lists courses in one of states whose first session is in [from, to].
func CoursesDue(ctx context.Context, db DB, states []string, from, to string) ([]Course, error) {
	rows, _ := db.Query(ctx, `SELECT `+courseCols+` FROM course WHERE state = ANY($1) AND first_session BETWEEN $2 AND $3 ORDER BY id`, states, from, to)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Course])
}

// OverdueTasks lists open tasks due before now.
func OverdueTasks(ctx context.Context, db DB, now time.Time) ([]TaskRow, error) {
	rows, _ := db.Query(ctx, `SELECT `+taskCols+` FROM task WHERE status = 'open' AND due < $1 ORDER BY due LIMIT 500`, now)
	return pgx.CollectRows(rows, pgx.RowToStructByName[TaskRow])
}
