package importing

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// parentSlot is the group of columns of a class list that name one of a
// student's parents, or their guardian, beside the student: "Họ tên mẹ",
// "SĐT mẹ", "Email mẹ".
type parentSlot struct {
	name, phone, email Field
	kind               party.RelationKind
	// who is how a problem names the person: "the mother".
	who string
}

var parentSlots = []parentSlot{
	{FieldParentName, FieldParentPhone, FieldParentEmail, party.RelParentOf, "the parent"},
	{FieldFatherName, FieldFatherPhone, FieldFatherEmail, party.RelParentOf, "the father"},
	{FieldMotherName, FieldMotherPhone, FieldMotherEmail, party.RelParentOf, "the mother"},
	{FieldGuardianName, FieldGuardianPhone, FieldGuardianEmail, party.RelGuardianOf, "the guardian"},
}

// parentSlot returns the slot f is a column of, or nil.
func (f Field) parentSlot() *parentSlot {
	for i, s := range parentSlots {
		if f == s.name || f == s.phone || f == s.email {
			return &parentSlots[i]
		}
	}
	return nil
}

// namedParent is a parent as one row names them.
type namedParent struct {
	slot *parentSlot
	name string
	keys []party.Key // phones first, normalised
	// column is where a problem with them is reported: the name's column,
	// or the first of the slot's the file has.
	column string
}

// parents reads the parents the row names beside its person, reporting
// a phone or email that is not one, and a parent named without either: a
// name alone cannot tell one Nguyễn Văn An from another, so it could find
// no stored parent and would give each of their children a parent of their own.
func (v *rowValues) parents() []namedParent {
	var out []namedParent
	for i := range parentSlots {
		s := &parentSlots[i]
		p := namedParent{slot: s, name: strings.Join(strings.Fields(v.text(s.name)), " "),
			column: cmp.Or(v.header(s.name), v.header(s.phone), v.header(s.email))}
		phones, emails := v.list(s.phone), v.list(s.email)
		if p.name == "" && len(phones)+len(emails) == 0 {
			continue
		}
		valid := true
		add := func(f Field, t party.KeyType, raw []string, normalize func(string) (string, error)) {
			for _, r := range raw {
				value, err := normalize(r)
				if err != nil {
					v.report(f, fmt.Sprintf("holds %q, which is %v", r, err))
					valid = false
				} else if key := (party.Key{Type: t, Value: value}); !slices.Contains(p.keys, key) {
					p.keys = append(p.keys, key)
				}
			}
		}
		add(s.phone, party.KeyPhone, phones, party.NormalizePhone)
		add(s.email, party.KeyEmail, emails, party.NormalizeEmail)
		if !valid {
			continue
		}
		if len(p.keys) == 0 {
			msg := fmt.Sprintf("names %s without a phone or an email: add one", s.who)
			if own := v.header(FieldPhones); own != "" && len(v.list(FieldPhones)) > 0 {
				msg += fmt.Sprintf(`, or, if the phone under %q is theirs, map that column to %s`, own, s.phone)
			}
			v.report(s.name, msg+", so that one record of them serves all their children")
			continue
		}
		out = append(out, p)
	}
	return out
}

// checkParents reports the parents of the row whose phone or email is
// also the row's own person's (keys), or another parent's of the row: a
// phone or an email identifies one person.
func (v *rowValues) checkParents(ps []namedParent, keys []party.Key) {
	for i, p := range ps {
		for _, k := range p.keys {
			field := p.slot.phone
			if k.Type == party.KeyEmail {
				field = p.slot.email
			}
			switch {
			case slices.Contains(keys, k):
				v.report(field, fmt.Sprintf("gives %s the %s %s, which the row gives its own person too (%q): a %s identifies one person, so clear it from one of them",
					p.slot.who, k.Type, k.Value, v.header(keyField(k.Type)), k.Type))
			case slices.ContainsFunc(ps[:i], func(q namedParent) bool { return slices.Contains(q.keys, k) }):
				v.report(field, fmt.Sprintf("gives %s the %s %s, which the row gives another parent too: a %s identifies one person, so keep it on one of them",
					p.slot.who, k.Type, k.Value, k.Type))
			}
		}
	}
}

// Parent is one parent or guardian a class list names beside their
// children: one person, however many rows name them.
type Parent struct {
	// Name is the name the rows naming them give, or "" if none does: the
	// longest, where one row cuts a middle name to its initial ("Phạm T.
	// Cúc") and another spells it out (party.SameName).
	Name string
	// Keys are their phones and emails, normalised, as every row naming
	// them gives them.
	Keys []party.Key
	// Children are the rows naming them, in file order.
	Children []Child
	// Row is the line of the row whose own person they are (the row's
	// phone or email), or 0: once written, that row's person is linked.
	Row int
}

// Child is a row naming a parent, and the link the parent gets to it.
type Child struct {
	Line int
	Kind party.RelationKind
	// Column is where a problem with the parent is reported on the row,
	// and Who how it names them ("the mother").
	Column, Who string
}

// Phones and Emails return the values of the parent's keys of that type.
func (p *Parent) Phones() []string { return p.values(party.KeyPhone) }

// Emails: see Phones.
func (p *Parent) Emails() []string { return p.values(party.KeyEmail) }

func (p *Parent) values(t party.KeyType) []string {
	var out []string
	for _, k := range p.Keys {
		if k.Type == t {
			out = append(out, k.Value)
		}
	}
	return out
}

// Families are the parents and guardians the rows of a people file name
// beside their students, each once: rows giving one phone or email name
// one person, so brothers and sisters share their parents. They are read
// from the whole file before any row is written, so that a row
// contradicting another about a parent, or giving a parent the phone of a
// person of the file, is refused with its other problems.
type Families struct {
	// Parents are in the order the file first names them.
	Parents []*Parent
	byLine  map[int][]*Parent
	// problems are the rows' parents that contradict other rows, by line.
	problems map[int][]Problem
}

// Of returns the parents the row at line names.
func (f *Families) Of(line int) []*Parent {
	if f == nil {
		return nil
	}
	return f.byLine[line]
}

// Problems returns what refuses the row at line for its parents beyond
// its own cells: a parent whose name or keys other rows contradict.
func (f *Families) Problems(line int) []Problem {
	if f == nil {
		return nil
	}
	return f.problems[line]
}

// parentFields are the fields of every parent slot.
func parentFields() []Field {
	var out []Field
	for _, s := range parentSlots {
		out = append(out, s.name, s.phone, s.email)
	}
	return out
}

// familyRow is a row as familyReader keeps it until the file is read.
type familyRow struct {
	line    int
	own     []party.Key
	parents []namedParent
}

// familyReader gathers the parents every row of a people file names, for
// families to tell them once the whole file is read.
type familyReader struct {
	read  []familyRow
	own   map[party.Key]int // a row's own person's keys -> its line
	names map[int]string    // a row's own person's name, by line
	// sheets name the rows in messages (Sheets.Row).
	sheets Sheets
}

// add keeps the parents the row at line names, and its own keys; a nil fr
// keeps nothing.
func (fr *familyReader) add(line int, v *rowValues) {
	if fr == nil {
		return
	}
	row := familyRow{line: line, own: party.KeysOfValid(v.list(FieldPhones), v.list(FieldEmails), ""), parents: v.parents()}
	fr.names[line] = v.text(FieldName)
	for _, k := range row.own {
		if _, ok := fr.own[k]; !ok {
			fr.own[k] = line
		}
	}
	fr.read = append(fr.read, row)
}

// families tells the parents the rows name: a parent named with a phone
// or email that an earlier row's parent holds is that parent; rows that
// give such a parent another name (initials aside: party.SameName), give
// one parent keys two parents hold, or give a parent a phone or email a
// person of the file holds, are refused (see Problems): the first row
// naming a parent wins, as the first row holding a key does. A nil fr
// tells none.
func (fr *familyReader) families() *Families {
	if fr == nil {
		return nil
	}
	own, names, at := fr.own, fr.names, fr.sheets.Row
	f := &Families{byLine: map[int][]*Parent{}, problems: map[int][]Problem{}}
	byKey := map[party.Key]*Parent{}
	first := map[*Parent]int{} // the line first naming each parent
	named := map[*Parent]int{} // the line giving each parent's Name
	for _, r := range fr.read {
		for _, p := range r.parents {
			var found *Parent
			var via party.Key // the key found was found by
			var why string
			ownLine, ownKey := 0, party.Key{} // a row whose own person the parent is
			for _, k := range p.keys {
				if line, ok := own[k]; ok && line != r.line {
					switch {
					case ownLine == 0:
						ownLine, ownKey = line, k
					case line != ownLine:
						why = fmt.Sprintf("gives %s the phones or emails of two people: %s is %s's own, %s %s's; correct one of them",
							p.slot.who, ownKey.Value, at(ownLine), k.Value, at(line))
					}
				}
				q := byKey[k]
				switch {
				case q == nil:
				case found == nil:
					found, via = q, k
				case q != found:
					why = fmt.Sprintf("gives %s the phones or emails of two people: %s is the one %s names, %s the one %s names; correct one of them",
						p.slot.who, via.Value, at(first[found]), k.Value, at(first[q]))
				}
			}
			said := p.name // or, if the row gives none, as other rows name them
			if said == "" && found != nil {
				said = found.Name
			}
			switch {
			case why != "":
			case found != nil && ownLine != 0 && found.Row != 0 && found.Row != ownLine:
				why = fmt.Sprintf("gives %s the phones or emails of two people: %s is %s's own, %s the one of %s's parent, %s's own; correct one of them",
					p.slot.who, ownKey.Value, at(ownLine), via.Value, at(first[found]), at(found.Row))
			case ownLine != 0 && said != "" && !party.SameName(said, names[ownLine]):
				why = fmt.Sprintf("names %s %s, whose %s %s %s gives its own person, %s: a %s identifies one person; correct the name or the %s, "+
					"or leave the name blank to link to %s", p.slot.who, said, ownKey.Type, ownKey.Value, at(ownLine), names[ownLine], ownKey.Type, ownKey.Type, names[ownLine])
			case found != nil && slices.Contains(f.byLine[r.line], found):
				// Two slots of one row naming one person are reported by
				// the row's own check (checkParents).
				continue
			case found != nil && p.name != "" && found.Name != "" && !party.SameName(p.name, found.Name):
				why = fmt.Sprintf("names %s %s, whose %s %s %s gives as %s's: a %s identifies one person; correct the name or the %s",
					p.slot.who, p.name, via.Type, via.Value, at(named[found]), found.Name, via.Type, via.Type)
			}
			if why != "" {
				f.problems[r.line] = append(f.problems[r.line], Problem{Row: r.line, Column: p.column, Message: why})
				continue
			}
			if found == nil {
				found = &Parent{}
				f.Parents = append(f.Parents, found)
				first[found] = r.line
			}
			if ownLine != 0 {
				found.Row = ownLine
			}
			name, line := p.name, r.line
			if ownLine != 0 && p.name == "" {
				name, line = names[ownLine], ownLine // the row's person the parent is, as that row names them
			}
			if utf8.RuneCountInString(name) > utf8.RuneCountInString(found.Name) {
				found.Name, named[found] = name, line // spelt out where an earlier row gave initials
			}
			for _, k := range p.keys {
				if !slices.Contains(found.Keys, k) {
					found.Keys = append(found.Keys, k)
					byKey[k] = found
				}
			}
			found.Children = append(found.Children, Child{Line: r.line, Kind: p.slot.kind, Column: p.column, Who: p.slot.who})
			f.byLine[r.line] = append(f.byLine[r.line], found)
		}
	}
	return f
}

// StoredPerson is a stored person holding one of a parent's keys.
type StoredPerson struct {
	ID, Name string
}

// Match says which of the stored people holding one of p's keys p is:
// the one, if one does and no name contradicts it; none, to be created,
// if none does and a row gives p's name. Otherwise it says why p can be
// told neither way, for each row naming p to be refused.
func (p *Parent) Match(stored []StoredPerson) (id, why string) {
	key := p.Keys[0]
	switch len(stored) {
	case 0:
		if p.Name == "" {
			return "", fmt.Sprintf("no stored person has the %s %s, and no row gives their name: add it, so that they can be created", key.Type, key.Value)
		}
		return "", ""
	case 1:
		if s := stored[0]; p.Name == "" || party.SameName(p.Name, s.Name) {
			return s.ID, ""
		}
		return "", fmt.Sprintf("the stored person holding their %s %s is %s (%s), not %s: correct the name or the %s, or leave the name blank to link to %s",
			key.Type, key.Value, stored[0].Name, stored[0].ID, p.Name, key.Type, stored[0].Name)
	}
	named := make([]string, len(stored))
	for i, s := range stored {
		named[i] = fmt.Sprintf("%s (%s)", s.Name, s.ID)
	}
	return "", fmt.Sprintf("their phones and emails are held by %d stored people, %s: merge them first, or correct the row", len(stored), strings.Join(named, ", "))
}
