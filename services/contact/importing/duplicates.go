package importing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// KeyPlace is where a checked row's duplicate keys came from: its line and
// the column of each kind of key, for Duplicates to report.
type KeyPlace struct {
	line    int
	columns [len(keyTypes)]string // in keyTypes order
	// refused holds, for a row refused for its fields, the keys of its
	// values that are valid on their own, so that its duplicates are
	// reported with its other problems and one round of fixes is enough.
	refused []party.Key
	// name and given are the row's student's name and given name, if the
	// row names parents: the student has no key, the parents and the name
	// tell them (sameStudent). nameColumn is the column holding the name.
	name, given, nameColumn string
	// look is the row's party as rows without keys compare with it.
	look lookalike
}

// RefusedKeys returns the keys of a refused row's valid values.
func (at KeyPlace) RefusedKeys() []party.Key { return at.refused }

var keyTypes = [...]party.KeyType{party.KeyPhone, party.KeyEmail, party.KeyTaxCode}

func (v *rowValues) keyPlace() KeyPlace {
	at := KeyPlace{line: v.line, nameColumn: v.header(FieldName)}
	for i, t := range keyTypes {
		at.columns[i] = v.header(keyField(t))
	}
	if v.c.opts.Families.Of(v.line) != nil {
		at.name = v.text(FieldName)
		at.given = party.GivenName(at.name)
	}
	return at
}

func (at KeyPlace) column(t party.KeyType) string {
	if i := slices.Index(keyTypes[:], t); i >= 0 {
		return at.columns[i]
	}
	return ""
}

// Duplicates records the keys of the row at `at` and reports those an
// earlier row holds, the row's student if an earlier row names them
// beside the same parent (sameStudent), and, for a row without keys, the
// earlier row whose party it probably is (sameLookalike). Rows must come
// in file order, so the report names the first row holding a key. For a
// row with an id (ID) they are the import's to decide: a row holding a
// stored party as stored creates nothing, whatever it shares.
func (c *Checker) Duplicates(at KeyPlace, keys []party.Key) []Problem {
	problems := c.duplicates(at, keys, true)
	// A row not created holds no student, nor party, for later rows to duplicate.
	problems = append(problems, c.sameStudent(at, len(problems) == 0)...)
	return append(problems, c.sameLookalike(at, keys, len(problems) == 0)...)
}

// DuplicatesOfRefused reports the keys of a row refused for its fields (see
// KeyPlace.RefusedKeys) that an earlier row holds, without recording them:
// the row will not be created, so later rows do not duplicate it.
func (c *Checker) DuplicatesOfRefused(at KeyPlace) []Problem {
	return append(c.duplicates(at, at.refused, false), c.sameStudent(at, false)...)
}

func (c *Checker) duplicates(at KeyPlace, keys []party.Key, record bool) []Problem {
	var problems []Problem
	for _, k := range keys {
		if first, ok := c.seen[k]; ok {
			problems = append(problems, Problem{
				Row: at.line, Column: at.column(k.Type), DuplicateOfRow: first,
				Message: fmt.Sprintf("same %s %s as %s", strings.ReplaceAll(string(k.Type), "_", " "), k.Value, c.opts.Sheets.Row(first)),
			})
			continue
		}
		if record {
			c.seen[k] = at.line
		}
	}
	return problems
}

// KeyColumn names the column of row that holds the key's kind of value
// (the phone, email or tax code column), so a duplicate found against
// stored parties is reported where the within-file ones are.
func (c *Checker) KeyColumn(row Row, k party.Key) string {
	return c.Column(row, keyField(k.Type))
}

func keyField(t party.KeyType) Field {
	switch t {
	case party.KeyPhone:
		return FieldPhones
	case party.KeyEmail:
		return FieldEmails
	}
	return FieldTaxCode
}
