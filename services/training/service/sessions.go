package service

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/staffing"
	"github.com/rapportcrm/rapport/services/training/store"
)

// RemoveSession deletes a session of a course that has not started, with its
// assignments, freeing its staff that half-day. Sessions and assignments
// publish no events; the course's trainer_ids and assistant_ids in its next
// events no longer name whoever only taught that session.
func (s *Service) RemoveSession(ctx context.Context, courseID, sessionID string) (staffing.Plan, error) {
	return s.changePlan(ctx, courseID, course.RemoveSession, func(tx pgx.Tx) error {
		return store.DeleteSession(ctx, tx, courseID, sessionID)
	})
}

// Unassign takes a person off a session of a course that has not started.
func (s *Service) Unassign(ctx context.Context, courseID, sessionID, personID string) (staffing.Plan, error) {
	return s.changePlan(ctx, courseID, course.RemoveStaff, func(tx pgx.Tx) error {
		return store.DeleteAssignment(ctx, tx, courseID, sessionID, personID)
	})
}

// changePlan runs change on the locked course if its state takes it, and
// answers the staffing plan as it is then.
func (s *Service) changePlan(ctx context.Context, courseID string, c course.Change, change func(pgx.Tx) error) (staffing.Plan, error) {
	var plan staffing.Plan
	err := s.tx(ctx, func(tx pgx.Tx) error {
		crs, err := store.LoadCourse(ctx, tx, courseID, true)
		if err != nil {
			return err
		}
		if err := course.CheckChange(course.State(crs.State), c); err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		plan, err = loadPlan(ctx, tx, courseID)
		return err
	})
	return plan, err
}

func loadPlan(ctx context.Context, db store.DB, courseID string) (staffing.Plan, error) {
	sessions, err := store.Sessions(ctx, db, courseID)
	if err != nil {
		return staffing.Plan{}, err
	}
	as, err := store.Assignments(ctx, db, courseID)
	return staffing.Plan{Sessions: sessions, Assignments: as}, err
}

// moveSessions applies a reschedule to the course's sessions
// (staffing.Reschedule): dropped ones go with their assignments, moved ones
// take their staff along, unless one of them is busy elsewhere on the new
// half-day, which refuses the whole reschedule (409 naming the clash) so the
// lead swaps that person first.
func moveSessions(ctx context.Context, tx pgx.Tx, courseID string, prevFirst, prevLast, first, last calendar.Date) error {
	plan, err := loadPlan(ctx, tx, courseID)
	if err != nil {
		return err
	}
	m := staffing.Reschedule(plan.Sessions, prevFirst, prevLast, first, last)
	for _, d := range m.Dropped {
		if err := store.DeleteSession(ctx, tx, courseID, d.ID); err != nil {
			return err
		}
	}
	for _, moved := range m.Moved {
		for _, a := range plan.Assignments {
			if a.SessionID != moved.ID {
				continue
			}
			elsewhere, err := store.BookingsElsewhere(ctx, tx, a.PersonID, courseID)
			if err != nil {
				return err
			}
			if err := staffing.CheckDoubleBooking(a.PersonID, moved, elsewhere); err != nil {
				return err
			}
		}
		if err := store.MoveSession(ctx, tx, moved); store.IsUniqueViolation(err) {
			return &staffing.DoubleBookingError{Session: moved}
		} else if err != nil {
			return err
		}
	}
	return nil
}
