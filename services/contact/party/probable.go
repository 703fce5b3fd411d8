package party

// A party with no phone, email or tax code has no key to be told by (see
// DuplicateKeys), yet real lists often have none: a school's staff list, a
// Phòng's list of its schools. Imported again next term, or typed in by
// hand, such a list would create everyone a second time, unseen. What is
// left tells them instead: a person of the same name at the same
// workplace, an organisation of the same name in the same province, is
// probably the same one. Only a party without keys is compared so: one
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
// diacritics and punctuation ignored, NameKey) in the same current
// province. An organisation without a province is never probably anyone:
// schools across the country share names ("Trường THCS Lê Lợi").
func ProbablySameOrganisation(o, q Organisation) bool {
	return len(o.DuplicateKeys()) == 0 && o.CurrentProvince != "" && o.CurrentProvince == q.CurrentProvince &&
		NameKey(o.Name) == NameKey(q.Name)
}
