package party

import (
	"maps"
	"slices"
	"strings"
)

// MergeOrganisation folds merged into survivor, the record that stays. The
// survivor gains the values it lacks; lists (kinds, phones, emails, tags)
// become the union; custom fields it lacks are added; the merged id joins
// MergedIDs so links to it keep resolving. Where both hold a single value
// differently (OrganisationConflicts), keep decides whose stays: a conflict
// it leaves undecided refuses the merge (*ConflictError), and a keep naming
// an unknown field or side is a *ValidationError on "keep.<field>". The
// survivor's stage stays.
func MergeOrganisation(survivor, merged Organisation, keep Keep) (Organisation, error) {
	if err := checkMergeIDs(survivor.ID, merged.ID, survivor.MergedIDs, merged.MergedIDs); err != nil {
		return Organisation{}, err
	}
	d, err := decide(keep, organisationConflictFields, []map[string]any{survivor.CustomFields, merged.CustomFields},
		OrganisationConflicts(survivor, merged))
	if err != nil {
		return Organisation{}, err
	}
	out := survivor
	out.Kinds = union(survivor.Kinds, merged.Kinds)
	d.take(&out.Name, "name", merged.Name)
	d.take(&out.TaxCode, "tax_code", merged.TaxCode)
	mergeAddress(&out, merged, d)
	out.Phones = union(survivor.Phones, merged.Phones)
	out.Emails = union(survivor.Emails, merged.Emails)
	d.take(&out.Website, "website", merged.Website)
	// A link from one of the two to the other would be a loop after the
	// merge: it counts as none, and the other side's unit may fill it.
	out.SupervisingUnitID = supervisor(survivor, merged.ID)
	d.take(&out.SupervisingUnitID, "supervising_unit_id", supervisor(merged, survivor.ID))
	out.Tags = normalizeTags(append(slices.Clone(survivor.Tags), merged.Tags...))
	d.take(&out.OwnerID, "owner_id", merged.OwnerID)
	forceReason(&out.ForceReason, merged.ForceReason, d)
	out.Notes = joinNotes(survivor.Notes, merged.Notes)
	if len(merged.CustomFields) > 0 {
		out.CustomFields = maps.Clone(merged.CustomFields)
		if out.CustomFields == nil {
			out.CustomFields = map[string]any{}
		}
		for k, v := range survivor.CustomFields {
			if !d.takesMerged("custom_fields." + k) {
				out.CustomFields[k] = v
			}
		}
	}
	out.MergedIDs = mergedIDs(survivor.MergedIDs, merged.ID, merged.MergedIDs)
	return out, nil
}

// mergeAddress gives out, a copy of the survivor, the address of the side
// keep chose when the two addresses conflict, whole and with its derived
// current province; else the parts the survivor lacks.
func mergeAddress(out *Organisation, merged Organisation, d decision) {
	switch {
	case d.takesMerged("address"):
		out.Province, out.CurrentProvince = merged.Province, merged.CurrentProvince
		out.District, out.Ward, out.Address = merged.District, merged.Ward, merged.Address
	case d.conflicting("address"):
		// The survivor's address stays whole: a part of the other would
		// belong to another place.
	default:
		if out.Province == "" {
			out.Province, out.CurrentProvince = merged.Province, merged.CurrentProvince
		}
		fill(&out.District, merged.District)
		fill(&out.Ward, merged.Ward)
		fill(&out.Address, merged.Address)
	}
}

// MergePerson folds merged into survivor, the record that stays. The
// survivor gains the values it lacks; phones, emails, tags, important dates
// and relationships become the union; for each consent channel the most
// recent decision wins, because a later opt-out must never be undone by an
// older opt-in. Where both hold a single value differently
// (PersonConflicts), keep decides whose stays, as for MergeOrganisation. A
// birthday without its year and the same day with its year do not differ:
// the one with the year stays.
func MergePerson(survivor, merged Person, keep Keep) (Person, error) {
	if err := checkMergeIDs(survivor.ID, merged.ID, survivor.MergedIDs, merged.MergedIDs); err != nil {
		return Person{}, err
	}
	d, err := decide(keep, personConflictFields, nil, PersonConflicts(survivor, merged))
	if err != nil {
		return Person{}, err
	}
	out := survivor
	d.take(&out.FullName, "full_name", merged.FullName)
	out.Phones = union(survivor.Phones, merged.Phones)
	out.Emails = union(survivor.Emails, merged.Emails)
	d.take(&out.ZaloID, "zalo_id", merged.ZaloID)
	if out.Birthday.IsZero() || d.takesMerged("birthday") || completes(merged.Birthday, out.Birthday) {
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
	d.take(&out.OwnerID, "owner_id", merged.OwnerID)
	forceReason(&out.ForceReason, merged.ForceReason, d)
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

// fill sets *dst to v when *dst is empty: the survivor gains what it lacks.
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

// forceReason gives out the merged party's reason for having been created
// beside another only when the merge was told to keep it: a survivor
// without one was not created on purpose, and the reason, about a record
// the merge deletes, stays in the merge's history.
func forceReason(dst *string, merged string, d decision) {
	if d.takesMerged("force_reason") {
		*dst = merged
	}
}

// completes reports whether birthday d is yearless's day of the year with
// its year: the two agree, and a merge keeps the one that says more.
func completes(d, yearless Date) bool {
	return yearless.Yearless() && !d.Yearless() && !d.IsZero() && d.SameDayOfYear(yearless)
}
