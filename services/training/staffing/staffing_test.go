package staffing

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

var (
	mon = calendar.Date{Year: 2025, Month: 4, Day: 14}
	tue = mon.AddDays(1)
)

func session(id string, d calendar.Date, h HalfDay) Session {
	return Session{ID: id, CourseID: "c-1", Date: d, HalfDay: h, Venue: "Hội trường"}
}

func TestSessionsOverlapOnlyOnTheSameDateAndHalfDay(t *testing.T) {
	tests := []struct {
		name string
		a, b Session
		want bool
	}{
		{"same morning in different courses", session("a", mon, Morning), Session{ID: "b", CourseID: "c-2", Date: mon, HalfDay: Morning}, true},
		{"morning and afternoon of the same day", session("a", mon, Morning), session("b", mon, Afternoon), false},
		{"same half-day on different days", session("a", mon, Morning), session("b", tue, Morning), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Overlaps(tt.a, tt.b); got != tt.want {
				t.Errorf("Overlaps = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDoubleBookedTrainerIsRefusedNamingTheConflictingSession(t *testing.T) {
	plan := Plan{Sessions: []Session{session("s1", mon, Morning), session("s2", mon, Afternoon)}}
	plan, err := plan.Assign(Assignment{SessionID: "s1", PersonID: "p-an", Duty: Trainer}, nil)
	if err != nil {
		t.Fatal(err)
	}
	otherCourse := Session{ID: "x9", CourseID: "c-2", Date: mon, HalfDay: Afternoon, MeetingLink: "https://zoom.example/1"}
	elsewhere := []Booking{{PersonID: "p-binh", Duty: Trainer, Session: otherCourse}}

	tests := []struct {
		name         string
		assign       Assignment
		wantConflict string // empty: accepted
	}{
		{"same person in the afternoon is fine", Assignment{SessionID: "s2", PersonID: "p-an", Duty: Trainer}, ""},
		{"same person again in the same session", Assignment{SessionID: "s1", PersonID: "p-an", Duty: Assistant}, "s1"},
		{"person teaching another course that afternoon", Assignment{SessionID: "s2", PersonID: "p-binh", Duty: Trainer}, "x9"},
		{"an assistant cannot be in two places either", Assignment{SessionID: "s2", PersonID: "p-binh", Duty: Assistant}, "x9"},
		{"a different person in the same session is fine", Assignment{SessionID: "s1", PersonID: "p-chi", Duty: Assistant}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan.Assign(tt.assign, elsewhere)
			if tt.wantConflict == "" {
				if err != nil || len(got.Assignments) != len(plan.Assignments)+1 {
					t.Fatalf("Assign = %v, %v; want accepted", got.Assignments, err)
				}
				return
			}
			var dbe *DoubleBookingError
			if !errors.As(err, &dbe) || !errors.Is(err, ErrDoubleBooked) {
				t.Fatalf("Assign = %v, want *DoubleBookingError", err)
			}
			if dbe.Conflict.ID != tt.wantConflict || dbe.PersonID != tt.assign.PersonID {
				t.Fatalf("error = %+v, want conflict %s", dbe, tt.wantConflict)
			}
			if len(got.Assignments) != len(plan.Assignments) {
				t.Fatalf("refused assignment changed the plan")
			}
		})
	}
}

func TestAssignRefusesBadAssignmentsAsValidationErrors(t *testing.T) {
	plan := Plan{Sessions: []Session{session("s1", mon, Morning)}}
	tests := []struct {
		name   string
		assign Assignment
		field  string
	}{
		{"unknown session", Assignment{SessionID: "nope", PersonID: "p", Duty: Trainer}, "session_id"},
		{"no person", Assignment{SessionID: "s1", Duty: Trainer}, "person_id"},
		{"unknown duty", Assignment{SessionID: "s1", PersonID: "p", Duty: "driver"}, "duty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan.Assign(tt.assign, nil)
			var v *course.ValidationError
			if !errors.As(err, &v) || !v.Has(tt.field) {
				t.Fatalf("Assign = %v, want a problem with %s", err, tt.field)
			}
		})
	}
}

func TestAssignDoesNotShareStorageWithTheOriginalPlan(t *testing.T) {
	base := Plan{Sessions: []Session{session("s1", mon, Morning), session("s2", tue, Morning)}}
	base.Assignments = make([]Assignment, 0, 4)
	a, _ := base.Assign(Assignment{SessionID: "s1", PersonID: "p1", Duty: Trainer}, nil)
	b, _ := base.Assign(Assignment{SessionID: "s2", PersonID: "p2", Duty: Trainer}, nil)
	if a.Assignments[0].PersonID != "p1" || b.Assignments[0].PersonID != "p2" {
		t.Fatalf("plans share storage: %v %v", a.Assignments, b.Assignments)
	}
}

func TestUnstaffedListsSessionsWithoutATrainer(t *testing.T) {
	plan := Plan{
		Sessions: []Session{session("s1", mon, Morning), session("s2", mon, Afternoon), session("s3", tue, Morning)},
		Assignments: []Assignment{
			{SessionID: "s1", PersonID: "p1", Duty: Trainer},
			{SessionID: "s2", PersonID: "p2", Duty: Assistant},
		},
	}
	if got := Unstaffed(plan); !slices.Equal(got, []string{"s2", "s3"}) {
		t.Errorf("Unstaffed = %v", got)
	}
}

func TestSessionNeedsAVenueInPersonAndALinkOnline(t *testing.T) {
	tests := []struct {
		name  string
		s     Session
		mode  course.Mode
		field string // empty: valid
	}{
		{"in person with a venue", session("s1", mon, Morning), course.InPerson, ""},
		{"in person without a venue", Session{ID: "s1", Date: mon, HalfDay: Morning}, course.InPerson, "venue"},
		{"online without a link", session("s1", mon, Morning), course.Online, "meeting_link"},
		{"evening is not a half-day", Session{ID: "s1", Date: mon, HalfDay: "evening", MeetingLink: "l"}, course.Online, "half_day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate(tt.mode)
			var v *course.ValidationError
			if tt.field == "" && err != nil || tt.field != "" && (!errors.As(err, &v) || !v.Has(tt.field)) {
				t.Fatalf("Validate = %v, want problem with %q", err, tt.field)
			}
		})
	}
}

func TestStaffingPlanIsDueSaturdayNineOfThePreviousWeek(t *testing.T) {
	sat := time.Date(2025, 4, 12, 9, 0, 0, 0, calendar.Zone())
	tests := []struct {
		name  string
		first calendar.Date
		want  time.Time
	}{
		{"course on a Monday", mon, sat},
		{"course on a Wednesday", mon.AddDays(2), sat},
		{"course on a Saturday", mon.AddDays(5), sat},
		{"course on a Sunday still belongs to the Monday week", mon.AddDays(6), sat},
		{"course across a month boundary", calendar.Date{Year: 2025, Month: 5, Day: 1}, time.Date(2025, 4, 26, 9, 0, 0, 0, calendar.Zone())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StaffingPlanDue(tt.first)
			if !got.Equal(tt.want) || got.Weekday() != time.Saturday {
				t.Errorf("StaffingPlanDue(%v) = %v, want %v", tt.first, got, tt.want)
			}
		})
	}
}

func TestAnAssignmentNamesItsPersonByTheirLogin(t *testing.T) {
	plan := Plan{Sessions: []Session{session("s1", mon, Morning)}}
	for _, c := range []struct{ id, why string }{
		{"trainer-nam", ""},
		{"", "is blank"},
		{"  Trainer-Nam ", "starts or ends with white space"},
		{"Nguyễn Văn Nam", "holds a space"},
		{"trainer-\u200bnam", "invisible or control character"},
	} {
		_, err := plan.Assign(Assignment{SessionID: "s1", PersonID: c.id, Duty: Trainer}, nil)
		var v *course.ValidationError
		switch {
		case c.why == "" && err != nil:
			t.Errorf("Assign(%q) refused: %v", c.id, err)
		case c.why != "" && (!errors.As(err, &v) || !v.Has("person_id") || !strings.Contains(err.Error(), c.why)):
			t.Errorf("Assign(%q) = %v, want person_id %q", c.id, err, c.why)
		}
	}
}
