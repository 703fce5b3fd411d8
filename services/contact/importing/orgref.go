package importing

import (
	"fmt"
	"iter"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// OrgRef is an organisation as a file names it in a supervising-unit or
// workplace column: by its id (Rapport's exports write ids), its tax or
// budget-unit code, or its name. Only the stored organisations can say
// which one it is, so the import looks refs up a chunk at a time.
type OrgRef struct {
	By RefKind
	// Value is what to look up: the id, the tax code's key (party.Key's
	// String) or the folded name.
	Value string
	// Text is the cell as written, for the report.
	Text string
}

// RefKind is how an OrgRef names its organisation.
type RefKind int

// The ways a file names an organisation.
const (
	ByID RefKind = iota
	ByTaxCode
	ByName
)

// ParseOrgRef reads a cell naming an organisation. A cell that is an id or
// a well-formed tax code is taken as one; anything else is a name, matched
// ignoring case and diacritics as search does.
func ParseOrgRef(text string) OrgRef {
	if party.ValidID(text) {
		return OrgRef{By: ByID, Value: text, Text: text}
	}
	if code, err := party.NormalizeTaxCode(text); err == nil {
		return OrgRef{By: ByTaxCode, Value: party.Key{Type: party.KeyTaxCode, Value: code}.String(), Text: text}
	}
	return OrgRef{By: ByName, Value: party.Fold(text), Text: text}
}

// NotFound says that no stored organisation is the one r names, and how to
// name it so that one is; inFile says whether the organisation could be a
// row of the file too (an organisations file holds supervising units).
func (r OrgRef) NotFound(inFile bool) string {
	create := "create it first"
	if inFile {
		create = "add it to this file, or create it first"
	}
	switch r.By {
	case ByID:
		return "is not an existing organisation"
	case ByTaxCode:
		return fmt.Sprintf("no organisation has the tax code %s: write its name, or %s", r.Text, create)
	}
	msg := fmt.Sprintf("no organisation is named %q: write its name as it is stored, its tax code or its id, or %s", r.Text, create)
	if lostLeadingZero(r.Text) {
		msg += `; if it is a tax code, the spreadsheet dropped its leading 0: format the column as text and type the code again`
	}
	return msg
}

// Ambiguous says that n stored organisations have the name r gives.
func (r OrgRef) Ambiguous(n int) string {
	return fmt.Sprintf("%d organisations are named %q: write the tax code or the id of the one you mean", n, r.Text)
}

// NotImported says that r names the file's row at line, which was not
// imported, so neither can the row naming it be.
func (r OrgRef) NotImported(line int) string {
	return fmt.Sprintf("names row %d of this file (%q), which was not imported: see that row's problems", line, r.Text)
}

// InLoop says that the row names the file's row at line as its supervising
// unit, and that the units above that row come back round to it, so none of
// them can be written first.
func InLoop(line int) string {
	return fmt.Sprintf("names row %d of this file as its supervising unit, and the supervising units above that row go round "+
		"in a loop (a unit named, directly or not, as its own supervising unit): name one outside the loop", line)
}

// FileOrgs are the organisations a file's rows create, by the values OrgRef
// looks them up by (a tax code's key, a folded name), so that a row naming
// one as its supervising unit, above or below it, is written after it. The
// first row with a value keeps it.
type FileOrgs map[string]int // value -> line

// ReadFileOrgs reads the name and tax code of every row of a file, before
// the import checks them, or returns nil when no column of the file can
// name a supervising unit: then no row is written after another.
func ReadFileOrgs(rows iter.Seq2[Row, error], c *Checker) (FileOrgs, error) {
	var orgs FileOrgs
	for row, err := range rows {
		if err != nil {
			return nil, err
		}
		if orgs == nil {
			if !c.Feeds(row.Headers, FieldSupervisingUnit) {
				return nil, nil
			}
			orgs = FileOrgs{}
		}
		if row.End != nil {
			break
		}
		v := c.collect(row)
		values := []string{party.Fold(v.text(FieldName))}
		if code, err := party.NormalizeTaxCode(v.text(FieldTaxCode)); err == nil && code != "" {
			values = append(values, party.Key{Type: party.KeyTaxCode, Value: code}.String())
		}
		for _, value := range values {
			if _, ok := orgs[value]; !ok && value != "" {
				orgs[value] = row.Line
			}
		}
	}
	return orgs, nil
}

// Line returns the line of the organisation a cell names, by tax code or
// name, if one of f is so named.
func (f FileOrgs) Line(text string) (int, bool) {
	if len(f) == 0 {
		return 0, false
	}
	ref := ParseOrgRef(text)
	if ref.By == ByID {
		return 0, false // a new row's id is not known yet
	}
	line, ok := f[ref.Value]
	return line, ok
}
