package party

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestAnInteractionIsCheckedAgainstTheBusinessDay(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	// 00:30 on Tuesday 3 November in Hanoi, still Monday in UTC.
	now := time.Date(2026, time.November, 3, 0, 30, 0, 0, hcm)
	party := "01a20d8e-f01a-7a22-ba99-5a13a77365a4"
	tests := []struct {
		name string
		in   Interaction
		next Date
		want []FieldError
	}{
		{"now, follow-up today", Interaction{Kind: "call", PartyID: party, OccurredAt: now, NextActionOn: "2026-11-03"}, Date{2026, time.November, 3}, nil},
		{"a follow-up written day first", Interaction{Kind: "call", PartyID: party, OccurredAt: now, NextActionOn: "5/11/2026"}, Date{2026, time.November, 5}, nil},
		{"a follow-up on no day", Interaction{Kind: "call", PartyID: party, OccurredAt: now, NextActionOn: "2027-02-29"}, Date{},
			[]FieldError{{"next_action_on", ErrInvalidDate.Error()}}},
		{"no follow-up", Interaction{Kind: "zalo", PartyID: party, OccurredAt: now}, Date{}, nil},
		{"a client clock a minute fast", Interaction{Kind: "call", PartyID: party, OccurredAt: now.Add(time.Minute)}, Date{}, nil},
		{"last week, follow-up yesterday", Interaction{Kind: "meeting", PartyID: party, OccurredAt: now.AddDate(0, 0, -7), NextActionOn: "2026-11-02"},
			Date{2026, time.November, 2}, nil},
		{"follow-up before the call's day", Interaction{Kind: "call", PartyID: party, OccurredAt: now, NextActionOn: "2026-11-02"}, Date{},
			[]FieldError{{"next_action_on", "must not be before the day of the interaction (2026-11-03)"}}},
		{"a follow-up three years ahead", Interaction{Kind: "call", PartyID: party, OccurredAt: now, NextActionOn: "2029-11-03"}, Date{2029, time.November, 3}, nil},
		{"a follow-up in a year typed wrong", Interaction{Kind: "call", PartyID: party, OccurredAt: now, NextActionOn: "2036-11-04"}, Date{},
			[]FieldError{{"next_action_on", "must not be after 2029-11-03: 3 years ahead is further than anyone plans a call (is the year typed wrong?)"}}},
		{"a call tomorrow", Interaction{Kind: "call", PartyID: party, OccurredAt: now.Add(24 * time.Hour)}, Date{},
			[]FieldError{{"occurred_at", "must not be in the future: log an interaction once it happened, and plan the next one with next_action_on"}}},
		{"a call in 1800", Interaction{Kind: "call", PartyID: party, OccurredAt: time.Date(1800, time.November, 3, 9, 0, 0, 0, hcm)}, Date{},
			[]FieldError{{"occurred_at", "must not be before 2000-01-01"}}},
		{"a client's unset time, year 1", Interaction{Kind: "call", PartyID: party}, Date{},
			[]FieldError{{"occurred_at", "must not be before 2000-01-01"}}},
		{"the first call of 2000 in Hanoi, still 1999 in UTC", Interaction{Kind: "call", PartyID: party, OccurredAt: time.Date(2000, time.January, 1, 5, 0, 0, 0, hcm)}, Date{}, nil},
		{"the last call of 1999 in Hanoi", Interaction{Kind: "call", PartyID: party, OccurredAt: time.Date(1999, time.December, 31, 23, 0, 0, 0, hcm)}, Date{},
			[]FieldError{{"occurred_at", "must not be before 2000-01-01"}}},
		{"everything wrong", Interaction{Kind: "telegram", PartyID: "Trường A", OccurredAt: now, NextActionOn: "mai"}, Date{}, []FieldError{
			{"kind", "must be one of call, email, meeting, zalo, sms, note"},
			{"party_id", "is not an id: it must be the id of an organisation or person"},
			{"next_action_on", ErrInvalidDate.Error()},
		}},
		{"no party", Interaction{Kind: "call", OccurredAt: now}, Date{}, []FieldError{{"party_id", "is required: the id of an organisation or person"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, err := CheckInteraction(tt.in, now)
			var verr *ValidationError
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != nil && (!errors.As(err, &verr) || verr.Subject() != "interaction" || !reflect.DeepEqual(verr.Fields, tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			case next != tt.next:
				t.Fatalf("next action %v, want %v", next, tt.next)
			}
		})
	}
}
