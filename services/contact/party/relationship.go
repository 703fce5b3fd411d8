package party

import (
	"slices"
	"strings"
)

// RelationKind is how a person relates to another party.
type RelationKind string

// Relationship kinds. WorksAt points at an organisation, the others at a person.
const (
	RelWorksAt    RelationKind = "works_at"
	RelParentOf   RelationKind = "parent_of"
	RelGuardianOf RelationKind = "guardian_of"
	// RelRelatedTo is any other person-to-person link, described by a label.
	RelRelatedTo RelationKind = "related_to"
)

// Valid reports whether k is a known relationship kind.
func (k RelationKind) Valid() bool {
	switch k {
	case RelWorksAt, RelParentOf, RelGuardianOf, RelRelatedTo:
		return true
	}
	return false
}

// Relationship links a person to another party.
type Relationship struct {
	Kind RelationKind `json:"kind"`
	// PartyID is the organisation (works_at) or person (the others) linked to.
	PartyID string `json:"party_id"`
	// Title is the job title, for works_at ("Kế toán trưởng").
	Title string `json:"title,omitempty"`
	// Label says what a related_to link is ("vợ", "đồng nghiệp").
	Label string `json:"label,omitempty"`
	// PartyName is the linked party's name when the record is answered. It
	// is looked up on every read and never stored, so a renamed school
	// shows its new name; a name sent in is ignored.
	PartyName string `json:"party_name,omitempty"`
}

// sameLink reports whether r and s describe the same link, ignoring the job
// title, which may legitimately differ between two copies of one contact.
func (r Relationship) sameLink(s Relationship) bool {
	return r.Kind == s.Kind && r.PartyID == s.PartyID && Fold(r.Label) == Fold(s.Label)
}

func checkRelationships(c *checks, selfID string, rels []Relationship) []Relationship {
	var out []Relationship
	for i, r := range rels {
		field := indexed("relationships", i)
		r.Title, r.Label = cleanText(r.Title), cleanText(r.Label)
		r.PartyID = strings.TrimSpace(r.PartyID)
		r.PartyName = ""
		switch {
		case !r.Kind.Valid():
			c.add(field+".kind", "unknown relationship %q", r.Kind)
		case r.Kind == RelRelatedTo && r.Label == "":
			c.add(field+".label", "required: say how the two people are related")
		}
		// A title or a label the link's kind has no place for would be
		// shown nowhere and lost on an export's round trip.
		if r.Title != "" && r.Kind != RelWorksAt && r.Kind.Valid() {
			c.add(field+".title", "is a job title, for works_at links only: write how people are related in a related_to link's label")
		}
		if r.Label != "" && r.Kind != RelRelatedTo && r.Kind.Valid() {
			c.add(field+".label", "is for related_to links only, saying how the two people are related")
		}
		checkNoListSeparator(c, field+".label", r.Label)
		switch {
		case r.PartyID == "":
			c.add(field+".party_id", "required")
		case r.PartyID == selfID:
			c.add(field+".party_id", "a person cannot be related to themselves")
		}
		if !containsLink(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func containsLink(rels []Relationship, r Relationship) bool {
	for _, s := range rels {
		if s.sameLink(r) {
			return true
		}
	}
	return false
}

// WithLinks returns p holding the links of rels it does not hold yet.
func (p Person) WithLinks(rels ...Relationship) Person {
	p.Relationships = slices.Clone(p.Relationships)
	for _, r := range rels {
		if !containsLink(p.Relationships, r) {
			p.Relationships = append(p.Relationships, r)
		}
	}
	return p
}

// WithoutLinks returns p without its links of the kinds given to any of ids.
func (p Person) WithoutLinks(kinds []RelationKind, ids []string) Person {
	p.Relationships = slices.DeleteFunc(slices.Clone(p.Relationships), func(r Relationship) bool {
		return slices.Contains(kinds, r.Kind) && slices.Contains(ids, r.PartyID)
	})
	if len(p.Relationships) == 0 {
		p.Relationships = nil
	}
	return p
}
