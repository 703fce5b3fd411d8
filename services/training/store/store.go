// Package store is the training schema's SQL: one function per query, run on
// a pool or inside the caller's transaction.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

// DB is a pool or a transaction.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ErrNotFound is returned when a row asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// IsUniqueViolation reports whether err is a unique constraint failure.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}

// Date converts a scanned date column into a calendar day.
func Date(t *time.Time) calendar.Date {
	if t == nil {
		return calendar.Date{}
	}
	return calendar.NewDate(t.Year(), t.Month(), t.Day())
}

// DateParam is a calendar day as a query parameter; the zero day is NULL.
func DateParam(d calendar.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// Module loads a module's settings.
func Module(ctx context.Context, db DB, code string) (course.Module, error) {
	var m course.Module
	err := db.QueryRow(ctx, `SELECT code, name, payroll, lead_days FROM module WHERE code = $1`, code).
		Scan(&m.Code, &m.Name, &m.Payroll, &m.LeadDays)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ErrNotFound
	}
	return m, err
}

// ModuleRow is a module as listed.
type ModuleRow struct {
	Code     string `db:"code" json:"code"`
	Name     string `db:"name" json:"name"`
	Payroll  bool   `db:"payroll" json:"payroll"`
	LeadDays int    `db:"lead_days" json:"lead_days"`
}

// Modules lists every module.
func Modules(ctx context.Context, db DB) ([]ModuleRow, error) {
	rows, _ := db.Query(ctx, `SELECT code, name, payroll, lead_days FROM module ORDER BY code`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[ModuleRow])
}

// PutModule creates or replaces a module; seed=true leaves an existing one alone.
func PutModule(ctx context.Context, db DB, m ModuleRow, seed bool) error {
	q := `INSERT INTO module (code, name, payroll, lead_days) VALUES ($1, $2, $3, $4)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, payroll = EXCLUDED.payroll, lead_days = EXCLUDED.lead_days`
	if seed {
		q = `INSERT INTO module (code, name, payroll, lead_days) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`
	}
	_, err := db.Exec(ctx, q, m.Code, m.Name, m.Payroll, m.LeadDays)
	return err
}

// Course is a course row.
type Course struct {
	ID             string            `db:"id"`
	RequestID      string            `db:"request_id"`
	ModuleCode     string            `db:"module_code"`
	Mode           string            `db:"mode"`
	State          string            `db:"state"`
	Version        int               `db:"version"`
	UnitIDs        []string          `db:"unit_ids"`
	FirstSession   *time.Time        `db:"first_session"`
	LastSession    *time.Time        `db:"last_session"`
	Objectives     course.Objectives `db:"objectives"`
	LeadID         string            `db:"lead_id"`
	PlanApprovedAt *time.Time        `db:"plan_approved_at"`
	StateReason    string            `db:"state_reason"`
	CreatedAt      time.Time         `db:"created_at"`
	UpdatedAt      time.Time         `db:"updated_at"`
}

const courseCols = `id, request_id, module_code, mode, state, version, unit_ids, first_session, last_session,
objectives, lead_id, plan_approved_at, state_reason, created_at, updated_at`

// LoadCourse reads a course; forUpdate locks it for the caller's transaction,
// so commands on one course run one after the other.
func LoadCourse(ctx context.Context, db DB, id string, forUpdate bool) (Course, error) {
	return one[Course](ctx, db, "course "+id, lockedIf(forUpdate, `SELECT `+courseCols+` FROM course WHERE id = $1`), id)
}

// one reads the single row q selects; none is ErrNotFound, naming what.
func one[T any](ctx context.Context, db DB, what, q string, args ...any) (T, error) {
	rows, _ := db.Query(ctx, q, args...)
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return v, err
}

// lockedIf adds FOR UPDATE to q when lock is set.
func lockedIf(lock bool, q string) string {
	if lock {
		return q + ` FOR UPDATE`
	}
	return q
}

// InsertCourse creates a course in state requested.
func InsertCourse(ctx context.Context, db DB, c Course) error {
	_, err := db.Exec(ctx, `INSERT INTO course (id, request_id, module_code, mode, state, unit_ids, first_session, last_session,
objectives, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
		c.ID, c.RequestID, c.ModuleCode, c.Mode, c.State, c.UnitIDs, c.FirstSession, c.LastSession, c.Objectives, c.CreatedAt)
	return err
}

// SetCourseState records a transition, checking the version the caller read.
func SetCourseState(ctx context.Context, db DB, c Course, state string, reason string, at time.Time) error {
	tag, err := db.Exec(ctx, `UPDATE course SET state = $2, state_reason = $3, version = version + 1, updated_at = $4,
first_session = $6, last_session = $7, lead_id = $8 WHERE id = $1 AND version = $5`,
		c.ID, state, reason, at, c.Version, c.FirstSession, c.LastSession, c.LeadID)
	if err == nil && tag.RowsAffected() != 1 {
		err = fmt.Errorf("course %s changed meanwhile", c.ID)
	}
	return err
}

// ApprovePlan records the lead's approval of the course plan.
func ApprovePlan(ctx context.Context, db DB, id, by string, at time.Time) error {
	_, err := db.Exec(ctx, `UPDATE course SET plan_approved_by = $2, plan_approved_at = $3, updated_at = $3 WHERE id = $1`, id, by, at)
	return err
}

// CourseInfo builds the snapshot course events carry, from this schema only.
func CourseInfo(ctx context.Context, db DB, id string) (contract.CourseInfo, error) {
	var ci contract.CourseInfo
	var first, last *time.Time
	err := db.QueryRow(ctx, `
SELECT c.id, c.request_id, c.module_code, m.name, c.mode, c.state, c.unit_ids,
  coalesce((SELECT array_agg(DISTINCT o.supervising_unit_id ORDER BY o.supervising_unit_id) FROM contact_organization o
            WHERE o.id = ANY(c.unit_ids) AND o.supervising_unit_id <> ''), '{}'),
  coalesce((SELECT array_agg(DISTINCT p ORDER BY p) FROM participant pa, unnest(pa.contact_person_ids) p
            WHERE pa.course_id = c.id AND pa.status <> 'declined'), '{}'),
  c.first_session, c.last_session, c.lead_id,
  coalesce((SELECT array_agg(DISTINCT a.person_id ORDER BY a.person_id) FROM assignment a WHERE a.course_id = c.id AND a.active AND a.duty = 'trainer'), '{}'),
  coalesce((SELECT array_agg(DISTINCT a.person_id ORDER BY a.person_id) FROM assignment a WHERE a.course_id = c.id AND a.active AND a.duty = 'assistant'), '{}')
FROM course c JOIN module m ON m.code = c.module_code WHERE c.id = $1`, id).Scan(
		&ci.CourseID, &ci.RequestID, &ci.ModuleCode, &ci.ModuleName, &ci.Mode, &ci.State, &ci.UnitIDs,
		&ci.SupervisingUnitIDs, &ci.ContactPersonIDs, &first, &last, &ci.LeadID, &ci.TrainerIDs, &ci.AssistantIDs)
	if errors.Is(err, pgx.ErrNoRows) {
		return ci, fmt.Errorf("course %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return ci, fmt.Errorf("course info %s: %w", id, err)
	}
	if first != nil {
		ci.FirstSession = Date(first).String()
	}
	if last != nil {
		ci.LastSession = Date(last).String()
	}
	return ci, nil
}

// Request is a request row.
type Request struct {
	ID              string                   `db:"id" json:"id"`
	Status          string                   `db:"status" json:"status"`
	UnitIDs         []string                 `db:"unit_ids" json:"unit_ids"`
	ModuleCode      string                   `db:"module_code" json:"module_code"`
	Mode            string                   `db:"mode" json:"mode"`
	Venue           string                   `db:"venue" json:"venue,omitempty"`
	MeetingLink     string                   `db:"meeting_link" json:"meeting_link,omitempty"`
	ProposedDates   []time.Time              `db:"proposed_dates" json:"-"`
	HandoverNotes   string                   `db:"handover_notes" json:"handover_notes"`
	Objectives      course.Objectives        `db:"objectives" json:"-"`
	SubmittedBy     string                   `db:"submitted_by" json:"submitted_by"`
	SubmittedAt     time.Time                `db:"submitted_at" json:"submitted_at"`
	Refusal         *course.LateRequestError `db:"refusal" json:"refusal,omitempty"`
	ExceptionBy     *string                  `db:"exception_by" json:"exception_by,omitempty"`
	ExceptionReason *string                  `db:"exception_reason" json:"exception_reason,omitempty"`
	ExceptionAt     *time.Time               `db:"exception_at" json:"exception_at,omitempty"`
	CourseID        *string                  `db:"course_id" json:"course_id,omitempty"`
	WithdrawnBy     *string                  `db:"withdrawn_by" json:"withdrawn_by,omitempty"`
	WithdrawnReason *string                  `db:"withdrawn_reason" json:"withdrawn_reason,omitempty"`
	WithdrawnAt     *time.Time               `db:"withdrawn_at" json:"withdrawn_at,omitempty"`
}

const requestCols = `id, status, unit_ids, module_code, mode, venue, meeting_link, proposed_dates, handover_notes, objectives,
submitted_by, submitted_at, refusal, exception_by, exception_reason, exception_at, course_id`

// requestRead is what a read of a request selects: its columns and the
// withdrawal, which is only ever written by WithdrawRequest.
const requestRead = requestCols + `, withdrawn_by, withdrawn_reason, withdrawn_at`

// InsertRequest stores a request, admitted or refused.
func InsertRequest(ctx context.Context, db DB, r Request) error {
	_, err := db.Exec(ctx, `INSERT INTO request (`+requestCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
		r.ID, r.Status, r.UnitIDs, r.ModuleCode, r.Mode, r.Venue, r.MeetingLink, r.ProposedDates, r.HandoverNotes, r.Objectives,
		r.SubmittedBy, r.SubmittedAt, r.Refusal, r.ExceptionBy, r.ExceptionReason, r.ExceptionAt, r.CourseID)
	return err
}

// LoadRequest reads a request, locked when forUpdate.
func LoadRequest(ctx context.Context, db DB, id string, forUpdate bool) (Request, error) {
	return one[Request](ctx, db, "request "+id, lockedIf(forUpdate, `SELECT `+requestRead+` FROM request WHERE id = $1`), id)
}

// ListRequests pages requests by id, optionally of one status.
func ListRequests(ctx context.Context, db DB, status, after string, limit int) ([]Request, error) {
	rows, _ := db.Query(ctx, `SELECT `+requestRead+` FROM request WHERE ($1 = '' OR status = $1) AND id > $2 ORDER BY id LIMIT $3`, status, after, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Request])
}

// AdmitRequest records a manager's exception and the course it created.
func AdmitRequest(ctx context.Context, db DB, id, by, reason string, at time.Time, courseID string) error {
	_, err := db.Exec(ctx, `UPDATE request SET status = 'submitted', exception_by = $2, exception_reason = $3, exception_at = $4, course_id = $5
WHERE id = $1`, id, by, reason, at, courseID)
	return err
}

// WithdrawRequest records the submitter's withdrawal of a request.
func WithdrawRequest(ctx context.Context, db DB, id, by, reason string, at time.Time) error {
	_, err := db.Exec(ctx, `UPDATE request SET status = 'withdrawn', withdrawn_by = $2, withdrawn_reason = $3, withdrawn_at = $4
WHERE id = $1`, id, by, reason, at)
	return err
}
