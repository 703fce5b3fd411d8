package importing

import (
	"fmt"
	"slices"
	"strings"
)

// Defaults are values every row of a file takes, written as a cell holds
// them: the tags are added to each row's own, and every other field fills
// a row that leaves it blank. A deployment team uploads a school's staff
// list with the school as every row's workplace, or a conference's
// attendees with its tag and the colleague who will call them as owner.
type Defaults map[Field]string

// NewDefaults returns the defaults an upload gives by field name (or API
// name, see FieldNamed), reading supervising_unit_id as supervising_unit,
// as a column is read.
func NewDefaults(byName map[string]string) Defaults {
	d := make(Defaults, len(byName))
	for f, v := range byName {
		d[FieldNamed(f).canonical()] = v
	}
	return d
}

// ByName returns the defaults by field name, as a job stores and shows
// them; never nil.
func (d Defaults) ByName() map[string]string {
	out := make(map[string]string, len(d))
	for f, v := range d {
		out[string(f)] = v
	}
	return out
}

// identifying are the fields that tell one party from another: every row
// sharing one value would make all rows but the first duplicates.
var identifying = []Field{FieldName, FieldID, FieldTaxCode, FieldPhones, FieldEmails, FieldZaloID, FieldBirthday}

// DefaultsColumn is how a report names the column of a value a row took
// from the defaults.
func DefaultsColumn(f Field) string { return "defaults." + string(f) }

// Check returns, by field, why a default cannot be every row's of an upload
// of r whose file has headers under m: a field the resource lacks, one
// that identifies a party, a blank or invalid value, or a title with no
// workplace to hold it at. Organisations named (a supervising unit, a
// workplace) are left for the caller to look up.
func (d Defaults) Check(r Resource, m Mapping, headers []string, opts Options) map[Field]string {
	problems := map[Field]string{}
	valid := Defaults{}
	for f, value := range d {
		switch {
		case !f.Known():
			problems[f] = fmt.Sprintf("unknown field %q", f)
		case !r.Has(f):
			problems[f] = fmt.Sprintf("%s have no field %q", r, f)
		case slices.Contains(identifying, f):
			problems[f] = "tells one party from another, so every row cannot share it: put it in a column of the file"
		case f == FieldParentOf || f == FieldGuardianOf || f == FieldRelatedTo:
			problems[f] = "names a person's relatives, whom every row cannot share: put them in a column of the file"
		case strings.TrimSpace(value) == "":
			problems[f] = "is blank: leave the field out"
		case unstorable(value) != "":
			problems[f] = unstorable(value)
		default:
			valid[f] = value
		}
	}
	if _, ok := valid[FieldTitle]; ok && valid[FieldWorkplace] == "" && !NewChecker(Options{Mapping: m}).Feeds(headers, FieldWorkplace) {
		problems[FieldTitle] = "is a job title, which is kept on the link to the person's workplace, and neither a column nor a default names the workplace"
	}
	// The values are checked as a row holding only them (and a name) is.
	opts.Defaults, opts.Mapping = valid, DefaultMapping()
	c := NewChecker(opts)
	row := Row{Line: 1, Headers: []string{string(FieldName)}, Cells: []Cell{{Header: string(FieldName), Value: "Tên"}}}
	var found []Problem
	if r == People {
		_, _, found = c.PersonFields(row)
	} else {
		_, _, found = c.OrganisationFields(row)
	}
	for _, p := range found {
		if f, ok := strings.CutPrefix(p.Column, "defaults."); ok {
			if _, taken := problems[Field(f)]; !taken {
				problems[Field(f)] = p.Message
			}
		}
	}
	return problems
}

// apply adds the defaults to a row's values.
func (d Defaults) apply(v *rowValues) {
	for f, value := range d {
		switch {
		case f == FieldTags || isList(f) && len(v.list(f)) == 0:
			l := v.lists[f]
			if l == nil {
				l = &list{}
				v.lists[f] = l
			}
			for _, item := range splitList(f, value) {
				l.values = append(l.values, item)
				l.headers = append(l.headers, DefaultsColumn(f))
			}
		case !isList(f) && v.text(f) == "":
			v.texts[f] = Cell{Header: DefaultsColumn(f), Value: value}
		}
	}
}
