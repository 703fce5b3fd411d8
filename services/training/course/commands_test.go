package course

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

// admits is the permission table written out by hand, admin aside.
var admits = map[Command][]Role{
	Schedule:   {RoleLead},
	Plan:       {RoleLead},
	MarkReady:  {RoleLead},
	Start:      {RoleLead, RoleTrainer},
	Complete:   {RoleLead, RoleTrainer},
	Close:      {RoleLead},
	Reschedule: {RoleLead},
	Cancel:     {RoleLead, RoleManager},
}

func TestEveryRoleAndCommandPairIsAuthorizedAsDeclared(t *testing.T) {
	for _, c := range Commands() {
		for _, r := range Roles() {
			t.Run(string(r)+"/"+string(c), func(t *testing.T) {
				want := r == RoleAdmin || slices.Contains(admits[c], r)
				err := Authorize(r, c)
				if want && err != nil {
					t.Fatalf("Authorize = %v, want nil", err)
				}
				var fe *ForbiddenError
				if !want && (!errors.As(err, &fe) || !errors.Is(err, ErrForbidden)) {
					t.Fatalf("Authorize = %v, want *ForbiddenError", err)
				}
			})
		}
	}
}

func TestDirectorMayNotIssueAnyCommand(t *testing.T) {
	for _, c := range Commands() {
		if Authorize(RoleDirector, c) == nil {
			t.Errorf("director may %s", c)
		}
	}
}

func TestUnknownCommandIsForbidden(t *testing.T) {
	if err := Authorize(RoleAdmin, "delete"); !errors.Is(err, ErrForbidden) {
		t.Errorf("Authorize(unknown) = %v", err)
	}
}

// readyFacts satisfies every precondition; each test case breaks one.
func readyFacts() Facts {
	first := calendar.Date{Year: 2025, Month: 4, Day: 11}
	return Facts{
		Now:          local(2025, 4, 12, 17, 0),
		FirstSession: first,
		LastSession:  first.AddDays(1),
		PlanApproved: true,
		Reason:       "đơn vị xin dời lịch",
		Tasks:        []Task{{Kind: TaskUpdateUnitData, Required: true, Status: TaskDone}},
	}
}

func TestDecideMovesTheCourseWhenRoleStateAndPreconditionsAllow(t *testing.T) {
	tests := []struct {
		from  State
		cmd   Command
		actor Role
		want  State
	}{
		{Requested, Schedule, RoleLead, Scheduled},
		{Scheduled, Plan, RoleLead, Planned},
		{Planned, MarkReady, RoleLead, Ready},
		{Ready, Start, RoleTrainer, InProgress},
		{InProgress, Complete, RoleTrainer, Completed},
		{Completed, Close, RoleLead, Closed},
		{Ready, Reschedule, RoleLead, Rescheduled},
		{Rescheduled, Schedule, RoleLead, Scheduled},
		{Planned, Cancel, RoleManager, Cancelled},
		{Completed, Close, RoleAdmin, Closed},
	}
	for _, tt := range tests {
		t.Run(string(tt.actor)+" "+string(tt.cmd)+" from "+string(tt.from), func(t *testing.T) {
			got, err := Decide(tt.from, tt.cmd, tt.actor, readyFacts())
			if err != nil || got != tt.want {
				t.Fatalf("Decide = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDecideRefusesUnmetPreconditionsByName(t *testing.T) {
	tests := []struct {
		name  string
		from  State
		cmd   Command
		spoil func(*Facts)
		want  string
	}{
		{"scheduling without a date", Requested, Schedule, func(f *Facts) { f.FirstSession = calendar.Date{} }, "dates confirmed"},
		{"scheduling with the last day before the first", Requested, Schedule, func(f *Facts) { f.LastSession = f.FirstSession.AddDays(-1) }, "dates confirmed"},
		{"planning before the plan is approved", Scheduled, Plan, func(f *Facts) { f.PlanApproved = false }, "course plan approved"},
		{"planning with a session nobody teaches", Scheduled, Plan, func(f *Facts) { f.UnstaffedSessions = []string{"s-2"} }, "every session has a trainer"},
		{"marking ready with items unchecked", Planned, MarkReady, func(f *Facts) { f.IncompleteReadiness = []string{"wifi"} }, "readiness checklist complete"},
		{"starting the day before", Ready, Start, func(f *Facts) { f.Now = local(2025, 4, 10, 23, 0) }, "first session day reached"},
		{"completing before the last day", InProgress, Complete, func(f *Facts) { f.Now = local(2025, 4, 11, 17, 0) }, "last session over"},
		{"scheduling with a session outside the dates", Requested, Schedule, func(f *Facts) { f.SessionsOutside = []string{"s-9"} }, "sessions within the dates"},
		{"rescheduling without new dates", Planned, Reschedule, func(f *Facts) { f.FirstSession, f.LastSession = calendar.Date{}, calendar.Date{} }, "new dates given"},
		{"rescheduling to a last day before the first", Ready, Reschedule, func(f *Facts) { f.LastSession = f.FirstSession.AddDays(-1) }, "new dates given"},
		{"cancelling without a reason", Scheduled, Cancel, func(f *Facts) { f.Reason = "  " }, "reason given"},
		{"rescheduling without a reason", Planned, Reschedule, func(f *Facts) { f.Reason = "" }, "reason given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			tt.spoil(&f)
			got, err := Decide(tt.from, tt.cmd, RoleAdmin, f)
			var pe *PreconditionError
			if !errors.As(err, &pe) || !errors.Is(err, ErrPreconditionFailed) {
				t.Fatalf("Decide = %q, %v; want *PreconditionError", got, err)
			}
			if pe.Precondition != tt.want || got != tt.from {
				t.Fatalf("precondition %q, state %q; want %q, state unchanged", pe.Precondition, got, tt.want)
			}
		})
	}
}

func TestClosingWithOpenRequiredTasksListsThem(t *testing.T) {
	f := readyFacts()
	f.Tasks = []Task{{Kind: TaskDebtCollection, Required: true, Status: TaskOpen}}
	_, err := Decide(Completed, Close, RoleLead, f)
	var open *OpenTasksError
	if !errors.As(err, &open) || len(open.Tasks) != 1 || open.Tasks[0].Kind != TaskDebtCollection {
		t.Fatalf("Decide = %v, want *OpenTasksError listing debt collection", err)
	}
}

func TestDecideChecksRoleBeforeStateAndStateBeforePreconditions(t *testing.T) {
	tests := []struct {
		name   string
		from   State
		actor  Role
		facts  Facts
		wantIs error
	}{
		{"a sales user on a closed course is forbidden", Closed, RoleSales, Facts{}, ErrForbidden},
		{"a lead on a closed course hits the state machine", Closed, RoleLead, Facts{}, ErrIllegalTransition},
		{"a lead on a scheduled course hits the precondition", Scheduled, RoleLead, Facts{}, ErrPreconditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decide(tt.from, Plan, tt.actor, tt.facts); !errors.Is(err, tt.wantIs) {
				t.Fatalf("Decide = %v, want %v", err, tt.wantIs)
			}
		})
	}
}

func TestACourseCompletesOnlyOnceItsLastHalfDayIsOver(t *testing.T) {
	lastDay := calendar.Date{Year: 2025, Month: 4, Day: 12}
	tests := []struct {
		name string
		now  time.Time
		ends time.Time // the last session's end; zero when the course has no session
		ok   bool
	}{
		{"the morning of the last day, its afternoon class to come", local(2025, 4, 12, 11, 0), local(2025, 4, 12, 17, 0), false},
		{"a minute before the afternoon ends", local(2025, 4, 12, 16, 59), local(2025, 4, 12, 17, 0), false},
		{"when the afternoon ends", local(2025, 4, 12, 17, 0), local(2025, 4, 12, 17, 0), true},
		{"after a last session held in the morning", local(2025, 4, 12, 12, 0), local(2025, 4, 12, 12, 0), true},
		{"the day after", local(2025, 4, 13, 8, 0), local(2025, 4, 12, 17, 0), true},
		{"no session: the last day's afternoon counts", local(2025, 4, 12, 16, 0), time.Time{}, false},
		{"no session, after 17:00", local(2025, 4, 12, 17, 30), time.Time{}, true},
		{"an instant given in UTC is read in Vietnam", time.Date(2025, 4, 12, 9, 30, 0, 0, time.UTC), local(2025, 4, 12, 17, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			f.LastSession, f.Now, f.LastSessionEnds = lastDay, tt.now, tt.ends
			_, err := Decide(InProgress, Complete, RoleTrainer, f)
			if tt.ok != (err == nil) {
				t.Fatalf("Decide(complete) at %v = %v, want ok %v", tt.now, err, tt.ok)
			}
		})
	}
}
