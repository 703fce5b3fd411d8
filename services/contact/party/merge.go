package party

import (
	"maps"
	"slices"
	"strings"
)

// MergeOrganisation folds merged into survivor, the record that stays. The
// survivor keeps every value it has and gains the ones it lacks; lists (kinds,
// phones, emails, tags) become the union; custom fields it lacks are added; the
// merged id joins MergedIDs so links to it keep resolving.
func MergeOrganisation(survivor, merged Organisation) (Organisation, error) {
	if err := checkMergeIDs(survivor.ID, merged.ID, survivor.MergedIDs, merged.MergedIDs); err != nil {
		return Organisation{}, err
	}
	out := survivor
	out.Kinds = union(survivor.Kinds, merged.Kinds)
	fill(&out.Name, merged.Name)
	fill(&out.TaxCode, merged.TaxCode)
	if out.Province == "" {
		out.Province, out.CurrentProvince = merged.Province, merged.CurrentProvince
	}
	fill(&out.District, merged.District)
	fill(&out.Ward, merged.Ward)
	fill(&out.Address, merged.Address)
	out.Phones = union(survivor.Phones, merged.Phones)
	out.Emails = union(survivor.Emails, merged.Emails)
	fill(&out.Website, merged.Website)
	fill(&out.SupervisingUnitID, merged.SupervisingUnitID)
	if out.SupervisingUnitID == survivor.ID || out.SupervisingUnitID == merged.ID {
		// One of the two supervised the other; after the merge that is a loop.
		out.SupervisingUnitID = ""
	}
	out.Tags = normalizeTags(append(slices.Clone(survivor.Tags), merged.Tags...))
	fill(&out.OwnerID, merged.OwnerID)
	out.Notes = joinNotes(survivor.Notes, merged.Notes)
	if len(merged.CustomFields) > 0 {
		out.CustomFields = maps.Clone(merged.CustomFields)
		if out.CustomFields == nil {
			out.CustomFields = map[string]any{}
		}
		maps.Copy(out.CustomFields, survivor.CustomFields)
	}
	out.MergedIDs = mergedIDs(survivor.MergedIDs, merged.ID, merged.MergedIDs)
	return out, nil
}

// MergePerson folds merged into survivor, the record that stays. The survivor
// keeps every value it has and gains the ones it lacks; phones, emails, tags,
// important dates and relationships become the union; for each consent channel
// the most recent decision wins, because a later opt-out must never be undone
// by an older opt-in.
func MergePerson(survivor, merged Person) (Person, error) {
	if err := checkMergeIDs(survivor.ID, merged.ID, survivor.MergedIDs, merged.MergedIDs); err != nil {
		return Person{}, err
	}
	out := survivor
	fill(&out.FullName, merged.FullName)
	out.Phones = union(survivor.Phones, merged.Phones)
	out.Emails = union(survivor.Emails, merged.Emails)
	fill(&out.ZaloID, merged.ZaloID)
	if out.Birthday.IsZero() {
		out.Birthday = merged.Birthday
	}
	out.ImportantDates = slices.Clone(survivor.ImportantDates)
	for _, d := range merged.ImportantDates {
		if !containsDate(out.ImportantDates, d) {
			out.ImportantDates = append(out.ImportantDates, d)
		}
	}
	out.Consents = latestConsents(survivor.Consents, merged.Consents)
	out.Relationships = mergeRelationships(survivor, merged)
	out.Tags = normalizeTags(append(slices.Clone(survivor.Tags), merged.Tags...))
	fill(&out.OwnerID, merged.OwnerID)
	out.Notes = joinNotes(survivor.Notes, merged.Notes)
	out.MergedIDs = mergedIDs(survivor.MergedIDs, merged.ID, merged.MergedIDs)
	return out, nil
}

// checkMergeIDs refuses a merge of a party into itself, directly or through
// an earlier merge, and merges of unsaved parties, whose history could not be
// carried over.
func checkMergeIDs(survivorID, mergedID string, survivorAbsorbed, mergedAbsorbed []string) error {
	var c checks
	if survivorID == "" {
		c.add("survivor.id", "required: only saved parties can be merged")
	}
	if mergedID == "" {
		c.add("merged.id", "required: only saved parties can be merged")
	}
	if err := c.err(); err != nil {
		return err
	}
	if survivorID == mergedID || slices.Contains(survivorAbsorbed, mergedID) || slices.Contains(mergedAbsorbed, survivorID) {
		return ErrSelfMerge
	}
	return nil
}

func mergeRelationships(survivor, merged Person) []Relationship {
	var out []Relationship
	for _, r := range append(slices.Clone(survivor.Relationships), merged.Relationships...) {
		// A link between the two people would point at the survivor itself.
		if r.PartyID == survivor.ID || r.PartyID == merged.ID || containsLink(out, r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func latestConsents(survivor, merged map[Channel]Consent) map[Channel]Consent {
	if len(survivor) == 0 && len(merged) == 0 {
		return survivor
	}
	out := maps.Clone(survivor)
	if out == nil {
		out = make(map[Channel]Consent, len(merged))
	}
	for ch, m := range merged {
		if s, ok := out[ch]; !ok || m.At.After(s.At) {
			out[ch] = m
		}
	}
	return out
}

// mergedIDs is the survivor's merged ids plus the merged party's id and the
// ids it had absorbed itself, so a chain of merges still resolves.
func mergedIDs(survivorIDs []string, mergedID string, mergedIDs []string) []string {
	return union(survivorIDs, append([]string{mergedID}, mergedIDs...))
}

// fill sets *dst to v when *dst is empty: the survivor's own values win.
// joinNotes keeps the notes of both parties, the survivor's first: notes are
// free text that no other field holds, so neither may be dropped.
func joinNotes(survivor, merged string) string {
	switch {
	case survivor == "":
		return merged
	case merged == "" || strings.Contains(survivor, merged): // merged before
		return survivor
	}
	return survivor + "\n\n" + merged
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// union returns a followed by the elements of b it lacks, without aliasing a.
func union[T comparable](a, b []T) []T {
	out := slices.Clone(a)
	for _, v := range b {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
