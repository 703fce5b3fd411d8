package party

import (
	"slices"
	"strings"
)

// Gaps are what a record may lack that staff are asked to fill in, so that
// nobody asks a customer the same thing twice: GET ?missing=<gap> finds the
// records lacking it. Each is a member of the record's JSON, except
// works_at (a person with no workplace among their relationships) and
// consent (a person who granted no channel, so cannot be messaged).
var (
	OrganisationGaps = []string{"phones", "emails", "tax_code", "province", "address", "supervising_unit"}
	PersonGaps       = []string{"phones", "emails", "zalo_id", "birthday", "works_at", "consent"}
)

// CustomGapPrefix starts the gap of a custom field ("custom:level"): the
// organisations of the kinds defining it that hold no value of it.
const CustomGapPrefix = "custom:"

// OrganisationGaps returns the gaps an organisation may have under s:
// OrganisationGaps, then a gap per custom field.
func (s CustomFieldSchema) OrganisationGaps() []string {
	return append(slices.Clone(OrganisationGaps), s.Gaps()...)
}

// Gaps returns the gaps of the custom fields s defines, sorted.
func (s CustomFieldSchema) Gaps() []string {
	names := s.Names()
	for i, n := range names {
		names[i] = CustomGapPrefix + n
	}
	return names
}

// KindsDefining returns the kinds whose organisations carry the custom
// field name, sorted.
func (s CustomFieldSchema) KindsDefining(name string) []Kind {
	var out []Kind
	for k, defs := range s {
		if slices.ContainsFunc(defs, func(d FieldDefinition) bool { return d.Name == name }) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// ParseGaps reads a comma-separated list of gaps out of those allowed,
// dropping blanks and repeats; it returns the first one not allowed, if any.
func ParseGaps(list string, allowed []string) (gaps []string, unknown string) {
	for g := range strings.SplitSeq(list, ",") {
		g = strings.TrimSpace(g)
		switch {
		case g == "" || slices.Contains(gaps, g):
		case !slices.Contains(allowed, g):
			return nil, g
		default:
			gaps = append(gaps, g)
		}
	}
	return gaps, ""
}
