package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/staffing"
	"github.com/rapportcrm/rapport/services/training/store"
)

// AddSession adds a half-day to a course.
func (s *Service) AddSession(ctx context.Context, courseID string, in staffing.Session) (staffing.Session, error) {
	in.ID, in.CourseID = newID(), courseID
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := store.LoadCourse(ctx, tx, courseID, true)
		if err != nil {
			return err
		}
		if err := course.CheckChange(course.State(c.State), course.AddSession); err != nil {
			return err
		}
		if err := in.Validate(course.Mode(c.Mode)); err != nil {
			return err
		}
		if err := staffing.CheckDate(in, store.Date(c.FirstSession), store.Date(c.LastSession)); err != nil {
			return err
		}
		if err := store.InsertSession(ctx, tx, in); store.IsUniqueViolation(err) {
			return problem.Conflict("the course already has a session on that half-day")
		} else if err != nil {
			return err
		}
		return nil
	})
	return in, err
}

// Sessions lists a course's sessions.
func (s *Service) Sessions(ctx context.Context, courseID string) ([]staffing.Session, error) {
	if _, err := store.LoadCourse(ctx, s.pool, courseID, false); err != nil {
		return nil, err
	}
	return store.Sessions(ctx, s.pool, courseID)
}

// Assign puts a person on a session, refusing a double booking across courses.
func (s *Service) Assign(ctx context.Context, courseID string, a staffing.Assignment) (staffing.Plan, error) {
	var plan staffing.Plan
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := store.LoadCourse(ctx, tx, courseID, true)
		if err != nil {
			return err
		}
		if err := course.CheckChange(course.State(c.State), course.AddStaff); err != nil {
			return err
		}
		sessions, err := store.Sessions(ctx, tx, courseID)
		if err != nil {
			return err
		}
		as, err := store.Assignments(ctx, tx, courseID)
		if err != nil {
			return err
		}
		elsewhere, err := store.BookingsElsewhere(ctx, tx, a.PersonID, courseID)
		if err != nil {
			return err
		}
		if plan, err = (staffing.Plan{Sessions: sessions, Assignments: as}).Assign(a, elsewhere); err != nil {
			return err
		}
		sess, _ := plan.Session(a.SessionID)
		if err := store.InsertAssignment(ctx, tx, courseID, a, sess); store.IsUniqueViolation(err) {
			return &staffing.DoubleBookingError{PersonID: a.PersonID, Session: sess}
		} else if err != nil {
			return err
		}
		return nil
	})
	return plan, err
}

// Plan reads a course's staffing plan.
func (s *Service) Plan(ctx context.Context, courseID string) (staffing.Plan, error) {
	if _, err := store.LoadCourse(ctx, s.pool, courseID, false); err != nil {
		return staffing.Plan{}, err
	}
	return loadPlan(ctx, s.pool, courseID)
}

// Register invites a unit to a course with its contact people from the local copy.
func (s *Service) Register(ctx context.Context, a Actor, courseID, unitID string) (store.Participant, error) {
	now := s.clock.Now()
	var p store.Participant
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := store.LoadCourse(ctx, tx, courseID, true)
		if err != nil {
			return err
		}
		if err := course.CheckChange(course.State(c.State), course.AddUnit); err != nil {
			return err
		}
		known, err := store.KnownUnits(ctx, tx, []string{unitID})
		if err != nil {
			return err
		}
		unit, ok := known[unitID]
		if !ok {
			return s.unknownUnits(ctx, "the unit is unknown to the contact service", problem.FieldError{Field: "unit_id", Message: "is not a known unit: " + unitID})
		}
		unitID = unit.ID // the survivor, for an old id of a merged unit
		people, err := store.ContactPeopleOf(ctx, tx, unitID)
		if err != nil {
			return err
		}
		p = store.Participant{ID: newID(), CourseID: courseID, UnitID: unitID, ContactPersonIDs: people, Status: "invited", UpdatedAt: now}
		if err := store.InsertParticipant(ctx, tx, p); store.IsUniqueViolation(err) {
			return problem.Conflict("the unit is already registered to this course").With("unit_id", unitID)
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE course SET unit_ids = array_append(unit_ids, $2) WHERE id = $1 AND NOT $2 = ANY(unit_ids)`, courseID, unitID); err != nil {
			return err
		}
		return s.emitParticipant(ctx, tx, p, known[unitID], a.ID, func(c contract.Participant) any { return contract.ParticipantRegistered(c) })
	})
	return p, err
}

func (s *Service) emitParticipant(ctx context.Context, tx pgx.Tx, p store.Participant, o store.Organization, by string, as func(contract.Participant) any) error {
	info, err := store.CourseInfo(ctx, tx, p.CourseID)
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, p.ID, s.clock.Now(), as(contract.Participant{ParticipantID: p.ID, Course: info, UnitID: p.UnitID, UnitName: o.Name,
		SupervisingUnitID: o.SupervisingUnitID, ContactPersonIDs: p.ContactPersonIDs, Status: p.Status, Attendees: p.Attendees,
		BringsLaptops: p.BringsLaptops, BringsDocuments: p.BringsDocuments, BringsData: p.BringsData, Note: p.Note, By: by}))
}

// Answer records a participant's confirmation (with what it brings) or decline.
func (s *Service) Answer(ctx context.Context, a Actor, courseID, id string, confirm bool, in store.Participant) (store.Participant, error) {
	var p store.Participant
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if p, err = store.LoadParticipant(ctx, tx, courseID, id); err != nil {
			return err
		}
		p.Note, p.UpdatedAt = in.Note, s.clock.Now()
		if confirm {
			if in.Attendees < 0 {
				return problem.Invalid("the confirmation is not valid", problem.FieldError{Field: "attendees", Message: "must not be negative"})
			}
			p.Status, p.Attendees, p.BringsLaptops, p.BringsDocuments, p.BringsData = "confirmed", in.Attendees, in.BringsLaptops, in.BringsDocuments, in.BringsData
		} else {
			if strings.TrimSpace(in.Note) == "" {
				return problem.Invalid("the decline is not valid", problem.FieldError{Field: "reason", Message: "is required"})
			}
			p.Status = "declined"
		}
		if err := store.UpdateParticipant(ctx, tx, p); err != nil {
			return err
		}
		orgs, err := store.KnownUnits(ctx, tx, []string{p.UnitID})
		if err != nil {
			return err
		}
		as := func(c contract.Participant) any { return contract.ParticipantDeclined(c) }
		if confirm {
			as = func(c contract.Participant) any { return contract.ParticipantConfirmed(c) }
		}
		return s.emitParticipant(ctx, tx, p, orgs[p.UnitID], a.ID, as)
	})
	return p, err
}

// Participants lists a course's participants.
func (s *Service) Participants(ctx context.Context, courseID string) ([]store.Participant, error) {
	return store.Participants(ctx, s.pool, courseID)
}

// RecordAttendance records a registered unit's presence at a session of the
// course. A unit has one value per session: a later record corrects the
// earlier one in place, and its event names what it corrects. corrected
// reports whether there was one; the same value sent again changes nothing
// and publishes nothing (a retry).
func (s *Service) RecordAttendance(ctx context.Context, a Actor, courseID, sessionID string, in store.Attendance) (rec store.Attendance, corrected bool, err error) {
	in.SessionID, in.CourseID, in.RecordedBy, in.RecordedAt = sessionID, courseID, a.ID, s.clock.Now()
	in.Reason = strings.TrimSpace(in.Reason)
	if !in.Present && in.Reason == "" {
		return in, false, problem.Invalid("the attendance is not valid", problem.FieldError{Field: "reason", Message: "is required for an absence"})
	}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		c, err := store.LoadCourse(ctx, tx, courseID, false)
		if err != nil {
			return err
		}
		if err := s.mayWork(ctx, tx, a, c, "record this course's attendance"); err != nil {
			return err
		}
		if err := running(c); err != nil {
			return err
		}
		sess, err := store.LoadSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if sess.CourseID != courseID {
			return problem.Conflict("the session belongs to another course").With("session_id", sessionID).With("course_id", courseID)
		}
		// A merge re-pointed the participant: an old id of a merged
		// unit finds it under the survivor.
		known, err := store.KnownUnits(ctx, tx, []string{in.UnitID})
		if err != nil {
			return err
		}
		unit, ok := known[in.UnitID]
		if ok {
			in.UnitID = unit.ID
		}
		p, err := store.ParticipantByUnit(ctx, tx, courseID, in.UnitID)
		if errors.Is(err, store.ErrNotFound) && !ok {
			return s.unknownUnits(ctx, "the unit is unknown to the contact service", problem.FieldError{Field: "unit_id", Message: "is not a known unit: " + in.UnitID})
		}
		if errors.Is(err, store.ErrNotFound) {
			return problem.Invalid("the unit is not registered to this course", problem.FieldError{Field: "unit_id", Message: "is not a participant"})
		} else if err != nil {
			return err
		}
		prev, had, err := store.AttendanceAt(ctx, tx, sessionID, in.UnitID)
		if err != nil {
			return err
		}
		if had && prev.Present == in.Present && prev.Reason == in.Reason {
			in, corrected = prev, true
			return nil
		}
		if err := store.PutAttendance(ctx, tx, in); err != nil {
			return fmt.Errorf("record attendance: %w", err)
		}
		ev := contract.AttendanceRecorded{CourseID: courseID, ModuleCode: c.ModuleCode,
			SessionID: sessionID, SessionDate: sess.Date.String(), HalfDay: string(sess.HalfDay), UnitID: in.UnitID,
			SupervisingUnitID: unit.SupervisingUnitID, ContactPersonIDs: p.ContactPersonIDs, Present: in.Present,
			Reason: in.Reason, RecordedBy: a.ID}
		if had {
			corrected = true
			ev.Corrects = &contract.AttendanceValue{Present: prev.Present, Reason: prev.Reason, RecordedBy: prev.RecordedBy, RecordedAt: rfc3339(prev.RecordedAt)}
		}
		return s.emit(ctx, tx, sessionID, in.RecordedAt, ev)
	})
	return in, corrected, err
}

// running refuses work that only happens while a course is held (attendance,
// session reports); completed courses still take late corrections.
func running(c store.Course) error {
	if c.State != string(course.InProgress) && c.State != string(course.Completed) {
		return problem.Conflict("the course is not being held").With("current_state", c.State)
	}
	return nil
}
