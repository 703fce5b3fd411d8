package course

import (
	"errors"
	"fmt"
)

// State is where a course is in its life.
type State string

// Course states. Closed and cancelled are terminal.
const (
	Requested   State = "requested"   // sales handed it over
	Scheduled   State = "scheduled"   // the lead confirmed the dates
	Planned     State = "planned"     // course plan approved, staff assigned
	Ready       State = "ready"       // readiness checklist complete
	InProgress  State = "in_progress" // first session started
	Completed   State = "completed"   // last session done, follow-up tasks open
	Closed      State = "closed"      // required follow-up tasks done
	Rescheduled State = "rescheduled" // dates moved; waits for the lead to confirm new ones
	Cancelled   State = "cancelled"
)

// States lists every state, in lifecycle order, so tables can cover them all.
func States() []State {
	return []State{Requested, Scheduled, Planned, Ready, InProgress, Completed, Closed, Rescheduled, Cancelled}
}

// Terminal reports whether no command can move a course out of s.
func (s State) Terminal() bool { return s == Closed || s == Cancelled }

// Ended reports whether the course is over: held (completed, closed) or
// cancelled. Until then a participant's contact people are whoever works at
// the unit now, so a person who moved, was restored or joined is kept
// current; an ended course keeps those it had, as its history.
func (s State) Ended() bool { return s == Completed || s == Closed || s == Cancelled }

// OpenStates lists the states of a course that has not ended.
func OpenStates() []State {
	var out []State
	for _, s := range States() {
		if !s.Ended() {
			out = append(out, s)
		}
	}
	return out
}

// Command is something a user asks a course to do.
type Command string

// Course commands.
const (
	Schedule   Command = "schedule"
	Plan       Command = "plan"
	MarkReady  Command = "mark_ready"
	Start      Command = "start"
	Complete   Command = "complete"
	Close      Command = "close"
	Reschedule Command = "reschedule"
	Cancel     Command = "cancel"
)

// Commands lists every command.
func Commands() []Command {
	return []Command{Schedule, Plan, MarkReady, Start, Complete, Close, Reschedule, Cancel}
}

// ErrIllegalTransition is wrapped by every *IllegalTransitionError.
var ErrIllegalTransition = errors.New("illegal transition")

// IllegalTransitionError names the current state, because the usual cause is a stale
// screen: the user needs to know what happened to the course meanwhile.
type IllegalTransitionError struct {
	From    State   `json:"from"`
	Command Command `json:"command"`
}

// Error names the current state so a stale screen explains itself.
func (e *IllegalTransitionError) Error() string {
	return fmt.Sprintf("cannot %s a course that is %s", e.Command, e.From)
}

// Unwrap lets errors.Is(err, ErrIllegalTransition) match.
func (e *IllegalTransitionError) Unwrap() error { return ErrIllegalTransition }

// Transition is the state machine alone: where cmd takes a course in state s.
// Roles and preconditions are checked by Decide.
//
// Rescheduling is allowed until the course starts and sends it back to the lead to
// confirm new dates (schedule again); once in progress only completion moves it on.
// Cancelling is allowed until the course starts; afterwards it has happened and
// must be completed and closed.
func Transition(s State, cmd Command) (State, error) {
	next, ok := transitionTable(s, cmd)
	if !ok {
		return s, &IllegalTransitionError{From: s, Command: cmd}
	}
	return next, nil
}

func transitionTable(s State, cmd Command) (State, bool) {
	switch cmd {
	case Schedule:
		if s == Requested || s == Rescheduled {
			return Scheduled, true
		}
	case Plan:
		if s == Scheduled {
			return Planned, true
		}
	case MarkReady:
		if s == Planned {
			return Ready, true
		}
	case Start:
		if s == Ready {
			return InProgress, true
		}
	case Complete:
		if s == InProgress {
			return Completed, true
		}
	case Close:
		if s == Completed {
			return Closed, true
		}
	case Reschedule:
		if s == Scheduled || s == Planned || s == Ready {
			return Rescheduled, true
		}
	case Cancel:
		if s == Requested || s == Scheduled || s == Planned || s == Ready || s == Rescheduled {
			return Cancelled, true
		}
	}
	return "", false
}

// Allowed lists the commands that can move a course out of s, so a UI shows only
// the buttons that will work.
func Allowed(s State) []Command {
	var out []Command
	for _, c := range Commands() {
		if _, ok := transitionTable(s, c); ok {
			out = append(out, c)
		}
	}
	return out
}
