package importing

import (
	"fmt"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// A row without phone, email or tax code has no key to be told by, so a
// staff list or a list of schools imported twice would create everyone
// twice. Its name and place tell it instead: a row whose person has the
// same name at the same workplace as an earlier row's (or a stored
// person's), or whose organisation has the same name in the same province
// or no province on one of them, is probably that party again (party.ProbablySamePerson,
// party.ProbablySameOrganisation), and is reported as a duplicate, not
// created. An earlier row is compared whether it has keys or not, as a
// stored party is; a row with keys is told by its keys alone.

// lookalike is a row's party as the rows without keys after it compare
// with it (party.ProbablySamePerson, party.ProbablySameOrganisation): only
// what the comparison reads, so that remembering every row of a large
// file costs little.
type lookalike struct {
	name string
	// workplaces are a person's, as the row names them; province is an
	// organisation's current one.
	workplaces []string
	province   string
	org        bool
}

// personLookalike is p's lookalike.
func personLookalike(p party.Person) lookalike {
	return lookalike{name: p.FullName, workplaces: p.Workplaces()}
}

// organisationLookalike is o's lookalike.
func organisationLookalike(o party.Organisation) lookalike {
	return lookalike{name: o.Name, province: o.CurrentProvince, org: true}
}

// under returns where l is looked up among the rows before it: a person's
// workplaces, or an organisation's name, folded as the comparison folds
// them (party.NameKey); none for a person working nowhere (placed). An
// organisation is looked up by its name alone, as one without a province
// is compared with every province's (party.ProbablySameOrganisation).
func (l lookalike) under() []string {
	if l.org {
		return []string{party.NameKey(l.name)}
	}
	keys := make([]string, len(l.workplaces))
	for i, w := range l.workplaces {
		keys[i] = party.NameKey(w)
	}
	return keys
}

// probably tells whether l, a row's party without keys, is probably e's.
func (l lookalike) probably(e lookalike) bool {
	if l.org {
		return party.ProbablySameOrganisation(party.Organisation{Name: l.name, CurrentProvince: l.province},
			party.Organisation{Name: e.name, CurrentProvince: e.province})
	}
	_, ok := party.ProbablySamePerson(party.Person{FullName: l.name, Relationships: worksAt(l.workplaces)},
		party.Person{FullName: e.name, Relationships: worksAt(e.workplaces)})
	return ok
}

func worksAt(workplaces []string) []party.Relationship {
	out := make([]party.Relationship, len(workplaces))
	for i, w := range workplaces {
		out[i] = party.Relationship{Kind: party.RelWorksAt, PartyID: w}
	}
	return out
}

// lookalikes are the parties of the rows seen so far, for the rows without
// keys after them to be compared with. They are indexed by where they are
// (lookalike.under) only once a row without keys asks: the rows of a file
// that all have keys, as most files do, fold no name for it.
type lookalikes struct {
	rows  []earlier
	index map[string][]int // by lookalike.under, indexes into rows; nil until asked
}

// earlier is the party of a row seen so far, at line.
type earlier struct {
	line int
	look lookalike
}

// placed reports whether l has a place to be compared at (see under): a
// person a workplace; an organisation its name will do.
func (l lookalike) placed() bool {
	return l.org || len(l.workplaces) > 0
}

// add remembers the party of the row at line.
func (ls *lookalikes) add(line int, l lookalike) {
	if !l.placed() {
		return // nothing compares with it
	}
	ls.rows = append(ls.rows, earlier{line: line, look: l})
	if ls.index != nil {
		ls.indexRow(len(ls.rows) - 1)
	}
}

func (ls *lookalikes) indexRow(i int) {
	for _, k := range ls.rows[i].look.under() {
		ls.index[k] = append(ls.index[k], i)
	}
}

// first returns the first row seen so far whose party l, a party without
// keys, probably is.
func (ls *lookalikes) first(l lookalike) (earlier, bool) {
	if ls.index == nil {
		ls.index = make(map[string][]int, len(ls.rows))
		for i := range ls.rows {
			ls.indexRow(i)
		}
	}
	best := -1
	for _, k := range l.under() {
		for _, i := range ls.index[k] { // in file order
			if best >= 0 && i >= best {
				break
			}
			if l.probably(ls.rows[i].look) {
				best = i
				break
			}
		}
	}
	if best < 0 {
		return earlier{}, false
	}
	return ls.rows[best], true
}

// sameLookalike reports the row at `at` if it has no keys and an earlier
// row has its party (see lookalike), in its name column, as a duplicate of
// the first such row; record keeps the row's party for the rows after it.
func (c *Checker) sameLookalike(at KeyPlace, keys []party.Key, record bool) []Problem {
	if len(keys) == 0 && at.look.placed() {
		if e, ok := c.lookalikes.first(at.look); ok {
			as := fmt.Sprintf("%s (%s)", c.opts.Sheets.Row(e.line), e.look.name)
			msg := ProbableDuplicate(at.look.org, as)
			if at.look.org && (at.look.province == "" || e.look.province == "") {
				msg = ProbableNamesake(as)
			}
			return []Problem{{Row: at.line, Column: at.nameColumn, DuplicateOfRow: e.line, Message: msg}}
		}
	}
	if record {
		c.lookalikes.add(at.line, at.look)
	}
	return nil
}

// ProbableDuplicate says why a row without phone, email or tax code is not
// created: its organisation (org) or person is probably as ("row 2 (Phan
// Thị Hiệu)", Existing's "existing person Phan Thị Hiệu (<id>)"), which
// has its name where it is, and nothing else tells them apart. A key
// added to the row tells them apart: the row is then created.
func ProbableDuplicate(org bool, as string) string {
	if org {
		return fmt.Sprintf("same name and province as %s, and no tax code, phone or email to tell them apart: "+
			"an organisation is imported once, so this row is not; if they are two organisations, add this one's tax code", as)
	}
	return fmt.Sprintf("same name and workplace as %s, and no phone or email to tell them apart: "+
		"a person is imported once, so this row is not; if they are two people, add this one's phone or email", as)
}

// ProbableNamesake says why a row of an organisation without tax code,
// phone or email is not created when it has the name of as, and one of the
// two has no province, which would tell them apart
// (party.ProbablySameOrganisation).
func ProbableNamesake(as string) string {
	return fmt.Sprintf("same name as %s, one of them without a province, and no tax code, phone or email to tell them apart: "+
		"an organisation is imported once, so this row is not; if they are two organisations, give both their provinces, or add this one's tax code", as)
}
