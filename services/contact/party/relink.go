package party

import "slices"

// Relink points the person's links to any party in gone at to, the party
// they were merged into; with to empty (they were deleted) the links are
// dropped. A link that would point at the person itself is dropped too, and
// of two links that become one, the one that already pointed at to keeps its
// title, in the place of the first.
func (p Person) Relink(gone []string, to string) Person {
	var out []Relationship
	var moved []bool
	for _, r := range p.Relationships {
		move := slices.Contains(gone, r.PartyID)
		if move {
			r.PartyID = to
		}
		if r.PartyID == "" || r.PartyID == p.ID {
			continue
		}
		i := slices.IndexFunc(out, r.sameLink)
		switch {
		case i < 0:
			out, moved = append(out, r), append(moved, move)
		case moved[i] && !move:
			out[i], moved[i] = r, false
		}
	}
	p.Relationships = out
	return p
}

// Relink points the organisation's supervising unit at to when it is one of
// gone, the units merged into to; with to empty, or when to is the
// organisation itself, it has no supervising unit any more.
func (o Organisation) Relink(gone []string, to string) Organisation {
	if slices.Contains(gone, o.SupervisingUnitID) {
		o.SupervisingUnitID = to
	}
	if o.SupervisingUnitID == o.ID {
		o.SupervisingUnitID = ""
	}
	return o
}
