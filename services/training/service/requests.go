package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/store"
)

// SubmitRequest is what sales hands over.
type SubmitRequest struct {
	UnitIDs       []string
	ModuleCode    string
	Mode          course.Mode
	Venue         string
	MeetingLink   string
	ProposedDates []calendar.Date
	HandoverNotes string
	Objectives    course.Objectives
}

// RefusedError is a late request, stored as refused so that a manager can
// approve an exception for it.
type RefusedError struct {
	RequestID string
	Late      *course.LateRequestError
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("request %s refused: %v", e.RequestID, e.Late)
}

// Unwrap exposes the lead-time error.
func (e *RefusedError) Unwrap() error { return e.Late }

// Submit admits a request and creates its course, or records its refusal.
func (s *Service) Submit(ctx context.Context, a Actor, in SubmitRequest) (store.Request, error) {
	now := s.clock.Now()
	m, err := store.Module(ctx, s.pool, in.ModuleCode)
	if errors.Is(err, store.ErrNotFound) {
		return store.Request{}, problem.Invalid("the request is not valid", problem.FieldError{Field: "module_code", Message: "is not a known module"})
	} else if err != nil {
		return store.Request{}, fmt.Errorf("load module: %w", err)
	}
	req := course.Request{Units: in.UnitIDs, Module: m, Mode: in.Mode, Venue: in.Venue, MeetingLink: in.MeetingLink,
		ProposedDates: in.ProposedDates, HandoverNotes: in.HandoverNotes, SubmittedBy: a.ID, SubmittedAt: now}
	if err := req.Validate(); err != nil {
		return store.Request{}, err
	}
	units, err := s.checkUnits(ctx, in.UnitIDs)
	if err != nil {
		return store.Request{}, err
	}
	row := store.Request{ID: newID(), Status: "submitted", UnitIDs: units, ModuleCode: m.Code, Mode: string(in.Mode), Venue: in.Venue,
		MeetingLink: in.MeetingLink, HandoverNotes: in.HandoverNotes, Objectives: in.Objectives, SubmittedBy: a.ID, SubmittedAt: now}
	for _, d := range in.ProposedDates {
		row.ProposedDates = append(row.ProposedDates, time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
	}
	var late *course.LateRequestError
	if err := course.Admit(req, nil); errors.As(err, &late) {
		row.Status, row.Refusal = "refused", late
	} else if err != nil {
		return store.Request{}, err
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if late != nil {
			if err := store.InsertRequest(ctx, tx, row); err != nil {
				return err
			}
			return s.emit(ctx, tx, row.ID, now, contract.RequestRefused{RequestID: row.ID, ModuleCode: m.Code, UnitIDs: in.UnitIDs,
				FirstSession: req.FirstSession().String(), SubmittedBy: a.ID, Rule: late.Rule, RequiredDays: late.RequiredDays, ShortByDays: late.ShortByDays})
		}
		return s.admit(ctx, tx, &row, req, nil, now)
	})
	if err != nil {
		return store.Request{}, fmt.Errorf("submit request: %w", err)
	}
	if late != nil {
		return row, &RefusedError{RequestID: row.ID, Late: late}
	}
	return row, nil
}

// admit creates the course of a request and announces it.
func (s *Service) admit(ctx context.Context, tx pgx.Tx, row *store.Request, req course.Request, exc *course.Exception, now time.Time) error {
	courseID := newID()
	row.CourseID = &courseID
	first, last := dateSpan(req.ProposedDates)
	c := store.Course{ID: courseID, RequestID: row.ID, ModuleCode: row.ModuleCode, Mode: row.Mode, State: string(course.Requested),
		UnitIDs: row.UnitIDs, FirstSession: first, LastSession: last, Objectives: row.Objectives, CreatedAt: now}
	if exc == nil {
		if err := store.InsertRequest(ctx, tx, *row); err != nil {
			return err
		}
	}
	if err := store.InsertCourse(ctx, tx, c); err != nil {
		return err
	}
	if exc != nil {
		if err := store.AdmitRequest(ctx, tx, row.ID, exc.ApprovedBy, exc.Reason, exc.ApprovedAt, courseID); err != nil {
			return err
		}
	} else if _, err := tx.Exec(ctx, `UPDATE request SET course_id = $2 WHERE id = $1`, row.ID, courseID); err != nil {
		return err
	}
	info, err := store.CourseInfo(ctx, tx, courseID)
	if err != nil {
		return err
	}
	ev := contract.RequestSubmitted{RequestID: row.ID, Course: info, HandoverNotes: row.HandoverNotes, SubmittedBy: row.SubmittedBy}
	for _, d := range req.ProposedDates {
		ev.ProposedDates = append(ev.ProposedDates, d.String())
	}
	if exc != nil {
		ev.Exception = &contract.LateException{ApprovedBy: exc.ApprovedBy, Reason: exc.Reason, ApprovedAt: rfc3339(exc.ApprovedAt)}
	}
	return s.emit(ctx, tx, row.ID, now, ev)
}

// ApproveException lets a manager admit a refused late request, recording why.
func (s *Service) ApproveException(ctx context.Context, a Actor, id, reason string) (store.Request, error) {
	now := s.clock.Now()
	var row store.Request
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if row, err = store.LoadRequest(ctx, tx, id, true); err != nil {
			return err
		}
		if row.Status != "refused" {
			return problem.Conflict("only a refused request needs an exception").With("status", row.Status)
		}
		role := course.RoleManager
		if !slices.Contains(a.Roles, auth.Manager) && slices.Contains(a.Roles, auth.Admin) {
			role = course.RoleAdmin
		}
		exc := course.Exception{ApprovedBy: a.ID, ApproverRole: role, Reason: strings.TrimSpace(reason), ApprovedAt: now}
		m, err := store.Module(ctx, tx, row.ModuleCode)
		if err != nil {
			return err
		}
		req := course.Request{Units: row.UnitIDs, Module: m, Mode: course.Mode(row.Mode), Venue: row.Venue, MeetingLink: row.MeetingLink,
			HandoverNotes: row.HandoverNotes, SubmittedBy: row.SubmittedBy, SubmittedAt: row.SubmittedAt}
		for _, d := range row.ProposedDates {
			req.ProposedDates = append(req.ProposedDates, store.Date(&d))
		}
		if err := course.Admit(req, &exc); err != nil {
			return err
		}
		row.Status, row.ExceptionBy, row.ExceptionReason, row.ExceptionAt = "submitted", &exc.ApprovedBy, &exc.Reason, &now
		return s.admit(ctx, tx, &row, req, &exc, now)
	})
	return row, err
}

// Request reads one request.
func (s *Service) Request(ctx context.Context, id string) (store.Request, error) {
	return store.LoadRequest(ctx, s.pool, id, false)
}

// Requests pages requests.
func (s *Service) Requests(ctx context.Context, status, after string, limit int) ([]store.Request, error) {
	return store.ListRequests(ctx, s.pool, status, after, limit)
}

// checkUnits refuses units the contact service has not told us about, and
// returns the units ids name: an old id of a merged unit is its survivor,
// named once however many of ids name it.
func (s *Service) checkUnits(ctx context.Context, ids []string) ([]string, error) {
	known, err := store.KnownUnits(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	var fields []problem.FieldError
	var units []string
	for i, id := range ids {
		u, ok := known[id]
		if !ok {
			fields = append(fields, problem.FieldError{Field: fmt.Sprintf("unit_ids[%d]", i), Message: "is not a known unit: " + id})
		} else if !slices.Contains(units, u.ID) {
			units = append(units, u.ID)
		}
	}
	if len(fields) > 0 {
		return nil, s.unknownUnits(ctx, "some units are unknown to the contact service", fields...)
	}
	return units, nil
}

// retryUnits is when to try again a request whose units have not arrived:
// the copy applies hundreds of events a second, a burst takes a minute or two.
const retryUnits = 30 * time.Second

// unknownUnits refuses units missing from the local copy: a 503 while the
// copy is behind (notYetReceived), else a 422 titled title. Every command
// naming a unit answers through it, so a school created a moment ago is
// never called unknown by one route and "try again" by another.
func (s *Service) unknownUnits(ctx context.Context, title string, fields ...problem.FieldError) error {
	if err := s.notYetReceived(ctx, fields); err != nil {
		return err
	}
	return problem.Invalid(title, fields...)
}

// notYetReceived is a 503 while the local copy has contact events still to
// apply: a unit just created in contact may be among them, so "unknown"
// would be a guess. Only a copy that is caught up may call a unit unknown.
// When the lag cannot be read, the copy is taken as behind: better a
// retry than a wrong "does not exist".
func (s *Service) notYetReceived(ctx context.Context, fields []problem.FieldError) error {
	if s.contactBehind == nil {
		return nil
	}
	n, err := s.contactBehind(ctx)
	if err == nil && n == 0 {
		return nil
	}
	detail := "the training service has not yet received these units from the contact service"
	if err == nil {
		detail += fmt.Sprintf(" (it has %d contact events still to apply)", n)
	}
	p := problem.Unavailable(detail+"; try again shortly", retryUnits)
	p.Errors = fields
	if err == nil {
		p = p.With("pending_contact_events", n)
	}
	return p
}

func dateSpan(ds []calendar.Date) (first, last *time.Time) {
	for _, d := range ds {
		t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		if first == nil || t.Before(*first) {
			first = &t
		}
		if last == nil || t.After(*last) {
			tt := t
			last = &tt
		}
	}
	return first, last
}
