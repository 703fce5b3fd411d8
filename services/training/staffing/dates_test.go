package staffing

import (
	"errors"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
)

func TestASessionEndsWithItsHalfDay(t *testing.T) {
	if got, want := session("a", mon, Morning).Ends(), mon.At(12, 0); !got.Equal(want) {
		t.Errorf("morning ends %v, want %v", got, want)
	}
	if got, want := session("b", mon, Afternoon).Ends(), mon.At(17, 0); !got.Equal(want) {
		t.Errorf("afternoon ends %v, want %v", got, want)
	}
	if got := session("b", mon, Afternoon).Ends(); got.Location().String() != calendar.ZoneName || got.Hour() != 17 {
		t.Errorf("afternoon ends %v, want 17:00 in %s", got, calendar.ZoneName)
	}
}

func TestASessionMustLieWithinItsCoursesDates(t *testing.T) {
	fri := mon.AddDays(4)
	tests := []struct {
		name        string
		day         calendar.Date
		first, last calendar.Date
		ok          bool
	}{
		{"on the first day", mon, mon, fri, true},
		{"on the last day", fri, mon, fri, true},
		{"the day before", mon.AddDays(-1), mon, fri, false},
		{"months after", fri.AddDays(90), mon, fri, false},
		{"a course without dates takes any day", fri.AddDays(90), calendar.Date{}, calendar.Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDate(session("a", tt.day, Morning), tt.first, tt.last)
			var v *course.ValidationError
			if tt.ok != (err == nil) || (err != nil && (!errors.As(err, &v) || !v.Has("date"))) {
				t.Fatalf("CheckDate = %v, want ok %v (else naming date)", err, tt.ok)
			}
		})
	}
}

func TestARescheduleMovesACourseOfTheSameLengthAndTrimsAnother(t *testing.T) {
	d := func(n int) calendar.Date { return mon.AddDays(n) }
	ss := []Session{session("a", d(0), Morning), session("b", d(0), Afternoon), session("c", d(1), Morning)}
	type moved struct {
		ID  string
		Day calendar.Date
	}
	tests := []struct {
		name              string
		oldFirst, oldLast calendar.Date
		newFirst, newLast calendar.Date
		wantMoved         []moved // in the order applied
		wantDropped       []string
	}{
		{"a week later, same length: every session moves, latest first", d(0), d(1), d(7), d(8),
			[]moved{{"c", d(8)}, {"a", d(7)}, {"b", d(7)}}, nil},
		{"one day later, onto its own second day", d(0), d(1), d(1), d(2),
			[]moved{{"c", d(2)}, {"a", d(1)}, {"b", d(1)}}, nil},
		{"earlier, same length: earliest first", d(0), d(1), d(-3), d(-2),
			[]moved{{"a", d(-3)}, {"b", d(-3)}, {"c", d(-2)}}, nil},
		{"the same dates: nothing changes", d(0), d(1), d(0), d(1), nil, nil},
		{"cut to its first day: the second day's session goes", d(0), d(1), d(0), d(0), nil, []string{"c"}},
		{"longer: sessions within stay", d(0), d(1), d(1), d(3), nil, []string{"a", "b"}},
		{"elsewhere and longer: all go", d(0), d(1), d(10), d(14), nil, []string{"a", "b", "c"}},
		{"a course without dates keeps what fits", calendar.Date{}, calendar.Date{}, d(1), d(2), nil, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Reschedule(ss, tt.oldFirst, tt.oldLast, tt.newFirst, tt.newLast)
			var gotMoved []moved
			for _, s := range m.Moved {
				gotMoved = append(gotMoved, moved{s.ID, s.Date})
			}
			var gotDropped []string
			for _, s := range m.Dropped {
				gotDropped = append(gotDropped, s.ID)
			}
			if !slices.Equal(gotMoved, tt.wantMoved) || !slices.Equal(gotDropped, tt.wantDropped) {
				t.Fatalf("Reschedule moved %v dropped %v; want %v and %v", gotMoved, gotDropped, tt.wantMoved, tt.wantDropped)
			}
		})
	}
}
