package importing

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// Problem is one entry of an import's per-row report.
type Problem struct {
	Row int `json:"row"`
	// Column is the header of the offending column, or "" when the problem is
	// a field no column fed (a required custom field, say).
	Column  string `json:"column"`
	Message string `json:"message"`
	// DuplicateOfRow is the earlier row holding the same phone, email or tax
	// code, for duplicate-within-file problems.
	DuplicateOfRow int `json:"duplicate_of_row,omitempty"`
	// Sheet and DuplicateOfSheet are the sheets of Row and DuplicateOfRow
	// in a workbook of several sheets (see Sheets.Shown).
	Sheet            string `json:"sheet,omitempty"`
	DuplicateOfSheet string `json:"duplicate_of_sheet,omitempty"`
}

// Options configure a Checker.
type Options struct {
	// Mapping maps headers to fields; nil means DefaultMapping().
	Mapping Mapping
	// Schema validates organisations' custom fields.
	Schema party.CustomFieldSchema
	// DefaultKinds apply to organisation rows without a kind; nil means unit.
	DefaultKinds []party.Kind
	// Defaults are values every row takes (see Defaults).
	Defaults Defaults
	// Received is when the file was uploaded: a consent a row records
	// without its time was given by then, and no birthday or consent may
	// follow it. Zero means now.
	Received time.Time
	// Import is the job's id, named as the source of a consent a row
	// records without one.
	Import string
	// Location reads a consent's time written without a zone; nil means UTC.
	Location *time.Location
	// Families are the parents the file's rows name (ReadFile): a row
	// whose parent other rows contradict is refused.
	Families *Families
	// Sheets are the workbook's sheets, which a message naming a row names
	// it by (Sheets.Row); nil for a CSV file or a workbook of one sheet.
	Sheets Sheets
	// Workbook says the rows are an XLSX workbook's, whose date cells hold
	// serial numbers (see ReadXLSX). In a CSV file a number is never a date.
	Workbook bool
	// Formulas are the workbook's cells holding a formula with no value
	// saved (CheckWorkbook), which read as blank: a row is refused in each
	// such cell of a column feeding a field.
	Formulas Formulas
	// Shown are the texts the workbook's number cells show (CheckWorkbook),
	// which a text field takes rather than the number: a code formatted
	// "00000" is 00123, not 123. A number, date or yes/no field reads the
	// number.
	Shown Shown
}

// Checker turns rows into parties one at a time, remembering only the
// duplicate keys seen so far, so a 100,000-row file is checked in one pass
// without holding its parties. A Checker is for one file and not safe for
// concurrent use.
type Checker struct {
	opts    Options
	columns map[string]column
	seen    map[party.Key]int
	// students are the students of a class list's rows seen so far, which
	// have no keys: their parents tell them.
	students students
	// lookalikes are the parties of the rows seen so far, for the rows
	// without keys to be compared with, by where they are (lookalike).
	lookalikes lookalikes
}

type column struct {
	field  Field
	mapped bool
}

// NewChecker returns a Checker for one file.
func NewChecker(opts Options) *Checker {
	if opts.Mapping == nil {
		opts.Mapping = DefaultMapping()
	}
	if opts.Received.IsZero() {
		opts.Received = time.Now()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if len(opts.DefaultKinds) == 0 {
		opts.DefaultKinds = []party.Kind{party.KindUnit}
	}
	return &Checker{opts: opts, columns: map[string]column{}, seen: map[party.Key]int{}, students: students{}}
}

// Organisation turns row into an organisation. Any problem (an invalid field
// or a key already seen on an earlier row) means the row must not be created:
// duplicates are reported, never merged silently.
func (c *Checker) Organisation(row Row) (party.Organisation, []Problem) {
	o, at, problems := c.OrganisationFields(row)
	if len(problems) > 0 {
		return o, append(problems, c.DuplicatesOfRefused(at)...)
	}
	return o, c.Duplicates(at, o.DuplicateKeys())
}

// Person turns row into a person, with the same rules as Organisation.
func (c *Checker) Person(row Row) (party.Person, []Problem) {
	p, at, problems := c.PersonFields(row)
	if len(problems) > 0 {
		return p, append(problems, c.DuplicatesOfRefused(at)...)
	}
	return p, c.Duplicates(at, p.DuplicateKeys())
}

// OrganisationFields checks row's fields alone, without the within-file
// duplicate check: rows can be checked so on several goroutines (a Checker
// each), and then passed through one Checker's Duplicates in file order.
func (c *Checker) OrganisationFields(row Row) (party.Organisation, KeyPlace, []Problem) {
	if row.End != nil {
		return party.Organisation{}, KeyPlace{line: row.Line}, c.pastTheEnd(row)
	}
	v := c.collect(row)
	v.unsavedFormulas(row, Organisations)
	o := party.Organisation{
		Name: v.text(FieldName), TaxCode: v.text(FieldTaxCode), Province: v.text(FieldProvince),
		District: v.text(FieldDistrict), Ward: v.text(FieldWard), Address: v.text(FieldAddress),
		Phones: v.list(FieldPhones), Emails: v.list(FieldEmails),
		// The supervising unit stays as written until the import looks it up.
		Website: v.text(FieldWebsite), SupervisingUnitID: v.text(FieldSupervisingUnit),
		Stage: parseStage(v.text(FieldStage)), Tags: v.list(FieldTags),
		OwnerID: v.text(FieldOwnerID), Notes: v.text(FieldNotes),
	}
	for _, k := range v.list(FieldKinds) {
		o.Kinds = append(o.Kinds, parseKind(k))
	}
	if len(o.Kinds) == 0 {
		o.Kinds = slices.Clone(c.opts.DefaultKinds)
	}
	o.CustomFields = v.customFields(c.opts.Schema, o.Kinds)
	v.checkID()
	v.checkOwner()
	o, err := party.NewOrganisation(o, c.opts.Schema)
	if err != nil || len(v.reported) > 0 {
		return party.Organisation{}, v.refusedPlace(true), v.problems(err)
	}
	at := v.keyPlace()
	at.look = organisationLookalike(o)
	return o, at, nil
}

// PersonFields is OrganisationFields for a person.
func (c *Checker) PersonFields(row Row) (party.Person, KeyPlace, []Problem) {
	if row.End != nil {
		return party.Person{}, KeyPlace{line: row.Line}, c.pastTheEnd(row)
	}
	v := c.collect(row)
	v.unsavedFormulas(row, People)
	p := party.Person{
		FullName: v.text(FieldName), Phones: v.list(FieldPhones),
		Emails: v.list(FieldEmails), ZaloID: v.zaloID(),
		Tags: v.list(FieldTags), OwnerID: v.text(FieldOwnerID), Notes: v.text(FieldNotes),
	}
	p.Relationships = append(v.worksAt(), v.relatives()...)
	for _, r := range p.Relationships {
		v.linkKinds = append(v.linkKinds, r.Kind)
	}
	p.ImportantDates = v.importantDates()
	p.Consents = v.consents()
	if parents := v.parents(); len(parents) > 0 {
		v.checkParents(parents, party.KeysOfValid(p.Phones, p.Emails, ""))
	}
	v.reported = append(v.reported, c.opts.Families.Problems(row.Line)...)
	if s := v.text(FieldBirthday); s != "" {
		d, err := v.cellYearlyDate(s)
		switch {
		case errors.Is(err, party.ErrInvalidYearlyDate):
			v.report(FieldBirthday, fmt.Sprintf("holds %q, which %v", s, err))
		case err != nil:
			v.report(FieldBirthday, err.Error())
		}
		p.Birthday = d
	}
	v.checkID()
	v.checkOwner()
	p, err := party.NewPerson(p, c.opts.Received.In(c.opts.Location))
	if err != nil || len(v.reported) > 0 {
		return party.Person{}, v.refusedPlace(false), v.problems(err)
	}
	at := v.keyPlace()
	at.look = personLookalike(p)
	return p, at, nil
}

// worksAt returns the row's workplaces as works_at links, each with its
// title. The workplaces stay as written until the import looks them up.
// A cell may name several, separated by ";" as exports write them (names
// hold commas), with the titles in the same order: "Trường A; Trường B"
// and "Hiệu trưởng; Giáo viên", or "; Giáo viên" for a blank first title.
func (v *rowValues) worksAt() []party.Relationship {
	workplaces, title := splitNames(v.text(FieldWorkplace), false), v.text(FieldTitle)
	titles := []string{title}
	switch {
	case len(workplaces) == 0 && title != "":
		where := "the workplace"
		if h := v.header(FieldWorkplace); h != "" {
			where = strconv.Quote(h)
		}
		v.report(FieldTitle, "is a job title, and the row names no workplace to hold it at: fill in "+where+", or clear the title")
		return nil
	case len(workplaces) > 1 && title == "":
		titles = make([]string, len(workplaces))
	case len(workplaces) > 1:
		if titles = splitNames(title, true); len(titles) != len(workplaces) {
			held := fmt.Sprintf("%d titles", len(titles))
			if len(titles) == 1 {
				held = "one title"
			}
			v.report(FieldTitle, fmt.Sprintf("holds %s for the %d workplaces the row names: write one title per workplace, "+
				`in the same order, separated by ";" (a blank one as "; ")`, held, len(workplaces)))
			return nil
		}
	}
	links := make([]party.Relationship, len(workplaces))
	for i, w := range workplaces {
		links[i] = party.Relationship{Kind: party.RelWorksAt, PartyID: w, Title: titles[i]}
	}
	return links
}

// splitNames splits a cell naming several organisations, or their titles,
// on ";" and line breaks only, trimmed; blank ones are kept where their
// place matters.
func splitNames(s string, keepBlank bool) []string {
	var out []string
	for _, item := range strings.Split(strings.ReplaceAll(s, "\n", ";"), ";") {
		if item = strings.TrimSpace(item); item != "" || keepBlank {
			out = append(out, item)
		}
	}
	return out
}

// pastTheEnd refuses a row at or below the end of the list, in its first
// column, so the report shows the form's footer was read and left out.
func (c *Checker) pastTheEnd(row Row) []Problem {
	column := ""
	if len(row.Cells) > 0 {
		column = row.Cells[0].Header
	} else if len(row.Unheaded) > 0 {
		column = row.Unheaded[0]
	}
	msg := fmt.Sprintf("ends the list (%q): a total or signature block is not a party, so neither it nor the rows below it are imported", row.End.Text)
	if row.End.Line != row.Line {
		msg = fmt.Sprintf("is below the end of the list at %s (%q), so it is not imported", c.opts.Sheets.Row(row.End.Line), row.End.Text)
	}
	return []Problem{{Row: row.Line, Column: column, Message: msg}}
}

// Feeds reports whether one of headers is a column mapped to one of fs.
func (c *Checker) Feeds(headers []string, fs ...Field) bool {
	return slices.ContainsFunc(headers, func(h string) bool {
		col := c.column(h)
		return col.mapped && slices.Contains(fs, col.field)
	})
}

// Column names the first column of row mapped to f, or the defaults' if
// none is and the defaults hold f, or "".
func (c *Checker) Column(row Row, f Field) string {
	for _, cell := range row.Cells {
		if col := c.column(cell.Header); col.mapped && col.field == f {
			return cell.Header
		}
	}
	if _, ok := c.opts.Defaults[f]; ok {
		return DefaultsColumn(f)
	}
	return ""
}

// column resolves a header once per file.
func (c *Checker) column(header string) column {
	col, ok := c.columns[header]
	if !ok {
		col.field, col.mapped = c.opts.Mapping.Field(header)
		c.columns[header] = col
	}
	return col
}

// problems turns a party validation error, plus anything reported while
// reading cells, into the row's report.
func (v *rowValues) problems(err error) []Problem {
	out := v.reported
	var verr *party.ValidationError
	if errors.As(err, &verr) {
		for _, fe := range verr.Fields {
			msg := v.quoted(fe.Field, fe.Message)
			if fe.Field == "tax_code" && lostLeadingZero(v.text(FieldTaxCode)) {
				msg += `: a spreadsheet drops the leading 0 of a code kept as a number; format the column as text and type the code again`
			}
			out = append(out, Problem{Row: v.line, Column: v.columnOf(fe.Field), Message: msg})
		}
	} else if err != nil {
		out = append(out, Problem{Row: v.line, Message: err.Error()})
	}
	return out
}

// quoted returns msg, the party's refusal of the value at path, quoting
// that value if it is one of the row's phones or emails, as a parent's
// are quoted: `holds "12345", which is not a valid phone number`. A cell
// may hold several, and the report says which one is wrong.
func (v *rowValues) quoted(path, msg string) string {
	base, index, ok := strings.Cut(path, "[")
	if f := Field(base); !ok || f != FieldPhones && f != FieldEmails {
		return msg
	}
	i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
	l := v.lists[Field(base)]
	if err != nil || l == nil || i < 0 || i >= len(l.values) {
		return msg
	}
	if strings.HasPrefix(msg, "not ") {
		return fmt.Sprintf("holds %q, which is %s", l.typedAt(i), msg)
	}
	return fmt.Sprintf("holds %q, which %s", l.typedAt(i), msg)
}

// lostLeadingZero reports whether a tax code looks like one that began with
// 0 (as the codes of Hà Nội's units do) and was kept as a number: all
// digits, one short of a tax code or a branch's.
func lostLeadingZero(code string) bool {
	n := len(code)
	return (n == 9 || n == 12) && strings.Trim(code, "0123456789") == ""
}

// checkID refuses a row whose id column holds what looks like a party id
// but is none (cut, or mistyped): the import would not know which stored
// party the row is, so it cannot tell whether creating it would make that
// party twice. Anything else is the file's own numbering or code of its
// rows ("ID" over 1, 2, 3, or a school's "HS-12"), never a damaged id, and
// names no party.
func (v *rowValues) checkID() {
	if id := v.text(FieldID); id != "" && idShaped(id) && !party.ValidID(strings.ToLower(id)) {
		v.report(FieldID, fmt.Sprintf(`holds %q, which is not a Rapport id (such as 0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20, as exports write them): `+
			`correct it, or clear it to create the row as a new party`, id))
	}
}

// ID returns the stored party's id a row names in its id column, in the
// lower case stored ids are written in, and that column; "" if none. Only
// a row that passed the checks has one (see checkID).
func (c *Checker) ID(row Row) (id, column string) {
	column = c.Column(row, FieldID)
	if id = row.Get(column); !idShaped(id) {
		return "", column
	}
	return strings.ToLower(id), column
}

// idShaped reports whether s begins as a party id is written, eight and
// four hex digits with dashes ("0190a3c2-6b1e-"), so it is one, or one
// damaged, rather than a file's own code for its row: no numbering a
// person types looks like that.
func idShaped(s string) bool {
	if len(s) < 14 || s[8] != '-' || s[13] != '-' {
		return false
	}
	for _, c := range s[:8] + s[9:13] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
