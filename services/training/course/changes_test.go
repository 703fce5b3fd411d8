package course

import (
	"errors"
	"testing"
)

func TestACourseTakesChangesOnlyInTheStatesThatAllowThem(t *testing.T) {
	// allowed[change] lists the states that take it; every other state refuses.
	allowed := map[Change][]State{
		AddSession:    {Requested, Scheduled, Planned, Ready, InProgress, Rescheduled},
		AddStaff:      {Requested, Scheduled, Planned, Ready, InProgress, Rescheduled},
		AddUnit:       {Requested, Scheduled, Planned, Ready, InProgress, Rescheduled},
		RemoveSession: {Requested, Scheduled, Planned, Ready, Rescheduled, Cancelled},
		RemoveStaff:   {Requested, Scheduled, Planned, Ready, Rescheduled, Cancelled},
	}
	for c, states := range allowed {
		for _, s := range States() {
			t.Run(string(c)+" on "+string(s), func(t *testing.T) {
				want := false
				for _, a := range states {
					want = want || a == s
				}
				err := CheckChange(s, c)
				if want && err != nil {
					t.Fatalf("CheckChange = %v, want nil", err)
				}
				var re *ChangeRefusedError
				if !want && (!errors.As(err, &re) || re.State != s || !errors.Is(err, ErrChangeRefused)) {
					t.Fatalf("CheckChange = %v, want *ChangeRefusedError naming %s", err, s)
				}
			})
		}
	}
}
