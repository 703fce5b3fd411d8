package party

import (
	"slices"
	"time"
)

// Period is a span of time from From up to, not including, To. A zero
// From is since the record began, a zero To is still.
type Period struct {
	From, To time.Time
}

// LinkChange is one change of a person's relationships, as their history
// records it.
type LinkChange struct {
	At       time.Time
	Old, New []Relationship
	// Merge says a merge made the change: the links it adds are the
	// merged person's, held since their own record says.
	Merge bool
}

// Tenure returns the periods in which a person worked at an organisation,
// known by any of ids (its own and those of the organisations merged into
// it, so a merge ends no period), from the changes of their relationships
// in order and the relationships they have now. A link the person was
// created with holds since the record began; one added by an edit, from
// that edit until the edit that took it away. Only the changes that add or
// take away the link count: those of a person merged into this one, whose
// history is theirs now, add nothing a change of their own did not. A
// merge's change counts for nothing: the links it brings were the merged
// person's, since their record began or since the change of theirs, now in
// this history, that added them, so a school keeps what happened with its
// accountant while the duplicate record worked there.
func Tenure(ids []string, changes []LinkChange, now []Relationship) []Period {
	works := func(rels []Relationship) bool {
		return slices.ContainsFunc(rels, func(r Relationship) bool { return r.Kind == RelWorksAt && slices.Contains(ids, r.PartyID) })
	}
	var out []Period
	var from, last time.Time
	open, known := false, false
	turn := func(linked bool, at time.Time) {
		switch {
		case linked && !open:
			from, open = at, true
		case !linked && open:
			out, open = append(out, Period{From: from, To: at}), false
		}
	}
	for _, c := range changes {
		last = c.At
		was, is := works(c.Old), works(c.New)
		if was == is || c.Merge {
			continue
		}
		if !known {
			open, known = was, true // linked before the first change, since the record began
		}
		turn(is, c.At)
	}
	if !known {
		open = works(now)
	}
	turn(works(now), last) // a change no history records: at the latest one
	if open {
		out = append(out, Period{From: from})
	}
	return out
}
