package course

import (
	"errors"
	"fmt"
)

// Change is an edit of what a course holds besides its state: its sessions,
// their staff and the units invited. Lifecycle commands are decided by Decide;
// changes only need the course's state to allow them.
type Change string

// Course changes.
const (
	AddSession    Change = "add_session"
	RemoveSession Change = "remove_session"
	AddStaff      Change = "assign"
	RemoveStaff   Change = "unassign"
	AddUnit       Change = "register"
)

// ErrChangeRefused is wrapped by every *ChangeRefusedError.
var ErrChangeRefused = errors.New("change refused")

// ChangeRefusedError names the course's state: as with an illegal transition,
// the usual cause is a screen showing the course as it was.
type ChangeRefusedError struct {
	State  State  `json:"current_state"`
	Change Change `json:"change"`
}

// Error says which change the state refuses.
func (e *ChangeRefusedError) Error() string {
	return fmt.Sprintf("cannot %s on a course that is %s", e.Change, e.State)
}

// Unwrap lets errors.Is(err, ErrChangeRefused) match.
func (e *ChangeRefusedError) Unwrap() error { return ErrChangeRefused }

// CheckChange decides whether a course in state s takes c.
//
// A course that has ended (completed, closed, cancelled) takes no new
// session, staff or unit: they would show a course that will not happen, or
// rewrite one that did, and its staff would block live courses. Sessions and
// staff can be removed only until the course starts: once it runs, what
// happened (attendance, reports) hangs off them.
func CheckChange(s State, c Change) error {
	var ok bool
	switch c {
	case AddSession, AddStaff, AddUnit:
		ok = !s.Ended()
	case RemoveSession, RemoveStaff:
		ok = !s.Started()
	}
	if !ok {
		return &ChangeRefusedError{State: s, Change: c}
	}
	return nil
}

// Started reports whether the course's first session has started: in
// progress, or ended after running.
func (s State) Started() bool { return s == InProgress || s == Completed || s == Closed }
