package importing

import (
	"fmt"
	"iter"
	"strings"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// Ref is a party as a file names it: an organisation in a
// supervising-unit or workplace column, a person in a column of a person's
// relatives. It is named by its id (Rapport's exports write ids), by a key
// (an organisation's tax or budget-unit code, a person's phone or email),
// or by its name. Only the stored parties can say which one it is, so the
// import looks refs up a chunk at a time.
type Ref struct {
	By RefKind
	// Value is what to look up: the id, the key (party.Key's String) or
	// the folded name.
	Value string
	// Text is the cell as written, for the report.
	Text string
	// Person is set for a ref to a person.
	Person bool
	// Name is, for a party named by id beside its name ("Phan Thị Út
	// (<id>)", "Trường THCS Lê Lợi (<id>)"), the folded name, looked up
	// when no party has the id: an export's ids mean nothing to another
	// Rapport.
	Name string
}

// RefKind is how a Ref names its party.
type RefKind int

// The ways a file names a party.
const (
	ByID RefKind = iota
	ByKey
	ByName
)

// ParseOrgRef reads a cell naming an organisation. A cell that is an id or
// a well-formed tax code is taken as one; anything else is a name, matched
// ignoring case and diacritics as search does. Exports write an
// organisation as "Trường THCS Lê Lợi (<id>)", as they write a person
// (ParsePersonRef), since organisations share names too: the id in
// brackets is looked up, and the name beside it when no organisation has
// that id (another Rapport's export). A name ending in a bracket that is no
// id ("Trường THCS Kim Đồng (cơ sở 2)") is a name.
func ParseOrgRef(text string) Ref {
	if party.ValidID(text) {
		return Ref{By: ByID, Value: text, Text: text}
	}
	if inner, name := bracketed(text); party.ValidID(inner) {
		return Ref{By: ByID, Value: inner, Text: text, Name: party.Fold(name)}
	}
	if code, err := party.NormalizeTaxCode(text); err == nil {
		return Ref{By: ByKey, Value: party.Key{Type: party.KeyTaxCode, Value: code}.String(), Text: text}
	}
	return Ref{By: ByName, Value: party.Fold(text), Text: text}
}

// bracketed splits "name (inner)" into inner and name, trimmed; a text not
// ending in a bracket is inner whole, with no name.
func bracketed(text string) (inner, name string) {
	if open := strings.LastIndex(text, "("); open > 0 && strings.HasSuffix(text, ")") {
		return strings.TrimSpace(text[open+1 : len(text)-1]), strings.TrimSpace(text[:open])
	}
	return text, ""
}

// ParsePersonRef reads a cell naming a person: an id, a phone or an email
// is looked up as one, anything else as a name. Exports write a person as
// "Nguyễn Minh Khang (+84912345678)": the phone, email or id in brackets
// is looked up, and the name beside it is for people to read.
func ParsePersonRef(text string) Ref {
	ref := Ref{By: ByName, Value: party.Fold(text), Text: text, Person: true}
	inner, name := bracketed(text)
	switch {
	case party.ValidID(inner):
		ref.By, ref.Value, ref.Name = ByID, inner, party.Fold(name)
	case strings.Contains(inner, "@"):
		if email, err := party.NormalizeEmail(inner); err == nil {
			ref.By, ref.Value = ByKey, party.Key{Type: party.KeyEmail, Value: email}.String()
		}
	case strings.Trim(inner, "+0123456789 .-") == "":
		if phone, err := party.NormalizePhone(inner); err == nil {
			ref.By, ref.Value = ByKey, party.Key{Type: party.KeyPhone, Value: phone}.String()
		}
	}
	return ref
}

// NotFound says that no stored party is the one r names, and how to name
// it so that one is; inFile says whether an organisation could be a row of
// the file too (an organisations file holds supervising units). A person
// always could: a people file holds relatives.
func (r Ref) NotFound(inFile bool) string {
	create := "create it first"
	if inFile {
		create = "add it to this file, or create it first"
	}
	if r.Person {
		switch r.By {
		case ByID:
			return fmt.Sprintf("%q is not an existing person", r.Text)
		case ByKey:
			return fmt.Sprintf("no person has the %s of %q: add them to this file, or create them first", r.keyType(), r.Text)
		}
		return fmt.Sprintf("no person is named %q: write their name as it is stored, their phone, email or id, "+
			"or add them to this file", r.Text)
	}
	switch {
	case r.By == ByID && r.Name != "":
		return fmt.Sprintf("no organisation has the id in %q, nor is one so named: write its name as it is stored, its tax code or its id, or %s", r.Text, create)
	case r.By == ByID:
		return "is not an existing organisation"
	case r.By == ByKey:
		return fmt.Sprintf("no organisation has the tax code %s: write its name, or %s", r.Text, create)
	}
	msg := fmt.Sprintf("no organisation is named %q: write its name as it is stored, its tax code or its id, or %s", r.Text, create)
	if lostLeadingZero(r.Text) {
		msg += `; if it is a tax code, the spreadsheet dropped its leading 0: format the column as text and type the code again`
	}
	return msg
}

// keyType names the kind of key r looks up ("phone", "email").
func (r Ref) keyType() string {
	t, _, _ := strings.Cut(r.Value, ":")
	return strings.ReplaceAll(t, "_", " ")
}

// Ambiguous says that n stored parties have the name r gives.
func (r Ref) Ambiguous(n int) string {
	if r.Person {
		return fmt.Sprintf("%d people are named %q: write the phone, email or id of the one you mean", n, r.Text)
	}
	return fmt.Sprintf("%d organisations are named %q: write the tax code or the id of the one you mean", n, r.Text)
}

// NotImported says that r names a row of the file (Sheets.Row names it),
// which was not imported, so neither can the row naming it be.
func (r Ref) NotImported(row string) string {
	return fmt.Sprintf("names %s of this file (%q), which was not imported: see that row's problems", row, r.Text)
}

// InLoop says that the row names a row of the file (Sheets.Row names it)
// as its supervising unit, and that the units above that row come back
// round to it, so none of them can be written first.
func InLoop(row string) string {
	return fmt.Sprintf("names %s of this file as its supervising unit, and the supervising units above that row go round "+
		"in a loop (a unit named, directly or not, as its own supervising unit): name one outside the loop", row)
}

// FileParties are the parties a file's rows create, by the values a Ref
// looks them up by (a key, a folded name), so that a row naming one (as
// its supervising unit, or a relative), above or below it, is written
// after it or with it. The first row with a value keeps it; a name that
// several rows of a people file hold names none of them, since people,
// unlike organisations, often share names.
type FileParties struct {
	lines  map[string]int // value -> line, or -1 for a name several rows hold
	people bool
}

// FileRefs are what an import reads from the whole file before it writes
// a row: the parties the rows create, which other rows may name (Parties),
// and the parents a people file names beside its students (Families).
// Each is nil when no column of the file needs it.
type FileRefs struct {
	Parties  *FileParties
	Families *Families
}

// ReadFile reads every row of a file of r once, for both FileRefs, or stops
// at the header when no column of the file needs either: then no row is
// written after another, and no row names a parent. Each sheet of a
// workbook has its own header, so each is asked in turn; a sheet whose
// header needs one that the sheets above did not is read for it from
// there on (their rows name nothing, so none is needed above it).
func ReadFile(rows iter.Seq2[Row, error], c *Checker, r Resource) (FileRefs, error) {
	var refs FileRefs
	var families *familyReader
	sheet := -1
	for row, err := range rows {
		if err != nil {
			return FileRefs{}, err
		}
		if s := row.Line / SheetRows; s != sheet {
			sheet = s
			if refs.Parties == nil && c.Feeds(row.Headers, linkingFields(r)...) {
				refs.Parties = &FileParties{lines: map[string]int{}, people: r == People}
			}
			if families == nil && r == People && c.Feeds(row.Headers, parentFields()...) {
				families = &familyReader{own: map[party.Key]int{}, names: map[int]string{}, sheets: c.opts.Sheets}
			}
			if refs.Parties == nil && families == nil && c.opts.Sheets == nil {
				return refs, nil
			}
		}
		if row.End != nil || refs.Parties == nil && families == nil {
			continue // a sheet's list has ended; the next sheet's has not
		}
		v := c.collect(row)
		refs.Parties.add(row.Line, v)
		families.add(row.Line, v)
	}
	refs.Families = families.families()
	return refs, nil
}

// needsRefs reports whether a sheet under headers needs FileRefs.
func (c *Checker) needsRefs(headers []string, r Resource) bool {
	return c.Feeds(headers, linkingFields(r)...) || r == People && c.Feeds(headers, parentFields()...)
}

// linkingFields are the fields that name a party of r a row may create.
func linkingFields(r Resource) []Field {
	if r == People {
		return []Field{FieldParentOf, FieldGuardianOf, FieldRelatedTo}
	}
	return []Field{FieldSupervisingUnit}
}

// add records the name and keys of the row at line; a nil f records nothing.
func (f *FileParties) add(line int, v *rowValues) {
	if f == nil {
		return
	}
	name := party.Fold(v.text(FieldName))
	if other, ok := f.lines[name]; f.people && ok && other != line {
		f.lines[name] = -1
	}
	keys := party.KeysOfValid(nil, nil, v.text(FieldTaxCode)) // what a ref to an organisation looks up
	if f.people {
		keys = party.KeysOfValid(v.list(FieldPhones), v.list(FieldEmails), "")
	}
	values := []string{name}
	for _, k := range keys {
		values = append(values, k.String())
	}
	for _, value := range values {
		if _, ok := f.lines[value]; !ok && value != "" {
			f.lines[value] = line
		}
	}
}

// Line returns the line of the party a cell names, by key or name, if a
// row of the file is so named.
func (f *FileParties) Line(text string) (int, bool) {
	if f == nil {
		return 0, false
	}
	ref := ParseOrgRef(text)
	if f.people {
		ref = ParsePersonRef(text)
	}
	value := ref.Value
	if ref.By == ByID {
		value = ref.Name // a new row's id is not known yet
	}
	line, ok := f.lines[value]
	return line, ok && line > 0
}
