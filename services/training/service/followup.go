package service

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/desklog"
	"github.com/rapportcrm/rapport/services/training/feedback"
	"github.com/rapportcrm/rapport/services/training/readiness"
	"github.com/rapportcrm/rapport/services/training/report"
	"github.com/rapportcrm/rapport/services/training/store"
)

// Checklist is a course's readiness checklist with its answers.
type Checklist struct {
	Items      []readiness.Item
	Checks     []readiness.Check
	Incomplete []string
}

// Checklist reads a course's checklist.
func (s *Service) Checklist(ctx context.Context, courseID string) (Checklist, error) {
	c, err := store.LoadCourse(ctx, s.pool, courseID, false)
	if err != nil {
		return Checklist{}, err
	}
	items, err := store.ChecklistItems(ctx, s.pool, c.Mode)
	if err != nil {
		return Checklist{}, err
	}
	checks, err := store.Checks(ctx, s.pool, courseID)
	return Checklist{Items: items, Checks: checks, Incomplete: readiness.Keys(readiness.Incomplete(items, checks))}, err
}

// Templates lists the checklist of a mode.
func (s *Service) Templates(ctx context.Context, mode string) ([]readiness.Item, error) {
	return store.ChecklistItems(ctx, s.pool, mode)
}

// CheckItem records an answer to one item of a course's checklist.
func (s *Service) CheckItem(ctx context.Context, a Actor, courseID string, c readiness.Check) (Checklist, error) {
	c.CheckedBy, c.CheckedAt = a.ID, s.clock.Now()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		co, err := store.LoadCourse(ctx, tx, courseID, true)
		if err != nil {
			return err
		}
		if err := s.mayWork(ctx, tx, a, co, "check this course's readiness"); err != nil {
			return err
		}
		items, err := store.ChecklistItems(ctx, tx, co.Mode)
		if err != nil {
			return err
		}
		if err := c.Validate(items); err != nil {
			return err
		}
		return store.InsertCheck(ctx, tx, courseID, c)
	})
	if err != nil {
		return Checklist{}, err
	}
	return s.Checklist(ctx, courseID)
}

// Report records a session report; an escalation raises its own event.
func (s *Service) Report(ctx context.Context, a Actor, r report.SessionReport) (string, error) {
	r.ReportedBy, r.ReportedAt = a.ID, s.clock.Now()
	if err := r.Validate(); err != nil {
		return "", err
	}
	id := newID()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := store.LoadCourse(ctx, tx, r.CourseID, true)
		if err != nil {
			return err
		}
		if err := s.mayWork(ctx, tx, a, c, "report on this course's sessions"); err != nil {
			return err
		}
		if err := running(c); err != nil {
			return err
		}
		sess, err := store.LoadSession(ctx, tx, r.SessionID)
		if err != nil {
			return err
		}
		if sess.CourseID != r.CourseID {
			return problem.Conflict("the session belongs to another course").With("session_id", r.SessionID)
		}
		// One report per session: a second one would leave the lead to guess
		// which figures hold. The course lock orders concurrent reports, and
		// the unique index stands behind it.
		if existing, err := store.ReportOf(ctx, tx, r.SessionID); err != nil {
			return err
		} else if existing != "" {
			return reportExists(r.SessionID, existing)
		}
		absent := make([]contract.Absence, 0, len(r.AbsentUnits))
		for _, ab := range r.AbsentUnits {
			absent = append(absent, contract.Absence{UnitID: ab.UnitID, Reason: ab.Reason})
		}
		if err := store.InsertReport(ctx, tx, id, r.CourseID, r.SessionID, a.ID, r.ReportedAt, absent, r.SupervisorSpoke, r.SupervisorReason,
			r.Difficulties, r.DataEntryPercent, r.Progress, r.Escalate, r.Escalation); store.IsUniqueViolation(err) {
			return reportExists(r.SessionID, "")
		} else if err != nil {
			return fmt.Errorf("store report: %w", err)
		}
		info, err := store.CourseInfo(ctx, tx, r.CourseID)
		if err != nil {
			return err
		}
		events := []any{contract.SessionReported{ReportID: id, Course: info, SessionID: r.SessionID, SessionDate: sess.Date.String(),
			HalfDay: string(sess.HalfDay), ReportedBy: a.ID, AbsentUnits: absent, SupervisorSpoke: r.SupervisorSpoke,
			SupervisorReason: r.SupervisorReason, Difficulties: r.Difficulties, DataEntryPercent: r.DataEntryPercent, Progress: r.Progress,
			Escalate: r.Escalate}}
		if err := s.emit(ctx, tx, r.SessionID, r.ReportedAt, events...); err != nil {
			return err
		}
		if !r.Escalate {
			return nil
		}
		return s.emit(ctx, tx, id, r.ReportedAt, contract.EscalationRaised{ReportID: id, Course: info, SessionID: r.SessionID,
			Text: r.Escalation, RaisedBy: a.ID, AddressedTo: []string{"manager", "director"}})
	})
	return id, err
}

// RaiseFeedback starts tracking an opinion raised in a course.
func (s *Service) RaiseFeedback(ctx context.Context, a Actor, in feedback.Item) (feedback.Item, error) {
	now := s.clock.Now()
	in.ID = newID()
	it, err := feedback.Raise(in, a.ID, now)
	if err != nil {
		return it, err
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		info, err := store.CourseInfo(ctx, tx, it.CourseID)
		if err != nil {
			return err
		}
		if err := store.InsertFeedback(ctx, tx, it); err != nil {
			return err
		}
		return s.emit(ctx, tx, it.ID, now, contract.FeedbackRaised(feedbackPayload(it, info, a.ID, "")))
	})
	return it, err
}

func feedbackPayload(it feedback.Item, info contract.CourseInfo, by, note string) contract.Feedback {
	return contract.Feedback{FeedbackID: it.ID, Course: info, UnitID: it.UnitID, Text: it.Text, Urgent: it.Urgent, Status: string(it.Status), By: by, Note: note}
}

// MoveFeedback changes an item's status, keeping its history.
func (s *Service) MoveFeedback(ctx context.Context, a Actor, id string, to feedback.Status, note string) (feedback.Item, error) {
	var it feedback.Item
	err := s.tx(ctx, func(tx pgx.Tx) error {
		cur, err := store.LoadFeedback(ctx, tx, id, true)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if it, err = cur.Move(to, a.ID, now, note); err != nil {
			return err
		}
		if err := store.SetFeedbackStatus(ctx, tx, id, to); err != nil {
			return err
		}
		if err := store.InsertFeedbackChange(ctx, tx, id, len(it.History), it.History[len(it.History)-1]); err != nil {
			return err
		}
		reopened := feedback.Reopens(cur.Status, to)
		if it.Open() && !reopened {
			return nil
		}
		info, err := store.CourseInfo(ctx, tx, it.CourseID)
		if err != nil {
			return err
		}
		if reopened {
			return s.emit(ctx, tx, it.ID, now, contract.FeedbackReopened(feedbackPayload(it, info, a.ID, note)))
		}
		return s.emit(ctx, tx, it.ID, now, contract.FeedbackResolved(feedbackPayload(it, info, a.ID, note)))
	})
	return it, err
}

// Feedback reads an item with its history.
func (s *Service) Feedback(ctx context.Context, id string) (feedback.Item, error) {
	return store.LoadFeedback(ctx, s.pool, id, false)
}

// FeedbackList pages items, narrowed by f.
func (s *Service) FeedbackList(ctx context.Context, f feedback.Filter, after string, limit int) ([]feedback.Item, error) {
	ids, err := store.FeedbackIDs(ctx, s.pool, f, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]feedback.Item, 0, len(ids))
	for _, id := range ids {
		it, err := store.LoadFeedback(ctx, s.pool, id, false)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// LogDesk records a start- or end-of-day entry.
func (s *Service) LogDesk(ctx context.Context, a Actor, e desklog.Entry) (string, error) {
	e.AuthorID, e.RecordedAt = a.ID, s.clock.Now()
	if err := e.Validate(); err != nil {
		return "", err
	}
	id := newID()
	err := store.InsertDeskLog(ctx, s.pool, id, e)
	if store.IsUniqueViolation(err) {
		return "", problem.Conflict("this entry was already recorded for that day").With("kind", string(e.Kind))
	}
	return id, err
}

// DeskLogs pages entries.
func (s *Service) DeskLogs(ctx context.Context, day, author, after string, limit int) ([]store.DeskLogRow, error) {
	return store.DeskLogs(ctx, s.pool, day, author, after, limit)
}
