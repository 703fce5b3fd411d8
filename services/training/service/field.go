package service

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/store"
)

// worker is the actor as the course package's crew rules see them.
func (a Actor) worker() course.Worker {
	w := course.Worker{ID: a.ID}
	for _, r := range a.Roles {
		w.Roles = append(w.Roles, course.Role(r))
	}
	return w
}

// mayWork refuses field work on c to anyone outside its crew (course.MayWork).
func (s *Service) mayWork(ctx context.Context, tx pgx.Tx, a Actor, c store.Course, work string) error {
	crew, err := store.Crew(ctx, tx, c)
	if err != nil {
		return err
	}
	return course.MayWork(a.worker(), crew, work)
}

func reportExists(sessionID, reportID string) error {
	p := problem.Conflict("the session already has its report: one report per session").With("session_id", sessionID)
	if reportID != "" {
		p = p.With("report_id", reportID)
	}
	return p
}

// Reports lists a course's session reports, of one session when sessionID is set.
func (s *Service) Reports(ctx context.Context, courseID, sessionID string) ([]store.ReportRow, error) {
	if err := s.sessionOf(ctx, courseID, sessionID); err != nil {
		return nil, err
	}
	return store.Reports(ctx, s.pool, courseID, sessionID)
}

// Attendance lists a course's attendance, of one session when sessionID is set.
func (s *Service) Attendance(ctx context.Context, courseID, sessionID string) ([]store.Attendance, error) {
	if err := s.sessionOf(ctx, courseID, sessionID); err != nil {
		return nil, err
	}
	return store.CourseAttendance(ctx, s.pool, courseID, sessionID)
}

// sessionOf makes an unknown course, or a session of another course, a 404
// rather than an empty list that reads as "nothing recorded".
func (s *Service) sessionOf(ctx context.Context, courseID, sessionID string) error {
	if _, err := store.LoadCourse(ctx, s.pool, courseID, false); err != nil {
		return err
	}
	if sessionID == "" {
		return nil
	}
	sess, err := store.LoadSession(ctx, s.pool, sessionID)
	if err != nil {
		return err
	}
	if sess.CourseID != courseID {
		return NotFound("session "+sessionID+" of course", courseID)
	}
	return nil
}

// Tasks pages follow-up tasks with their histories, narrowed by f; a task
// is overdue when it is open past its due time now.
func (s *Service) Tasks(ctx context.Context, f course.TaskFilter, after string, limit int) ([]store.TaskRow, error) {
	ts, err := store.Tasks(ctx, s.pool, f, s.clock.Now(), after, limit)
	if err != nil {
		return nil, err
	}
	return ts, s.withHistory(ctx, s.pool, ts)
}

func (s *Service) withHistory(ctx context.Context, db store.DB, ts []store.TaskRow) error {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	hs, err := store.TaskHistories(ctx, db, ids)
	for i := range ts {
		if ts[i].History = hs[ts[i].ID]; ts[i].History == nil {
			ts[i].History = []store.TaskChange{}
		}
	}
	return err
}

// taskWork loads and locks a task with its course and crew.
func taskWork(ctx context.Context, tx pgx.Tx, id string) (store.TaskRow, store.Course, course.Crew, error) {
	t, err := store.LoadTask(ctx, tx, id)
	if err != nil {
		return t, store.Course{}, course.Crew{}, err
	}
	c, err := store.LoadCourse(ctx, tx, t.CourseID, false)
	if err != nil {
		return t, c, course.Crew{}, err
	}
	crew, err := store.Crew(ctx, tx, c)
	return t, c, crew, err
}

// CompleteTask marks a task done by its owner, the course's lead or an
// admin, keeping the completion's note.
func (s *Service) CompleteTask(ctx context.Context, a Actor, id, note string) (store.TaskRow, error) {
	var t store.TaskRow
	note = strings.TrimSpace(note)
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var (
			crew course.Crew
			err  error
		)
		if t, _, crew, err = taskWork(ctx, tx, id); err != nil {
			return err
		}
		if err := course.MayCompleteTask(a.worker(), crew, t.OwnerID); err != nil {
			return err
		}
		if t.Status == string(course.TaskDone) {
			return problem.Conflict("the task is already done").With("status", t.Status)
		}
		now := s.clock.Now()
		if err := store.CompleteTask(ctx, tx, id, a.ID, now, note); err != nil {
			return err
		}
		if err := store.InsertTaskChange(ctx, tx, store.TaskChange{TaskID: id, Action: "completed", By: a.ID, At: now, Note: note}); err != nil {
			return err
		}
		t.Status, t.DoneBy, t.DoneAt, t.Note = string(course.TaskDone), &a.ID, &now, note
		ts := []store.TaskRow{t}
		if err := s.withHistory(ctx, tx, ts); err != nil {
			return err
		}
		t = ts[0]
		return s.emitTask(ctx, tx, t, a.ID, note, func(p contract.Task) any { return contract.TaskCompleted(p) })
	})
	return t, err
}

// ReopenTask opens a task done by mistake again: the course's lead or an
// admin, with a reason, before the course closes (course.ReopenTask).
func (s *Service) ReopenTask(ctx context.Context, a Actor, id, reason string) (store.TaskRow, error) {
	var t store.TaskRow
	reason = strings.TrimSpace(reason)
	err := s.tx(ctx, func(tx pgx.Tx) error {
		t0, c, crew, err := taskWork(ctx, tx, id)
		if err != nil {
			return err
		}
		t = t0
		if err := course.ReopenTask(a.worker(), crew, course.TaskStatus(t.Status), course.State(c.State), reason); err != nil {
			return err
		}
		now := s.clock.Now()
		if err := store.ReopenTask(ctx, tx, id); err != nil {
			return err
		}
		if err := store.InsertTaskChange(ctx, tx, store.TaskChange{TaskID: id, Action: "reopened", By: a.ID, At: now, Note: reason}); err != nil {
			return err
		}
		t.Status, t.DoneBy, t.DoneAt, t.Note = string(course.TaskOpen), nil, nil, ""
		return s.emitTask(ctx, tx, t, a.ID, reason, func(p contract.Task) any { return contract.TaskReopened(p) })
	})
	if err != nil {
		return t, err
	}
	ts := []store.TaskRow{t}
	err = s.withHistory(ctx, s.pool, ts)
	return ts[0], err
}

func (s *Service) emitTask(ctx context.Context, tx pgx.Tx, t store.TaskRow, by, note string, as func(contract.Task) any) error {
	info, err := store.CourseInfo(ctx, tx, t.CourseID)
	if err != nil {
		return err
	}
	p := taskPayload(t, info, by)
	p.Note = note
	return s.emit(ctx, tx, t.ID, s.clock.Now(), as(p))
}
