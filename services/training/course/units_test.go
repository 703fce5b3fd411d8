package course

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
)

// A course goes forward while one of its units is live; with none left,
// scheduling, planning and marking it ready are refused naming the units.
func TestACourseWithNoLiveUnitIsNotScheduledPlannedOrMadeReady(t *testing.T) {
	ready := Facts{Now: time.Now(), FirstSession: calendar.NewDate(2026, 12, 1), LastSession: calendar.NewDate(2026, 12, 1), PlanApproved: true}
	for _, c := range []struct {
		name           string
		units, deleted []string
		refused        bool
	}{
		{"every unit live", []string{"u1", "u2"}, nil, false},
		{"one of two deleted", []string{"u1", "u2"}, []string{"u2"}, false},
		{"the only unit deleted", []string{"u1"}, []string{"u1"}, true},
		{"both deleted", []string{"u1", "u2"}, []string{"u1", "u2"}, true},
		{"no unit at all", nil, nil, false},
	} {
		for _, step := range []struct {
			from State
			cmd  Command
		}{{Requested, Schedule}, {Scheduled, Plan}, {Planned, MarkReady}} {
			f := ready
			f.UnitIDs, f.DeletedUnits = c.units, c.deleted
			_, err := Decide(step.from, step.cmd, RoleLead, f)
			var gone *DeletedUnitsError
			var pre *PreconditionError
			switch {
			case c.refused && !(errors.As(err, &gone) && errors.As(err, &pre) && pre.Precondition == "a unit not deleted" && slices.Equal(gone.UnitIDs, c.deleted)):
				t.Errorf("%s, %s: %v, want refused naming %v", c.name, step.cmd, err, c.deleted)
			case !c.refused && err != nil:
				t.Errorf("%s, %s: %v", c.name, step.cmd, err)
			}
		}
	}
}

func TestLiveUnitsAreThoseNotDeleted(t *testing.T) {
	if got := LiveUnits([]string{"u1", "u2", "u3"}, []string{"u2"}); !slices.Equal(got, []string{"u1", "u3"}) {
		t.Fatal(got)
	}
}
