package party

import (
	"maps"
	"slices"
)

// CheckConsentEdit refuses an edit of a person's consents (stored, as
// they stand; edited, as the edit would leave them) that would put an
// older decision in place of a newer one, or take a decision away: a
// *ValidationError naming consents.<channel>.at, or consents.<channel>
// for a removal. A consent is the person's latest decision about a
// channel, and every list, export and event uses the one stored, so an
// old paper form entered after the person withdrew must not grant the
// channel again, and a withdrawal must not become "never asked". A
// decision is replaced by a newer one; one of the same instant may only
// correct where it was recorded, not the answer. Merges keep the latest
// decision per channel by the same rule (MergePerson).
func CheckConsentEdit(stored, edited map[Channel]Consent) error {
	var c checks
	for _, ch := range slices.Sorted(maps.Keys(stored)) {
		was := stored[ch]
		field := "consents." + string(ch)
		now, ok := edited[ch]
		switch {
		case !ok:
			c.add(field, "cannot be removed: the stored decision (%s) is replaced only by a newer one; "+
				"to withdraw consent, send granted false with when and where the person said so", was.describe())
		case now.At.Before(was.At):
			c.add(field+".at", "is before the stored decision (%s), which is newer: a decision is replaced only by a newer one",
				was.describe())
		case now.At.Equal(was.At) && now.Granted != was.Granted:
			c.add(field+".at", "is the time of the stored decision (%s), which this one contradicts: "+
				"a decision is replaced only by a newer one, so give the time the person changed their mind", was.describe())
		}
	}
	return c.err()
}

// describe says what a decision was and when it was taken, in the offset
// it was written with; the source is left out, as free text may name
// someone and messages are logged.
func (c Consent) describe() string {
	answer := "refused"
	if c.Granted {
		answer = "granted"
	}
	return answer + " on " + c.At.Format("2006-01-02 15:04 -07:00")
}
