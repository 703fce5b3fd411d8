package course

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Crew is who works on one course: its lead (the lead who scheduled it) and
// the staff assigned to its sessions, trainers and assistants alike.
type Crew struct {
	CourseID string
	LeadID   string // empty until the course is scheduled
	Staff    []string
}

// Worker is the staff member asking to do a piece of field work.
type Worker struct {
	ID    string
	Roles []Role
}

func (w Worker) has(r Role) bool { return slices.Contains(w.Roles, r) }

// ErrNotOnCourse is wrapped by every *NotOnCourseError.
var ErrNotOnCourse = errors.New("not on the course")

// NotOnCourseError says that a person with the right role is not one of the
// course's crew (or, for a task, not its owner), so the answer names who may.
type NotOnCourseError struct {
	PersonID string `json:"person_id"`
	CourseID string `json:"course_id"`
	Work     string `json:"work"`
	MayBy    string `json:"may_by"`
}

// Error names the person, the work and who may do it instead.
func (e *NotOnCourseError) Error() string {
	return fmt.Sprintf("%s may not %s: %s", e.PersonID, e.Work, e.MayBy)
}

// Unwrap lets errors.Is(err, ErrNotOnCourse) and errors.Is(err, ErrForbidden) match.
func (e *NotOnCourseError) Unwrap() []error { return []error{ErrNotOnCourse, ErrForbidden} }

// IsLead reports whether w leads the course: the lead who scheduled it, or any
// lead while nobody has yet (the course is still a request).
func (c Crew) IsLead(w Worker) bool {
	return w.has(RoleLead) && (c.LeadID == "" || c.LeadID == w.ID)
}

// MayWork decides who does the field work of a course (start, complete,
// attendance, session reports, checklist checks): its crew and admin. A
// trainer who is not staffed on the course never saw it, so what they would
// record is not first-hand; another lead's course is that lead's to run.
func MayWork(w Worker, c Crew, work string) error {
	if w.has(RoleAdmin) || c.IsLead(w) || slices.Contains(c.Staff, w.ID) {
		return nil
	}
	return &NotOnCourseError{PersonID: w.ID, CourseID: c.CourseID, Work: work,
		MayBy: "only the course's lead, the staff assigned to its sessions and an admin may"}
}

// MayCompleteTask decides who ticks off a follow-up task: its owner, the
// course's lead (who answers for every task of the course) and admin. A task
// with no owner (no trainer was staffed) is the lead's.
func MayCompleteTask(w Worker, c Crew, ownerID string) error {
	if w.has(RoleAdmin) || c.IsLead(w) || (ownerID != "" && ownerID == w.ID) {
		return nil
	}
	return &NotOnCourseError{PersonID: w.ID, CourseID: c.CourseID, Work: "complete this task",
		MayBy: "only its owner, the course's lead and an admin may"}
}

// ErrTaskNotReopenable is wrapped by every *TaskNotReopenableError.
var ErrTaskNotReopenable = errors.New("task cannot be reopened")

// TaskNotReopenableError says why a task stays as it is.
type TaskNotReopenableError struct {
	Status      TaskStatus `json:"status"`
	CourseState State      `json:"course_state"`
}

// Error names the fact that blocks the reopening.
func (e *TaskNotReopenableError) Error() string {
	if e.Status != TaskDone {
		return fmt.Sprintf("the task is %s, not done", e.Status)
	}
	return fmt.Sprintf("the course is %s: its tasks are history", e.CourseState)
}

// Unwrap lets errors.Is(err, ErrTaskNotReopenable) match.
func (e *TaskNotReopenableError) Unwrap() error { return ErrTaskNotReopenable }

// ReopenTask decides whether w may reopen a task done by mistake: the
// course's lead or admin, with a reason, while the course is completed and not
// yet closed (a closed course was closed on the strength of its tasks).
func ReopenTask(w Worker, c Crew, status TaskStatus, s State, reason string) error {
	if !w.has(RoleAdmin) && !(w.has(RoleLead) && c.LeadID == w.ID) {
		return &NotOnCourseError{PersonID: w.ID, CourseID: c.CourseID, Work: "reopen this task",
			MayBy: "only the course's lead and an admin may"}
	}
	if status != TaskDone || s != Completed {
		return &TaskNotReopenableError{Status: status, CourseState: s}
	}
	if strings.TrimSpace(reason) == "" {
		var v ValidationError
		v.Add("reason", "required: say why the task is not done after all")
		return v.Err()
	}
	return nil
}

// FieldWork reports whether cmd is done on the ground, so that besides its
// role only the course's crew may issue it (MayWork).
func (cmd Command) FieldWork() bool { return cmd == Start || cmd == Complete }
