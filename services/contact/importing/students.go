package importing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// A student has no phone or email of their own, so no key tells a student
// already imported from a new one. The parents beside them do: a row
// naming a parent beside a student of the same name (party.SameName) as
// an earlier row of the file, or as a stored child of that parent, is
// that student again, and is reported, not created a second time, as a
// row sharing a key is. A class list keeps a sheet per class, a pupil may
// be on two, and next term's list names every student again.

// student is a student a row of the file creates, as the rows after it
// compare with it.
type student struct {
	line int
	// name is as the row writes it; given is its given name, which
	// SameName needs to be the same (party.GivenName), compared first.
	name, given string
}

// students are the students of the rows checked so far, by parent.
type students map[*Parent][]student

// earlier returns the student of an earlier row that a row naming parents
// beside s is, and the parent they share: the first one named beside one of
// the same parents under the same name.
func (ss students) earlier(parents []*Parent, s student) (student, *Parent, bool) {
	for _, p := range parents {
		for _, o := range ss[p] {
			if o.given == s.given && party.SameName(o.name, s.name) {
				return o, p, true
			}
		}
	}
	return student{}, nil, false
}

// add records s as a child of each of parents.
func (ss students) add(parents []*Parent, s student) {
	for _, p := range parents {
		ss[p] = append(ss[p], s)
	}
}

// sameStudent reports the row at `at` if an earlier row names the same
// student beside one of its parents, in the row's name column, as a
// duplicate of that row; record keeps the row's student, if it is none,
// for the rows after it to compare with.
func (c *Checker) sameStudent(at KeyPlace, record bool) []Problem {
	parents := c.opts.Families.Of(at.line)
	if len(parents) == 0 {
		return nil
	}
	s := student{line: at.line, name: at.name, given: at.given}
	first, p, ok := c.students.earlier(parents, s)
	if !ok {
		if record {
			c.students.add(parents, s)
		}
		return nil
	}
	row := c.opts.Sheets.Row(first.line)
	var others []*Parent // parents the earlier row does not name, whom refusing this one leaves out
	for _, q := range parents {
		if !slices.Contains(c.opts.Families.Of(first.line), q) {
			others = append(others, q)
		}
	}
	as := fmt.Sprintf("%s (%s)", row, first.name)
	return []Problem{{Row: at.line, Column: at.nameColumn, DuplicateOfRow: first.line,
		Message: SameStudent(at.line, p, as, others, "add them to "+row+" to link them")}}
}

// SameStudent says why the row at line is not created: its student, named
// beside the parent p, is already the student as ("row 2 (Lê Minh An)",
// "existing person Lê Minh An (<id>)", see Existing), a child of p under
// the same name. others are the parents the row names that as is no child of: refusing
// the row leaves them unlinked, so the message names them and says how to
// link them (fix).
func SameStudent(line int, p *Parent, as string, others []*Parent, fix string) string {
	who := p.ChildAt(line).Who
	msg := fmt.Sprintf("same student as %s, named beside the same %s (%s): a child is imported once, so this row is not; "+
		"if they are two children, write each one's full name", as, strings.TrimPrefix(who, "the "), p.Keys[0].Value)
	if len(others) == 0 {
		return msg
	}
	named := make([]string, len(others))
	for i, q := range others {
		named[i] = strings.TrimSpace(fmt.Sprintf("%s %s (%s)", q.ChildAt(line).Who, q.Name, q.Keys[0].Value))
	}
	return msg + fmt.Sprintf(". It also names %s, left unlinked as the row is not imported: %s", strings.Join(named, " and "), fix)
}

// ChildAt returns the child of p at line, which must name p.
func (p *Parent) ChildAt(line int) Child {
	return p.Children[slices.IndexFunc(p.Children, func(c Child) bool { return c.Line == line })]
}

// StoredChild is a stored person a stored parent is linked to as their
// parent or guardian.
type StoredChild struct {
	ID, Name string
}

// StoredStudent returns the stored child, among children, that a row's
// student named name is: the first of the same name (party.SameName).
func StoredStudent(name string, children []StoredChild) (StoredChild, bool) {
	given := party.GivenName(name)
	for _, c := range children {
		if party.GivenName(c.Name) == given && party.SameName(c.Name, name) {
			return c, true
		}
	}
	return StoredChild{}, false
}
