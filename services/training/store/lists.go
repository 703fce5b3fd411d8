package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/feedback"
)

// where is the WHERE clause of a list: only the filters given are written
// into the SQL, so each query is one Postgres plans with its index
// (migration 00007) rather than a catch-all "$1 = ” OR ..." that a cached
// generic plan would answer with a scan.
type where struct {
	conds []string
	args  []any
}

// add appends cond, whose one parameter is written $?, bound to arg.
func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(w.args))))
}

// page ends the query: after the cursor's id, by id, limit rows.
func (w *where) page(after string, limit int) string {
	w.add("id > $?", after)
	w.args = append(w.args, limit)
	return " WHERE " + strings.Join(w.conds, " AND ") + fmt.Sprintf(" ORDER BY id LIMIT $%d", len(w.args))
}

// ListCourses pages courses by id, narrowed by f.
func ListCourses(ctx context.Context, db DB, f course.CourseFilter, after string, limit int) ([]Course, error) {
	var w where
	if f.State != "" {
		w.add("state = $?", string(f.State))
	}
	if f.UnitID != "" {
		w.add("unit_ids @> ARRAY[$?::text]", f.UnitID) // @>, not = ANY, so the GIN index answers
	}
	if f.StaffID != "" {
		w.add("id IN (SELECT id FROM course WHERE lead_id = $? UNION SELECT course_id FROM assignment WHERE person_id = $?)", f.StaffID)
	}
	if f.ModuleCode != "" {
		w.add("module_code = $?", f.ModuleCode)
	}
	if !f.From.IsZero() {
		w.add("last_session >= $?::date", f.From.String())
	}
	if !f.To.IsZero() {
		w.add("first_session <= $?::date", f.To.String())
	}
	rows, _ := db.Query(ctx, `SELECT `+courseCols+` FROM course`+w.page(after, limit), w.args...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Course])
}

// Tasks pages tasks by id, narrowed by f; overdue is judged at now.
func Tasks(ctx context.Context, db DB, f course.TaskFilter, now time.Time, after string, limit int) ([]TaskRow, error) {
	var w where
	if f.CourseID != "" {
		w.add("course_id = $?", f.CourseID)
	}
	if f.Status != "" {
		w.add("status = $?", string(f.Status))
	}
	if f.OwnerID != "" {
		w.add("owner_id = $?", f.OwnerID)
	}
	if f.Overdue != nil {
		cond := "status = 'open' AND due < $?"
		if !*f.Overdue {
			cond = "NOT (status = 'open' AND due < $?)"
		}
		w.add(cond, now)
	}
	rows, _ := db.Query(ctx, `SELECT `+taskCols+` FROM task`+w.page(after, limit), w.args...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[TaskRow])
}

// FeedbackIDs pages item ids, narrowed by f.
func FeedbackIDs(ctx context.Context, db DB, f feedback.Filter, after string, limit int) ([]string, error) {
	var w where
	if f.CourseID != "" {
		w.add("course_id = $?", f.CourseID)
	}
	if f.Status != "" {
		w.add("status = $?", string(f.Status))
	}
	if f.UnitID != "" {
		w.add("unit_id = $?", f.UnitID)
	}
	if f.Urgent != nil {
		w.add("urgent = $?", *f.Urgent)
	}
	rows, _ := db.Query(ctx, `SELECT id FROM feedback`+w.page(after, limit), w.args...)
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
