package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/training/staffing"
)

// SessionRow is a session row.
type SessionRow struct {
	ID          string    `db:"id"`
	CourseID    string    `db:"course_id"`
	Day         time.Time `db:"day"`
	HalfDay     string    `db:"half_day"`
	Venue       string    `db:"venue"`
	MeetingLink string    `db:"meeting_link"`
}

// Session converts a row into the staffing package's session.
func (r SessionRow) Session() staffing.Session {
	return staffing.Session{ID: r.ID, CourseID: r.CourseID, Date: Date(&r.Day), HalfDay: staffing.HalfDay(r.HalfDay),
		Venue: r.Venue, MeetingLink: r.MeetingLink}
}

const sessionCols = `id, course_id, day, half_day, venue, meeting_link`

// InsertSession adds a session to a course.
func InsertSession(ctx context.Context, db DB, s staffing.Session) error {
	_, err := db.Exec(ctx, `INSERT INTO session (`+sessionCols+`) VALUES ($1,$2,$3,$4,$5,$6)`,
		s.ID, s.CourseID, s.Date.String(), string(s.HalfDay), s.Venue, s.MeetingLink)
	return err
}

// Sessions lists a course's sessions in time order.
func Sessions(ctx context.Context, db DB, courseID string) ([]staffing.Session, error) {
	rows, _ := db.Query(ctx, `SELECT `+sessionCols+` FROM session WHERE course_id = $1 ORDER BY day, half_day DESC`, courseID)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[SessionRow])
	if err != nil {
		return nil, fmt.Errorf("sessions of %s: %w", courseID, err)
	}
	out := make([]staffing.Session, len(rs))
	for i, r := range rs {
		out[i] = r.Session()
	}
	return out, nil
}

// LoadSession reads a session by id, whatever its course.
func LoadSession(ctx context.Context, db DB, id string) (staffing.Session, error) {
	r, err := one[SessionRow](ctx, db, "session "+id, `SELECT `+sessionCols+` FROM session WHERE id = $1`, id)
	if err != nil {
		return staffing.Session{}, err
	}
	return r.Session(), nil
}

// Assignments lists the active assignments of a course.
func Assignments(ctx context.Context, db DB, courseID string) ([]staffing.Assignment, error) {
	rows, _ := db.Query(ctx, `SELECT session_id, person_id, duty FROM assignment WHERE course_id = $1 AND active ORDER BY session_id, person_id`, courseID)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (staffing.Assignment, error) {
		var a staffing.Assignment
		err := r.Scan(&a.SessionID, &a.PersonID, &a.Duty)
		return a, err
	})
}

// BookingsElsewhere lists a person's active commitments in other courses.
func BookingsElsewhere(ctx context.Context, db DB, personID, courseID string) ([]staffing.Booking, error) {
	rows, _ := db.Query(ctx, `SELECT a.duty, s.id, s.course_id, s.day, s.half_day, s.venue, s.meeting_link
FROM assignment a JOIN session s ON s.id = a.session_id WHERE a.person_id = $1 AND a.course_id <> $2 AND a.active`, personID, courseID)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (staffing.Booking, error) {
		var b staffing.Booking
		var s SessionRow
		err := r.Scan(&b.Duty, &s.ID, &s.CourseID, &s.Day, &s.HalfDay, &s.Venue, &s.MeetingLink)
		b.PersonID, b.Session = personID, s.Session()
		return b, err
	})
}

// InsertAssignment puts a person on a session; the one-place index refuses a
// concurrent double booking.
func InsertAssignment(ctx context.Context, db DB, courseID string, a staffing.Assignment, s staffing.Session) error {
	_, err := db.Exec(ctx, `INSERT INTO assignment (session_id, course_id, person_id, duty, day, half_day) VALUES ($1,$2,$3,$4,$5,$6)
ON CONFLICT (session_id, person_id) DO UPDATE SET duty = EXCLUDED.duty, active = true`,
		a.SessionID, courseID, a.PersonID, string(a.Duty), s.Date.String(), string(s.HalfDay))
	return err
}

// ReleaseAssignments frees the staff of a cancelled or rescheduled course.
func ReleaseAssignments(ctx context.Context, db DB, courseID string) error {
	_, err := db.Exec(ctx, `UPDATE assignment SET active = false WHERE course_id = $1`, courseID)
	return err
}

// DeleteSession removes a session of a course that has not started, with its
// assignments (active or released), so its staff are free that half-day.
func DeleteSession(ctx context.Context, db DB, courseID, sessionID string) error {
	if _, err := db.Exec(ctx, `DELETE FROM assignment WHERE session_id = $1 AND course_id = $2`, sessionID, courseID); err != nil {
		return fmt.Errorf("delete assignments of session %s: %w", sessionID, err)
	}
	tag, err := db.Exec(ctx, `DELETE FROM session WHERE id = $1 AND course_id = $2`, sessionID, courseID)
	if err != nil {
		return fmt.Errorf("delete session %s: %w", sessionID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("session %s of course %s: %w", sessionID, courseID, ErrNotFound)
	}
	return nil
}

// DeleteAssignment takes a person off a session of a course.
func DeleteAssignment(ctx context.Context, db DB, courseID, sessionID, personID string) error {
	tag, err := db.Exec(ctx, `DELETE FROM assignment WHERE course_id = $1 AND session_id = $2 AND person_id = $3 AND active`,
		courseID, sessionID, personID)
	if err != nil {
		return fmt.Errorf("delete assignment of %s on session %s: %w", personID, sessionID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("assignment of %s on session %s of course %s: %w", personID, sessionID, courseID, ErrNotFound)
	}
	return nil
}

// MoveSession puts a session and its staff on another day; the one-place
// index refuses a move that double-books someone.
func MoveSession(ctx context.Context, db DB, s staffing.Session) error {
	if _, err := db.Exec(ctx, `UPDATE session SET day = $2 WHERE id = $1`, s.ID, s.Date.String()); err != nil {
		return fmt.Errorf("move session %s: %w", s.ID, err)
	}
	if _, err := db.Exec(ctx, `UPDATE assignment SET day = $2 WHERE session_id = $1`, s.ID, s.Date.String()); err != nil {
		return fmt.Errorf("move the staff of session %s: %w", s.ID, err)
	}
	return nil
}
