package course

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

// Facts are what the preconditions look at. The service gathers them (staffing,
// readiness, tasks) so this package stays free of storage and of the other packages'
// types: it only needs their answers.
type Facts struct {
	Now          time.Time
	FirstSession calendar.Date
	LastSession  calendar.Date
	// PlanApproved is the lead's approval of the course plan drafted by a trainer.
	PlanApproved bool
	// UnstaffedSessions are ids of sessions without a trainer (staffing.Unstaffed).
	UnstaffedSessions []string
	// IncompleteReadiness are keys of required checklist items not yet satisfied
	// (readiness.Incomplete).
	IncompleteReadiness []string
	// Tasks are the follow-up tasks of the course.
	Tasks []Task
	// LastSessionEnds is when the last session's half-day is over
	// (staffing.Session.Ends); zero when the course has no session, and then
	// the last day's afternoon is.
	LastSessionEnds time.Time
	// SessionsOutside are the sessions lying outside FirstSession..LastSession,
	// as the lead is about to confirm them.
	SessionsOutside []string
	// Reason explains a reschedule or a cancellation.
	Reason string
	// UnitIDs are the course's units, and DeletedUnits those of them the
	// contact service deleted.
	UnitIDs, DeletedUnits []string
}

// Precondition is one named rule a command needs besides the right state and role.
// The name is shown to users, so it reads as the thing that must be true.
type Precondition struct {
	Name  string
	Check func(Facts) error
}

// Spec declares who may issue a command and what must hold first.
type Spec struct {
	Command       Command
	Roles         []Role // admin may always act and is not listed
	Preconditions []Precondition
}

// SpecFor returns the declaration of cmd. It is built on each call rather than kept in
// a package variable so no caller can change the rules for everybody else.
func SpecFor(cmd Command) (Spec, bool) {
	switch cmd {
	case Schedule:
		return Spec{cmd, []Role{RoleLead}, []Precondition{
			{"a unit not deleted", unitLeft},
			{"dates confirmed", datesConfirmed},
			{"sessions within the dates", sessionsWithin},
		}}, true
	case Plan:
		return Spec{cmd, []Role{RoleLead}, []Precondition{
			{"a unit not deleted", unitLeft},
			{"course plan approved", planApproved},
			{"every session has a trainer", sessionsStaffed},
		}}, true
	case MarkReady:
		return Spec{cmd, []Role{RoleLead}, []Precondition{{"a unit not deleted", unitLeft}, {"readiness checklist complete", readinessComplete}}}, true
	case Start:
		return Spec{cmd, []Role{RoleLead, RoleTrainer}, []Precondition{{"first session day reached", firstDayReached}}}, true
	case Complete:
		return Spec{cmd, []Role{RoleLead, RoleTrainer}, []Precondition{{"last session over", lastSessionOver}}}, true
	case Close:
		return Spec{cmd, []Role{RoleLead}, []Precondition{{"required follow-up tasks done", tasksDone}}}, true
	case Reschedule:
		return Spec{cmd, []Role{RoleLead}, []Precondition{{"reason given", reasonGiven}, {"new dates given", datesConfirmed}}}, true
	case Cancel:
		return Spec{cmd, []Role{RoleLead, RoleManager}, []Precondition{{"reason given", reasonGiven}}}, true
	}
	return Spec{}, false
}

// ErrForbidden is wrapped by every *ForbiddenError.
var ErrForbidden = errors.New("forbidden")

// ForbiddenError names the role and command so the answer explains itself.
type ForbiddenError struct {
	Role    Role    `json:"role"`
	Command Command `json:"command"`
}

// Error says who tried what, never why the role exists: that is policy, not a fact.
func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("role %q may not %s a course", e.Role, e.Command)
}

// Unwrap lets errors.Is(err, ErrForbidden) match.
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// Authorize checks the role alone; admin may do everything, director nothing.
func Authorize(role Role, cmd Command) error {
	spec, ok := SpecFor(cmd)
	if !ok {
		return fmt.Errorf("unknown command %q: %w", cmd, ErrForbidden)
	}
	if role == RoleAdmin || slices.Contains(spec.Roles, role) {
		return nil
	}
	return &ForbiddenError{Role: role, Command: cmd}
}

// ErrPreconditionFailed is wrapped by every *PreconditionError.
var ErrPreconditionFailed = errors.New("precondition failed")

// PreconditionError names the unmet precondition; Err carries its detail (for
// closing, an *OpenTasksError listing the tasks).
type PreconditionError struct {
	Command      Command `json:"command"`
	Precondition string  `json:"precondition"`
	Err          error   `json:"-"`
}

// Error puts the precondition's name first: it is what users search the help for.
func (e *PreconditionError) Error() string {
	return fmt.Sprintf("cannot %s: %s: %v", e.Command, e.Precondition, e.Err)
}

// Unwrap exposes both the sentinel and the detail to errors.Is / errors.As.
func (e *PreconditionError) Unwrap() []error { return []error{ErrPreconditionFailed, e.Err} }

// Decide runs a command: role first (a user who may not act learns nothing about the
// course), then the state machine, then the preconditions in declared order.
func Decide(s State, cmd Command, actor Role, f Facts) (State, error) {
	if err := Authorize(actor, cmd); err != nil {
		return s, err
	}
	next, err := Transition(s, cmd)
	if err != nil {
		return s, err
	}
	spec, _ := SpecFor(cmd)
	for _, p := range spec.Preconditions {
		if err := p.Check(f); err != nil {
			return s, &PreconditionError{Command: cmd, Precondition: p.Name, Err: err}
		}
	}
	return next, nil
}

func datesConfirmed(f Facts) error {
	switch {
	case f.FirstSession.IsZero():
		return errors.New("no first session date")
	case f.LastSession.IsZero():
		return errors.New("no last session date")
	case f.LastSession.Before(f.FirstSession):
		return fmt.Errorf("last session %v is before first session %v", f.LastSession, f.FirstSession)
	}
	return nil
}

func planApproved(f Facts) error {
	if !f.PlanApproved {
		return errors.New("the lead has not approved the course plan")
	}
	return nil
}

func sessionsStaffed(f Facts) error {
	if len(f.UnstaffedSessions) > 0 {
		return fmt.Errorf("no trainer for sessions %s", strings.Join(f.UnstaffedSessions, ", "))
	}
	return nil
}

func readinessComplete(f Facts) error {
	if len(f.IncompleteReadiness) > 0 {
		return fmt.Errorf("items not checked: %s", strings.Join(f.IncompleteReadiness, ", "))
	}
	return nil
}

func firstDayReached(f Facts) error {
	if today := calendar.DateOf(f.Now); today.Before(f.FirstSession) {
		return fmt.Errorf("the first session is on %v, today is %v", f.FirstSession, today)
	}
	return nil
}

// DayEnds is when a day of classes is over, local time: the end of the
// afternoon half-day.
const DayEnds = 17

// lastSessionOver lets a course complete once its last half-day is over, not
// on the morning of its last day: the afternoon class has yet to happen.
func lastSessionOver(f Facts) error {
	ends := f.LastSessionEnds
	if ends.IsZero() {
		ends = f.LastSession.At(DayEnds, 0)
	}
	if f.Now.Before(ends) {
		return fmt.Errorf("the last session ends at %s, it is %s", ends.In(calendar.Zone()).Format("2006-01-02 15:04"),
			f.Now.In(calendar.Zone()).Format("2006-01-02 15:04"))
	}
	return nil
}

func sessionsWithin(f Facts) error {
	if len(f.SessionsOutside) > 0 {
		return fmt.Errorf("sessions %s lie outside %v..%v: remove them first", strings.Join(f.SessionsOutside, ", "), f.FirstSession, f.LastSession)
	}
	return nil
}

func tasksDone(f Facts) error { return CanClose(f.Tasks) }

func reasonGiven(f Facts) error {
	if strings.TrimSpace(f.Reason) == "" {
		return errors.New("a reason is required")
	}
	return nil
}
