package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/readiness"
	"github.com/rapportcrm/rapport/services/training/staffing"
	"github.com/rapportcrm/rapport/services/training/store"
)

// CommandInput is the body of a course command; each command reads what it needs.
type CommandInput struct {
	// FirstSession and LastSession are, for schedule, the confirmed dates
	// (default: after a reschedule its dates, else the sessions', else the
	// proposed ones); for reschedule, the new dates (required).
	FirstSession calendar.Date
	LastSession  calendar.Date
	Reason       string // reschedule, cancel
}

// Command runs one lifecycle command on a course: role, state machine and
// preconditions are decided by the course package; the change and its events
// commit together.
func (s *Service) Command(ctx context.Context, a Actor, id string, cmd course.Command, in CommandInput) (CourseView, error) {
	now := s.clock.Now()
	var info contract.CourseInfo
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := store.LoadCourse(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cmd.FieldWork() {
			// The role first, as Decide would, so a role that may never
			// start a course is told that rather than about the crew.
			if err := course.Authorize(a.roleFor(cmd), cmd); err != nil {
				return err
			}
			if err := s.mayWork(ctx, tx, a, c, string(cmd)+" this course"); err != nil {
				return err
			}
		}
		prevFirst, prevLast := store.Date(c.FirstSession), store.Date(c.LastSession)
		facts, err := s.facts(ctx, tx, &c, cmd, in, now)
		if err != nil {
			return err
		}
		from := c.State
		next, err := course.Decide(course.State(c.State), cmd, a.roleFor(cmd), facts)
		if err != nil {
			return err
		}
		if cmd == course.Schedule {
			c.LeadID = a.ID
		}
		if cmd == course.Reschedule {
			if err := course.CheckNewDates(facts.FirstSession, calendar.DateOf(now)); err != nil {
				return err
			}
		}
		if err := store.SetCourseState(ctx, tx, c, string(next), in.Reason, now); err != nil {
			return fmt.Errorf("%w: %v", ErrConflict, err)
		}
		switch cmd {
		case course.Cancel:
			if err := store.ReleaseAssignments(ctx, tx, c.ID); err != nil {
				return err
			}
		case course.Reschedule:
			if err := moveSessions(ctx, tx, c.ID, prevFirst, prevLast, facts.FirstSession, facts.LastSession); err != nil {
				return err
			}
		}
		if info, err = store.CourseInfo(ctx, tx, c.ID); err != nil {
			return err
		}
		change := contract.CourseChange{Course: info, From: from, By: a.ID, Reason: in.Reason}
		var ev any = lifecycleEvent(cmd, change)
		if cmd == course.Reschedule {
			ev = contract.CourseRescheduled{Course: info, From: from, By: a.ID, Reason: in.Reason,
				PreviousFirstSession: prevFirst.String(), PreviousLastSession: prevLast.String()}
		}
		if err := s.emit(ctx, tx, c.ID, now, ev); err != nil {
			return err
		}
		if cmd == course.Complete {
			return s.createTasks(ctx, tx, c, info, now)
		}
		return nil
	})
	if err != nil {
		return CourseView{}, err
	}
	return s.view(ctx, s.pool, info)
}

func lifecycleEvent(cmd course.Command, c contract.CourseChange) any {
	switch cmd {
	case course.Schedule:
		return contract.CourseScheduled(c)
	case course.Plan:
		return contract.CoursePlanned(c)
	case course.MarkReady:
		return contract.CourseReady(c)
	case course.Start:
		return contract.CourseStarted(c)
	case course.Complete:
		return contract.CourseCompleted(c)
	case course.Close:
		return contract.CourseClosed(c)
	default:
		return contract.CourseCancelled(c)
	}
}

// facts gathers what cmd's preconditions look at, and for schedule settles the dates.
func (s *Service) facts(ctx context.Context, tx pgx.Tx, c *store.Course, cmd course.Command, in CommandInput, now time.Time) (course.Facts, error) {
	f := course.Facts{Now: now, Reason: in.Reason, PlanApproved: c.PlanApprovedAt != nil, UnitIDs: c.UnitIDs}
	deleted, err := store.DeletedUnits(ctx, tx, c.UnitIDs)
	if err != nil {
		return f, err
	}
	f.DeletedUnits = deleted
	switch cmd {
	case course.Schedule:
		sessions, err := store.Sessions(ctx, tx, c.ID)
		if err != nil {
			return f, err
		}
		switch {
		case !in.FirstSession.IsZero() || !in.LastSession.IsZero():
			c.FirstSession, c.LastSession = dayPtr(in.FirstSession), dayPtr(in.LastSession)
		case c.State == string(course.Rescheduled):
			// Confirms the dates the reschedule set; its sessions already fit them.
		case len(sessions) > 0:
			c.FirstSession, c.LastSession = dayPtr(sessions[0].Date), dayPtr(sessions[len(sessions)-1].Date)
		}
		f.SessionsOutside = staffing.Outside(sessions, store.Date(c.FirstSession), store.Date(c.LastSession))
	case course.Reschedule:
		// The new dates, checked by the precondition; the old ones are the caller's.
		c.FirstSession, c.LastSession = dayPtr(in.FirstSession), dayPtr(in.LastSession)
	case course.Complete:
		sessions, err := store.Sessions(ctx, tx, c.ID)
		if err != nil {
			return f, err
		}
		if len(sessions) > 0 {
			f.LastSessionEnds = sessions[len(sessions)-1].Ends()
		}
	case course.Plan:
		sessions, err := store.Sessions(ctx, tx, c.ID)
		if err != nil {
			return f, err
		}
		as, err := store.Assignments(ctx, tx, c.ID)
		if err != nil {
			return f, err
		}
		f.UnstaffedSessions = staffing.Unstaffed(staffing.Plan{Sessions: sessions, Assignments: as})
		if len(sessions) == 0 {
			f.UnstaffedSessions = []string{"(no sessions planned)"}
		}
	case course.MarkReady:
		items, err := store.ChecklistItems(ctx, tx, c.Mode)
		if err != nil {
			return f, err
		}
		checks, err := store.Checks(ctx, tx, c.ID)
		if err != nil {
			return f, err
		}
		f.IncompleteReadiness = readiness.Keys(readiness.Incomplete(items, checks))
	case course.Close:
		tasks, err := store.DomainTasks(ctx, tx, c.ID)
		if err != nil {
			return f, err
		}
		f.Tasks = tasks
	}
	f.FirstSession, f.LastSession = store.Date(c.FirstSession), store.Date(c.LastSession)
	return f, nil
}

func dayPtr(d calendar.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return &t
}

// createTasks opens the follow-up tasks of a completed course, each owned by
// the person holding the role on the course.
func (s *Service) createTasks(ctx context.Context, tx pgx.Tx, c store.Course, info contract.CourseInfo, now time.Time) error {
	dc := course.Course{ID: c.ID, Mode: course.Mode(c.Mode), Objectives: c.Objectives,
		FirstSession: store.Date(c.FirstSession), LastSession: store.Date(c.LastSession)}
	for _, t := range course.FollowUpTasks(now, dc) {
		row := store.TaskRow{ID: newID(), CourseID: c.ID, Kind: string(t.Kind), OwnerRole: string(t.Owner), Due: t.Due,
			Required: t.Required, Status: string(t.Status)}
		switch {
		case t.Owner == course.RoleLead:
			row.OwnerID = c.LeadID
		case len(info.TrainerIDs) > 0:
			row.OwnerID = info.TrainerIDs[0]
		}
		if err := store.InsertTask(ctx, tx, row); err != nil {
			return fmt.Errorf("create task %s: %w", t.Kind, err)
		}
		if err := s.emit(ctx, tx, row.ID, now, contract.TaskCreated(taskPayload(row, info, ""))); err != nil {
			return err
		}
	}
	return nil
}

func taskPayload(t store.TaskRow, info contract.CourseInfo, by string) contract.Task {
	return contract.Task{TaskID: t.ID, Course: info, Kind: t.Kind, OwnerRole: t.OwnerRole, OwnerID: t.OwnerID, Due: rfc3339(t.Due),
		Required: t.Required, Status: t.Status, By: by}
}

// ApprovePlan records the lead's approval of the course plan drafted by a trainer.
func (s *Service) ApprovePlan(ctx context.Context, a Actor, id string) (CourseView, error) {
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := store.LoadCourse(ctx, tx, id, true); err != nil {
			return err
		}
		return store.ApprovePlan(ctx, tx, id, a.ID, s.clock.Now())
	})
	if err != nil {
		return CourseView{}, err
	}
	return s.Course(ctx, id)
}

// Course reads a course as events describe it, with its deleted units.
func (s *Service) Course(ctx context.Context, id string) (CourseView, error) {
	info, err := store.CourseInfo(ctx, s.pool, id)
	if err != nil {
		return CourseView{}, err
	}
	return s.view(ctx, s.pool, info)
}

// Courses pages courses, narrowed by f.
func (s *Service) Courses(ctx context.Context, f course.CourseFilter, after string, limit int) ([]CourseView, error) {
	cs, err := store.ListCourses(ctx, s.pool, f, after, limit)
	if err != nil {
		return nil, err
	}
	infos := make([]contract.CourseInfo, 0, len(cs))
	var units []string
	for _, c := range cs {
		info, err := store.CourseInfo(ctx, s.pool, c.ID)
		if err != nil {
			return nil, err
		}
		infos, units = append(infos, info), append(units, info.UnitIDs...)
	}
	// The page's deleted units in one query, not one per course.
	deleted, err := store.DeletedUnits(ctx, s.pool, units)
	if err != nil {
		return nil, err
	}
	out := make([]CourseView, 0, len(infos))
	for _, info := range infos {
		gone := []string{} // in deleted's order: by id, as view lists them
		for _, id := range deleted {
			if slices.Contains(info.UnitIDs, id) {
				gone = append(gone, id)
			}
		}
		out = append(out, CourseView{CourseInfo: info, DeletedUnitIDs: gone})
	}
	return out, nil
}
