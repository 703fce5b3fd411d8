package party

import "slices"

// A party with no phone, email or tax code has no key to be told by (see
// DuplicateKeys), yet real lists often have none: a school's staff list, a
// Phòng's list of its schools. Imported again next term, or typed in by
// hand, such a list would create everyone a second time, unseen. What is
// left tells them instead: a person of the same name at the same
// workplace, an organisation of the same name in the same province (or
// with no province on one of them), is probably the same one. Only a party without keys is compared so: one
// with a key is told by its keys alone, as before.

// Workplaces returns the organisations p works at, in order: the party ids
// of its works_at links (or, in an import, the workplaces as the row names
// them, until they are looked up).
func (p Person) Workplaces() []string {
	var out []string
	for _, r := range p.Relationships {
		if r.Kind == RelWorksAt && r.PartyID != "" {
			out = append(out, r.PartyID)
		}
	}
	return out
}

// ProbablySamePerson reports whether p, a person without phone or email,
// is probably q: the two have the same name (SameName, so "Trần T. Cúc"
// is "Trần Thị Cúc") and work at one organisation, which it returns.
// Workplaces compare by NameKey, so that two rows of a file naming one
// school as written, before it is looked up, compare as its id does. A
// person without a workplace is never probably anyone: a name alone is
// shared by too many.
func ProbablySamePerson(p, q Person) (workplace string, ok bool) {
	if len(p.DuplicateKeys()) > 0 {
		return "", false
	}
	theirs := q.Workplaces()
	if len(theirs) == 0 {
		return "", false
	}
	for _, w := range p.Workplaces() {
		for _, v := range theirs {
			if NameKey(w) == NameKey(v) && SameName(p.FullName, q.FullName) {
				return v, true
			}
		}
	}
	return "", false
}

// ProbablySameOrganisation reports whether o, an organisation without tax
// code, phone or email, is probably q: the same name once folded (case,
// diacritics and punctuation ignored, NameKey), and no province telling
// them apart: the same current province, or none on one of them. An
// organisation without a province is compared with every province's
// namesake: schools across the country share names ("Trường THCS Lê
// Lợi"), but a school created without its province, beside a namesake,
// is more often the same school than not, and two schools of one name
// that nothing tells apart leave every import naming it ambiguous; the
// province, or a tax code, tells them apart, and force creates it anyway.
func ProbablySameOrganisation(o, q Organisation) bool {
	if len(o.DuplicateKeys()) > 0 || NameKey(o.Name) != NameKey(q.Name) {
		return false
	}
	return o.CurrentProvince == "" || q.CurrentProvince == "" || o.CurrentProvince == q.CurrentProvince
}

// An edit is compared as a creation is, but only for what it changes: a
// pair of parties that already matched before it (two records staff kept
// on purpose, or made before the rule) must not stop a change of tags.

// EditMakesProbablySamePerson reports whether changing before into after
// makes it probably q (ProbablySamePerson) when before was not: a rename,
// a new workplace, or the last phone or email removed.
func EditMakesProbablySamePerson(before, after, q Person) bool {
	if _, ok := ProbablySamePerson(after, q); !ok {
		return false
	}
	_, was := ProbablySamePerson(before, q)
	return !was
}

// EditMakesProbablySameOrganisation reports whether changing before into
// after makes it probably q (ProbablySameOrganisation) when before was
// not: a rename, a province changed or removed, or the last tax code,
// phone or email removed.
func EditMakesProbablySameOrganisation(before, after, q Organisation) bool {
	return ProbablySameOrganisation(after, q) && !ProbablySameOrganisation(before, q)
}

// PersonComparedAgain reports whether an edit from before to after changes
// what ProbablySamePerson reads of it (its name, its workplaces, whether
// it has a key), so that it may make a new probable duplicate; one that
// does not, as a change of tags, is not compared again.
func PersonComparedAgain(before, after Person) bool {
	if len(after.DuplicateKeys()) > 0 || len(after.Workplaces()) == 0 {
		return false
	}
	return len(before.DuplicateKeys()) > 0 || before.FullName != after.FullName ||
		!slices.Equal(before.Workplaces(), after.Workplaces())
}

// OrganisationComparedAgain reports whether an edit from before to after
// changes what ProbablySameOrganisation reads of it (its name, its
// province, whether it has a key); see PersonComparedAgain.
func OrganisationComparedAgain(before, after Organisation) bool {
	if len(after.DuplicateKeys()) > 0 {
		return false
	}
	return len(before.DuplicateKeys()) > 0 || NameKey(before.Name) != NameKey(after.Name) ||
		before.CurrentProvince != after.CurrentProvince
}
