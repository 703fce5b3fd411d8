package party

import (
	"slices"
	"time"
)

// Logged is what the follow-up rule reads of one logged interaction.
type Logged struct {
	OccurredAt time.Time
	// LoggedAt orders interactions that happened at the same time.
	LoggedAt time.Time
	// NextActionOn is the follow-up it agreed, zero for none.
	NextActionOn Date
	// FollowUpDone says it completed the follow-up standing before it,
	// although it came before that follow-up's day (the call-back made early).
	FollowUpDone bool
}

// FollowUp returns a party's follow-up (its next action), zero for none,
// from all its interactions, which it reads in the order they happened:
//   - one that agrees a follow-up replaces the one standing, so the latest
//     to happen wins, and a call of last week logged today does not replace
//     the follow-up agreed yesterday;
//   - one that agrees none leaves the follow-up standing (a note that the
//     brochure went out by Zalo is no call-back), unless it completes it:
//     it happened on or after the follow-up's day, a day of loc, or it
//     says it did (FollowUpDone).
func FollowUp(interactions []Logged, loc *time.Location) Date {
	ordered := slices.Clone(interactions)
	slices.SortStableFunc(ordered, func(a, b Logged) int {
		if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
			return c
		}
		return a.LoggedAt.Compare(b.LoggedAt)
	})
	var due Date
	for _, in := range ordered {
		switch {
		case !in.NextActionOn.IsZero():
			due = in.NextActionOn
		case due.IsZero():
		case in.FollowUpDone || !DateOf(in.OccurredAt.In(loc)).Before(due):
			due = Date{}
		}
	}
	return due
}

// CheckFollowUpDone refuses an interaction (in) saying it completed the
// party's follow-up (FollowUpDone) when none stood before it: read in the
// order they happened, the party's other interactions (others, which do
// not hold in) left no follow-up standing when in happened, so there was
// nothing to complete, and the flag would be stored and published as work
// done that was not (a *ValidationError naming follow_up_done). An
// interaction's own follow-up, before a correction, is not before it: a
// correction replaces it. loc is the business time zone, as for FollowUp.
func CheckFollowUpDone(others []Logged, in Logged, loc *time.Location) error {
	if !in.FollowUpDone {
		return nil
	}
	var before []Logged
	for _, o := range others {
		if o.OccurredAt.Before(in.OccurredAt) || o.OccurredAt.Equal(in.OccurredAt) && o.LoggedAt.Before(in.LoggedAt) {
			before = append(before, o)
		}
	}
	if !FollowUp(before, loc).IsZero() {
		return nil
	}
	var c checks
	c.add("follow_up_done", "there is no follow-up to complete: no interaction before this one agreed one that still stands "+
		"(leave follow_up_done out, and agree the next one with next_action_on)")
	return &ValidationError{Of: "interaction", Fields: c.fields}
}
