package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/training/course"
)

// Crew reads who works on a course: its lead and the people assigned to its
// sessions now.
func Crew(ctx context.Context, db DB, c Course) (course.Crew, error) {
	rows, _ := db.Query(ctx, `SELECT DISTINCT person_id FROM assignment WHERE course_id = $1 AND active ORDER BY person_id`, c.ID)
	staff, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return course.Crew{}, fmt.Errorf("crew of %s: %w", c.ID, err)
	}
	return course.Crew{CourseID: c.ID, LeadID: c.LeadID, Staff: staff}, nil
}

// ReportRow is a stored session report.
type ReportRow struct {
	ID               string          `db:"id" json:"id"`
	CourseID         string          `db:"course_id" json:"course_id"`
	SessionID        string          `db:"session_id" json:"session_id"`
	SessionDate      time.Time       `db:"session_date" json:"-"`
	SessionDay       string          `db:"-" json:"session_date"`
	HalfDay          string          `db:"half_day" json:"half_day"`
	ReportedBy       string          `db:"reported_by" json:"reported_by"`
	ReportedAt       time.Time       `db:"reported_at" json:"reported_at"`
	AbsentUnits      json.RawMessage `db:"absent_units" json:"absent_units"`
	SupervisorSpoke  *bool           `db:"supervisor_spoke" json:"supervisor_spoke"`
	SupervisorReason string          `db:"supervisor_reason" json:"supervisor_reason,omitempty"`
	Difficulties     string          `db:"difficulties" json:"difficulties,omitempty"`
	DataEntryPercent *int            `db:"data_entry_percent" json:"data_entry_percent"`
	Progress         string          `db:"progress" json:"progress"`
	Escalate         bool            `db:"escalate" json:"escalate"`
	Escalation       string          `db:"escalation" json:"escalation,omitempty"`
	ReplacedBy       *string         `db:"replaced_by" json:"replaced_by,omitempty"`
}

// Reports lists a course's session reports, of one session when sessionID is
// set, in session order; reports replaced before the one-per-session rule
// come with the one that replaced them.
func Reports(ctx context.Context, db DB, courseID, sessionID string) ([]ReportRow, error) {
	rows, _ := db.Query(ctx, `SELECT r.id, r.course_id, r.session_id, s.day AS session_date, s.half_day, r.reported_by, r.reported_at,
r.absent_units, r.supervisor_spoke, r.supervisor_reason, r.difficulties, r.data_entry_percent, r.progress, r.escalate, r.escalation, r.replaced_by
FROM session_report r JOIN session s ON s.id = r.session_id
WHERE r.course_id = $1 AND ($2 = '' OR r.session_id = $2) ORDER BY s.day, s.half_day DESC, r.reported_at, r.id`, courseID, sessionID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[ReportRow])
	if err != nil {
		return nil, fmt.Errorf("reports of %s: %w", courseID, err)
	}
	for i := range out {
		out[i].SessionDay = Date(&out[i].SessionDate).String()
	}
	return out, nil
}

// ReportOf is the id of a session's report, "" when it has none.
func ReportOf(ctx context.Context, db DB, sessionID string) (string, error) {
	var id string
	err := db.QueryRow(ctx, `SELECT id FROM session_report WHERE session_id = $1 AND replaced_by IS NULL`, sessionID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// AttendanceAt reads one unit's attendance at a session and locks it; ok is
// false when none was recorded yet.
func AttendanceAt(ctx context.Context, db DB, sessionID, unitID string) (a Attendance, ok bool, err error) {
	a, err = one[Attendance](ctx, db, "attendance", `SELECT session_id, course_id, unit_id, present, reason, recorded_by, recorded_at
FROM attendance WHERE session_id = $1 AND unit_id = $2 FOR UPDATE`, sessionID, unitID)
	if errors.Is(err, ErrNotFound) {
		return a, false, nil
	}
	return a, err == nil, err
}

// CourseAttendance lists a course's attendance, of one session when
// sessionID is set, by session then unit.
func CourseAttendance(ctx context.Context, db DB, courseID, sessionID string) ([]Attendance, error) {
	rows, _ := db.Query(ctx, `SELECT a.session_id, a.course_id, a.unit_id, a.present, a.reason, a.recorded_by, a.recorded_at
FROM attendance a JOIN session s ON s.id = a.session_id
WHERE a.course_id = $1 AND ($2 = '' OR a.session_id = $2) ORDER BY s.day, s.half_day DESC, a.unit_id`, courseID, sessionID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Attendance])
	if err != nil {
		return nil, fmt.Errorf("attendance of %s: %w", courseID, err)
	}
	return out, nil
}

// TaskChange is one step of a task's history.
type TaskChange struct {
	TaskID string    `db:"task_id" json:"-"`
	Action string    `db:"action" json:"action"`
	By     string    `db:"by_user" json:"by"`
	At     time.Time `db:"at" json:"at"`
	Note   string    `db:"note" json:"note,omitempty"`
}

// InsertTaskChange appends a step to a task's history.
func InsertTaskChange(ctx context.Context, db DB, c TaskChange) error {
	_, err := db.Exec(ctx, `INSERT INTO task_change (task_id, step, action, by_user, at, note)
SELECT $1, coalesce(max(step), 0) + 1, $2, $3, $4, $5 FROM task_change WHERE task_id = $1`, c.TaskID, c.Action, c.By, c.At, c.Note)
	if err != nil {
		return fmt.Errorf("history of task %s: %w", c.TaskID, err)
	}
	return nil
}

// TaskHistories reads the histories of tasks, by task id.
func TaskHistories(ctx context.Context, db DB, ids []string) (map[string][]TaskChange, error) {
	rows, _ := db.Query(ctx, `SELECT task_id, action, by_user, at, note FROM task_change WHERE task_id = ANY($1) ORDER BY task_id, step`, ids)
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByName[TaskChange])
	if err != nil {
		return nil, fmt.Errorf("task histories: %w", err)
	}
	out := make(map[string][]TaskChange, len(ids))
	for _, c := range cs {
		out[c.TaskID] = append(out[c.TaskID], c)
	}
	return out, nil
}

// ReopenTask marks a done task open again.
func ReopenTask(ctx context.Context, db DB, id string) error {
	_, err := db.Exec(ctx, `UPDATE task SET status = 'open', done_by = NULL, done_at = NULL, note = '' WHERE id = $1`, id)
	return err
}
