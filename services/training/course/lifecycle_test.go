package course

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// legal is the whole state machine written out by hand; every pair not listed here
// must be refused. Keeping it explicit means a change to Transition shows up as a
// diff a reviewer can read.
var legal = map[State]map[Command]State{
	Requested:   {Schedule: Scheduled, Cancel: Cancelled},
	Scheduled:   {Plan: Planned, Reschedule: Rescheduled, Cancel: Cancelled},
	Planned:     {MarkReady: Ready, Reschedule: Rescheduled, Cancel: Cancelled},
	Ready:       {Start: InProgress, Reschedule: Rescheduled, Cancel: Cancelled},
	InProgress:  {Complete: Completed},
	Completed:   {Close: Closed},
	Closed:      {},
	Rescheduled: {Schedule: Scheduled, Cancel: Cancelled},
	Cancelled:   {},
}

func TestEveryStateAndCommandPairFollowsTheExpectedMap(t *testing.T) {
	if len(legal) != len(States()) {
		t.Fatalf("expected map covers %d states, the machine has %d", len(legal), len(States()))
	}
	for _, s := range States() {
		for _, c := range Commands() {
			t.Run(string(s)+"/"+string(c), func(t *testing.T) {
				want, ok := legal[s][c]
				got, err := Transition(s, c)
				if ok {
					if err != nil || got != want {
						t.Fatalf("Transition = %q, %v; want %q", got, err, want)
					}
					return
				}
				var ite *IllegalTransitionError
				if !errors.As(err, &ite) || !errors.Is(err, ErrIllegalTransition) {
					t.Fatalf("Transition = %q, %v; want *IllegalTransitionError", got, err)
				}
				if ite.From != s || ite.Command != c || got != s {
					t.Fatalf("error = %+v, state %q; want from %q command %q, state unchanged", ite, got, s, c)
				}
				if !strings.Contains(err.Error(), string(s)) {
					t.Fatalf("message %q does not name the current state", err)
				}
			})
		}
	}
}

func TestTerminalStatesAllowNoCommand(t *testing.T) {
	for _, s := range States() {
		t.Run(string(s), func(t *testing.T) {
			if got := len(Allowed(s)) == 0; got != s.Terminal() {
				t.Errorf("Allowed(%s) = %v but Terminal = %v", s, Allowed(s), s.Terminal())
			}
		})
	}
}

func TestEveryStateIsReachableFromRequested(t *testing.T) {
	seen := map[State]bool{Requested: true}
	queue := []State{Requested}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, c := range Allowed(s) {
			next, _ := Transition(s, c)
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	for _, s := range States() {
		if !seen[s] {
			t.Errorf("state %s cannot be reached", s)
		}
	}
}

// A course has ended once it is held or cancelled, and nothing brings an
// ended course back: its participants' contact people are history from then
// on, while an open course's follow whoever works at the unit.
func TestACourseHasEndedOnceHeldOrCancelledAndStaysEnded(t *testing.T) {
	ended := map[State]bool{Completed: true, Closed: true, Cancelled: true}
	for _, s := range States() {
		t.Run(string(s), func(t *testing.T) {
			if s.Ended() != ended[s] {
				t.Fatalf("Ended = %v, want %v", s.Ended(), ended[s])
			}
			if s.Ended() == slices.Contains(OpenStates(), s) {
				t.Fatalf("OpenStates() = %v disagrees with Ended", OpenStates())
			}
			for _, c := range Allowed(s) {
				if next, _ := Transition(s, c); s.Ended() && !next.Ended() {
					t.Fatalf("%s takes an ended course back to %s", c, next)
				}
			}
		})
	}
}
