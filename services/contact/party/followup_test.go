package party

import (
	"errors"
	"testing"
	"time"
)

func TestAFollowUpStandsUntilItIsReplacedOrDone(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	at := func(day, hour int) time.Time { return time.Date(2026, time.November, day, hour, 0, 0, 0, hcm) }
	logged := at(20, 9) // when the interactions below were logged, unless they say
	on := func(day int) Date { return Date{2026, time.November, day} }
	tests := []struct {
		name string
		in   []Logged
		want Date
	}{
		{"no interaction", nil, Date{}},
		{"none agreed", []Logged{{OccurredAt: at(2, 9), LoggedAt: logged}}, Date{}},
		{"one agreed", []Logged{{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)}}, on(10)},
		{"a note before the day keeps it", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: at(4, 15), LoggedAt: logged},
		}, on(10)},
		{"a call on the day completes it", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: at(10, 8), LoggedAt: logged},
		}, Date{}},
		{"a call after the day completes it", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: at(12, 8), LoggedAt: logged},
		}, Date{}},
		{"the day is the business day: 00:30 in Hanoi is the 10th, still the 9th in UTC", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: time.Date(2026, time.November, 10, 0, 30, 0, 0, hcm), LoggedAt: logged},
		}, Date{}},
		{"done early completes it", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: at(4, 15), LoggedAt: logged, FollowUpDone: true},
		}, Date{}},
		{"done, and the next agreed: the next stands", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: at(4, 15), LoggedAt: logged, FollowUpDone: true, NextActionOn: on(20)},
		}, on(20)},
		{"a later one agreed replaces it, even an earlier day", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: at(4, 15), LoggedAt: logged, NextActionOn: on(6)},
		}, on(6)},
		{"a backdated call, logged last, does not replace the newer one", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: at(2, 9), NextActionOn: on(10)},
			{OccurredAt: at(1, 9), LoggedAt: at(2, 10), NextActionOn: on(3)},
		}, on(10)},
		{"a backdated note done does not complete the newer one", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: at(2, 9), NextActionOn: on(10)},
			{OccurredAt: at(1, 9), LoggedAt: at(2, 10), FollowUpDone: true},
		}, on(10)},
		{"read in the order they happened, not as listed", []Logged{
			{OccurredAt: at(12, 8), LoggedAt: logged},
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)},
		}, Date{}},
		{"done with none standing changes nothing, and the next one stands", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, FollowUpDone: true},
			{OccurredAt: at(3, 9), LoggedAt: logged, NextActionOn: on(10)},
			{OccurredAt: at(5, 9), LoggedAt: logged},
		}, on(10)},
		{"at the same time, the one logged last wins", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: at(2, 10), NextActionOn: on(10)},
			{OccurredAt: at(2, 9), LoggedAt: at(2, 9), NextActionOn: on(5)},
		}, on(10)},
		{"a follow-up agreed for the day of its call is done by the next call that day", []Logged{
			{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(2)},
			{OccurredAt: at(2, 16), LoggedAt: logged},
		}, Date{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FollowUp(tt.in, hcm); got != tt.want {
				t.Errorf("FollowUp = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFollowUpDoneNeedsAFollowUpStandingBeforeIt(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	at := func(day, hour int) time.Time { return time.Date(2026, time.November, day, hour, 0, 0, 0, hcm) }
	logged := at(20, 9)
	on := func(day int) Date { return Date{2026, time.November, day} }
	agreed := Logged{OccurredAt: at(2, 9), LoggedAt: logged, NextActionOn: on(10)}
	done := func(day int) Logged { return Logged{OccurredAt: at(day, 15), LoggedAt: at(20, 10), FollowUpDone: true} }
	for _, c := range []struct {
		name   string
		others []Logged
		in     Logged
		ok     bool
	}{
		{"not done", nil, Logged{OccurredAt: at(4, 15), LoggedAt: logged}, true},
		{"done with nothing agreed", nil, done(4), false},
		{"done before anything was agreed", []Logged{agreed}, done(1), false},
		{"done after a follow-up was agreed", []Logged{agreed}, done(4), true},
		{"done, and a new date agreed", []Logged{agreed}, Logged{OccurredAt: at(4, 15), LoggedAt: logged, NextActionOn: on(12), FollowUpDone: true}, true},
		{"done with a new date and nothing agreed before", nil, Logged{OccurredAt: at(4, 15), LoggedAt: logged, NextActionOn: on(12), FollowUpDone: true}, false},
		{"done after the follow-up was completed on its day", []Logged{agreed, {OccurredAt: at(10, 9), LoggedAt: logged}}, done(11), false},
		{"done after the follow-up was completed early", []Logged{agreed, done(4)}, done(5), false},
		{"backdated, done while one stood then", []Logged{agreed, {OccurredAt: at(10, 9), LoggedAt: logged}}, done(5), true},
		{"a later interaction's follow-up is not before it", []Logged{{OccurredAt: at(6, 9), LoggedAt: logged, NextActionOn: on(10)}}, done(5), false},
	} {
		err := CheckFollowUpDone(c.others, c.in, hcm)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want allowed %v", c.name, err, c.ok)
		}
		var verr *ValidationError
		if err != nil && (!errors.As(err, &verr) || !hasField(verr, "follow_up_done", "there is no follow-up to complete")) {
			t.Errorf("%s: %v does not name follow_up_done", c.name, err)
		}
	}
}
