package party

import (
	"slices"
	"strings"
	"time"
)

// InteractionKinds are the ways staff reach a party, as a log entry names them.
var InteractionKinds = []string{"call", "email", "meeting", "zalo", "sms", "note"}

// ClockSkew is how far ahead of the server's clock an interaction may be
// dated: a client's clock may run a little fast, but a call dated tomorrow
// is a plan, which is what the next action date is for, and would count in
// the activity report as work already done.
const ClockSkew = 5 * time.Minute

// earliestInteraction bounds interactions from below: Rapport logs the
// care of customers today, and a call dated 1800 or 0001 is a typo that would
// sort first in every timeline and count in no report.
// It is a day of the business time zone, as the follow-up is.
var earliestInteraction = Date{2000, time.January, 1}

// followUpYears bounds a follow-up from above: "2036" for "2026" is a typo
// that would keep the party off every due list for ten years.
const followUpYears = 3

func latestFollowUp(now time.Time) Date { return DateOf(now.AddDate(followUpYears, 0, 0)) }

// Interaction is what the rules check of a logged call, email, meeting,
// Zalo message, SMS or note.
type Interaction struct {
	Kind       string
	PartyID    string
	OccurredAt time.Time
	// NextActionOn is the date of the follow-up as sent (YYYY-MM-DD, or
	// day first as ParseDate reads it), or "".
	NextActionOn string
}

// CheckInteraction returns the follow-up date of in, or a *ValidationError
// listing every invalid field. now is the current time in the business time
// zone, whose days the dates are. The follow-up may not come before the day
// the interaction happened: it is what comes next.
func CheckInteraction(in Interaction, now time.Time) (Date, error) {
	var c checks
	if !slices.Contains(InteractionKinds, in.Kind) {
		c.add("kind", "must be one of %s", strings.Join(InteractionKinds, ", "))
	}
	switch {
	case in.PartyID == "":
		c.add("party_id", "is required: the id of an organisation or person")
	case !ValidID(in.PartyID):
		c.add("party_id", "is not an id: it must be the id of an organisation or person")
	}
	occurred := in.OccurredAt
	switch {
	case occurred.After(now.Add(ClockSkew)):
		c.add("occurred_at", "must not be in the future: log an interaction once it happened, and plan the next one with next_action_on")
	case DateOf(occurred.In(now.Location())).Before(earliestInteraction):
		c.add("occurred_at", "must not be before %s", earliestInteraction)
	}
	var next Date
	if in.NextActionOn != "" {
		d, err := ParseDate(in.NextActionOn)
		switch {
		case err != nil:
			c.add("next_action_on", "%v", err)
		case d.Before(DateOf(occurred.In(now.Location()))):
			c.add("next_action_on", "must not be before the day of the interaction (%s)", DateOf(occurred.In(now.Location())))
		case latestFollowUp(now).Before(d):
			c.add("next_action_on", "must not be after %s: %d years ahead is further than anyone plans a call (is the year typed wrong?)", latestFollowUp(now), followUpYears)
		default:
			next = d
		}
	}
	if err := c.err(); err != nil {
		return Date{}, &ValidationError{Of: "interaction", Fields: c.fields}
	}
	return next, nil
}
