package importing

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// A row whose id names a stored party, or whose phones, emails or tax code
// are one stored party's and whose name is too, is that party again. An
// import creates parties and never changes a stored one, so such a row is
// not created: imported back untouched (an export), it holds the party as
// stored and is counted apart from the rows refused; edited in a
// spreadsheet first, its edits are not applied, and the report says which
// columns differ, so they are not lost unseen. Only the columns the file
// has are compared (and the upload's defaults), each as the import reads
// it: a phone written another way is the same phone.

// PersonDifferences returns the columns of row, whose person p is the
// stored person stored, whose values differ from stored's, in file order
// (a default's column last, see DefaultsColumn); none if the row holds the
// person as stored. p's links name the parties the import resolved them
// to. A blank owner or consent cell gives no value: the import would give
// the uploader, or nothing, and clears neither.
func (c *Checker) PersonDifferences(row Row, p, stored party.Person) []string {
	return c.differences(row, func(f Field, cell string) bool { return personDiffers(f, cell, p, stored) })
}

// OrganisationDifferences is PersonDifferences for an organisation. A
// blank kinds or stage cell gives no value either: the import would give
// its defaults.
func (c *Checker) OrganisationDifferences(row Row, o, stored party.Organisation) []string {
	return c.differences(row, func(f Field, cell string) bool { return organisationDiffers(f, cell, o, stored) })
}

// differences returns the first column of row feeding each field, then
// the defaults' columns of the fields no column feeds, whose value differs
// (differs, given the cell, or the default a blank cell takes).
func (c *Checker) differences(row Row, differs func(f Field, cell string) bool) []string {
	var out []string
	seen := map[Field]bool{}
	check := func(f Field, column, cell string) {
		if !seen[f] {
			seen[f] = true
			if differs(f, cell) {
				out = append(out, column)
			}
		}
	}
	for _, h := range row.Headers {
		col := c.column(h)
		if !col.mapped || col.field == FieldNone {
			continue
		}
		f := col.field.canonical()
		cell := row.Get(h)
		if cell == "" {
			cell = c.opts.Defaults[f]
		}
		check(f, h, cell)
	}
	for _, f := range slices.Sorted(maps.Keys(c.opts.Defaults)) {
		check(f, DefaultsColumn(f), c.opts.Defaults[f])
	}
	return out
}

func personDiffers(f Field, cell string, p, stored party.Person) bool {
	switch f {
	case FieldName:
		return p.FullName != stored.FullName
	case FieldPhones:
		return !sameSet(p.Phones, stored.Phones)
	case FieldEmails:
		return !sameSet(p.Emails, stored.Emails)
	case FieldZaloID:
		return p.ZaloID != strings.TrimSpace(stored.ZaloID)
	case FieldBirthday:
		return p.Birthday != stored.Birthday
	case FieldImportantDates:
		return !sameSet(dateItems(p.ImportantDates), dateItems(stored.ImportantDates))
	case FieldTags:
		return !sameSet(party.TagKeys(p.Tags), party.TagKeys(stored.Tags))
	case FieldOwnerID:
		return cell != "" && p.OwnerID != stored.OwnerID
	case FieldNotes:
		return p.Notes != stored.Notes
	case FieldWorkplace:
		return !sameSet(links(p, party.RelWorksAt, false), links(stored, party.RelWorksAt, false))
	case FieldTitle: // a workplace that differs is told above
		return !sameSet(links(p, party.RelWorksAt, true), links(stored, party.RelWorksAt, true)) &&
			sameSet(links(p, party.RelWorksAt, false), links(stored, party.RelWorksAt, false))
	case FieldParentOf, FieldGuardianOf, FieldRelatedTo:
		kind := relativeKind(f)
		return !sameSet(links(p, kind, true), links(stored, kind, true))
	}
	for _, cf := range consentFields {
		if cf.field == f {
			return consentDiffers(cell, p.Consents, stored.Consents, cf.channel)
		}
	}
	return false // the id, a class list's parents: not the person's own values
}

func organisationDiffers(f Field, cell string, o, stored party.Organisation) bool {
	if name, ok := f.custom(); ok {
		return !party.SameFieldValue(o.CustomFields[name], stored.CustomFields[name])
	}
	switch f {
	case FieldName:
		return o.Name != stored.Name
	case FieldKinds:
		return cell != "" && !sameSet(kindNames(o.Kinds), kindNames(stored.Kinds))
	case FieldTaxCode:
		return o.TaxCode != taxCode(stored.TaxCode)
	case FieldProvince:
		return !party.SameProvince(o.Province, stored.Province)
	case FieldDistrict:
		return o.District != stored.District
	case FieldWard:
		return o.Ward != stored.Ward
	case FieldAddress:
		return o.Address != stored.Address
	case FieldPhones:
		return !sameSet(o.Phones, stored.Phones)
	case FieldEmails:
		return !sameSet(o.Emails, stored.Emails)
	case FieldWebsite:
		return o.Website != stored.Website
	case FieldSupervisingUnit:
		return o.SupervisingUnitID != stored.SupervisingUnitID
	case FieldStage:
		return cell != "" && o.Stage != stored.Stage
	case FieldTags:
		return !sameSet(party.TagKeys(o.Tags), party.TagKeys(stored.Tags))
	case FieldOwnerID:
		return cell != "" && o.OwnerID != stored.OwnerID
	case FieldNotes:
		return o.Notes != stored.Notes
	}
	return false
}

// consentDiffers says whether a consent cell's decision differs from the
// stored one about ch, or when or where it was made, if the cell says: a
// cell holding the decision alone ("có") gives the time of the upload and
// the import's row as its source, which no stored consent has.
func consentDiffers(cell string, row, stored map[party.Channel]party.Consent, ch party.Channel) bool {
	if cell == "" {
		return false // never decided, as the file says: nothing to clear
	}
	c, s := row[ch], stored[ch]
	if _, ok := stored[ch]; !ok || c.Granted != s.Granted {
		return true
	}
	parts := strings.SplitN(cell, ";", 3)
	if len(parts) > 1 && strings.TrimSpace(parts[1]) != "" && !c.At.Equal(s.At) {
		return true
	}
	return len(parts) > 2 && strings.TrimSpace(parts[2]) != "" && c.Source != s.Source
}

// links returns p's links of kind, each as the party it names and, with
// detail, its title or label.
func links(p party.Person, kind party.RelationKind, detail bool) []string {
	var out []string
	for _, r := range p.Relationships {
		if r.Kind != kind {
			continue
		}
		item := r.PartyID
		if detail {
			item += "\x00" + r.Title + "\x00" + r.Label
		}
		out = append(out, item)
	}
	return out
}

func relativeKind(f Field) party.RelationKind {
	for _, k := range relativeFields {
		if LinkField(k) == f {
			return k
		}
	}
	return ""
}

func dateItems(ds []party.ImportantDate) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Label + "\x00" + d.Date.String()
	}
	return out
}

func kindNames(ks []party.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// taxCode is a stored tax code in its canonical form; one stored before
// the rule, and so not canonical, as written.
func taxCode(s string) string {
	if code, err := party.NormalizeTaxCode(strings.TrimSpace(s)); err == nil {
		return code
	}
	return s
}

// sameSet says whether a and b hold the same values, in any order: a
// spreadsheet's edit may reorder a cell's items, and a value written twice
// is stored once.
func sameSet(a, b []string) bool {
	return slices.Equal(distinct(a), distinct(b))
}

func distinct(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// Differs says that a row is the stored party Existing names (noun, live,
// name), and that the values of its columns differ from the stored
// record's: an import never changes a stored party, so they are not
// applied, and the message says how to change it. id is the id the row
// names the party by, if it names one that was merged into live.
func Differs(noun, id, live, name string, columns []string) string {
	as := Existing(noun, live, name)
	if id != "" && id != live {
		as += fmt.Sprintf(", which %s was merged into,", id)
	}
	return fmt.Sprintf("differs from the stored record of %s in %s: an import only creates, and never changes a stored %s, "+
		"so these values were not applied; change the record itself (PATCH) or with a bulk change", as, strings.Join(columns, ", "), noun)
}
