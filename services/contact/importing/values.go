package importing

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/xuri/excelize/v2"
)

// rowValues are a row's cells grouped by the field they feed, remembering
// which column each value came from so problems can name it.
type rowValues struct {
	line  int
	texts map[Field]Cell
	lists map[Field]*list
	// numbers are the numbers of the custom fields' cells whose texts are
	// what their formats show (Options.Shown), for a field of a type
	// other than text to read.
	numbers  map[Field]string
	reported []Problem
	// linkKinds are the kinds of the person's links, in order, so a
	// problem with one is reported in the column that named it.
	linkKinds []party.RelationKind
	// headers and c find the file's column mapped to a field this row left blank.
	headers []string
	c       *Checker
}

// list is a list field's values and, per value, the header it came from
// and, if it differs, the item as the cell held it (a phone's note cut off,
// see phoneNote), which a problem with the value quotes.
type list struct {
	values  []string
	headers []string
	typed   map[int]string
}

// typedAt returns the value at i as the cell held it.
func (l *list) typedAt(i int) string {
	if s, ok := l.typed[i]; ok {
		return s
	}
	return l.values[i]
}

func (c *Checker) collect(row Row) *rowValues {
	v := &rowValues{line: row.Line, texts: map[Field]Cell{}, lists: map[Field]*list{}, headers: row.Headers, c: c}
	for _, label := range row.Unheaded {
		v.reported = append(v.reported, Problem{Row: row.Line, Column: label,
			Message: "has a value but no header, so no field can take it: name the column or clear the cell"})
	}
	var phoneNotes []Cell // the phone cells saying more than their numbers
	shown := c.shownIn(row)
	for _, cell := range row.Cells {
		col := c.column(cell.Header)
		if text, ok := shown[cell.Header]; ok && col.mapped {
			v.show(col.field, &cell, text)
		}
		if msg := unstorable(cell.Value); col.mapped && msg != "" {
			// The row is refused; the rest of the cell is still checked,
			// so that one round of fixes is enough.
			v.reported = append(v.reported, Problem{Row: row.Line, Column: cell.Header, Message: msg})
			cell.Value = storable(cell.Value)
		}
		switch {
		case !col.mapped:
		case isList(col.field):
			l := v.lists[col.field]
			if l == nil {
				l = &list{}
				v.lists[col.field] = l
			}
			for _, item := range splitList(col.field, cell.Value) {
				if isPhone(col.field) {
					typed, noted := item, false
					if item, noted = phoneNote(item); noted {
						phoneNotes = append(phoneNotes, Cell{Header: cell.Header, Value: strings.TrimSpace(cell.Value)})
					}
					if item != typed {
						if l.typed == nil {
							l.typed = map[int]string{}
						}
						l.typed[len(l.values)] = typed
					}
				}
				l.values = append(l.values, item)
				l.headers = append(l.headers, cell.Header)
			}
		default:
			if _, dup := v.texts[col.field]; dup {
				v.report(col.field, "several columns map to "+string(col.field)+"; keep one")
				continue
			}
			v.texts[col.field] = cell
		}
	}
	v.notePhones(slices.Compact(phoneNotes))
	c.opts.Defaults.apply(v)
	return v
}

// unstorable says why Postgres cannot store s as text, or "": a NUL
// character, which some programs leave in exported cells, or bytes that are
// not UTF-8. Such a cell would fail the whole chunk's COPY, so its row is
// refused instead.
func unstorable(s string) string {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return "holds a NUL character (0x00), which cannot be stored: remove it from the cell"
	case !utf8.ValidString(s):
		return "holds bytes that are not UTF-8 text, which cannot be stored: type the value again"
	}
	return ""
}

// storable returns s without what unstorable refuses.
func storable(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
}

// refusedPlace is the KeyPlace of a row refused for its fields, with the
// keys of its values that are valid on their own; a person has no tax code.
func (v *rowValues) refusedPlace(taxCode bool) KeyPlace {
	at := v.keyPlace()
	code := ""
	if taxCode {
		code = v.text(FieldTaxCode)
	}
	at.refused = party.KeysOfValid(v.list(FieldPhones), v.list(FieldEmails), code)
	return at
}

func isList(f Field) bool {
	if s := f.parentSlot(); s != nil {
		return f != s.name
	}
	return f == FieldPhones || f == FieldEmails || f == FieldTags || f == FieldKinds
}

// splitList splits a cell holding several values; phones as splitPhones
// says.
func splitList(f Field, s string) []string {
	if isPhone(f) {
		return splitPhones(s)
	}
	seps := ",;\n"
	var out []string
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (v *rowValues) text(f Field) string { return v.texts[f].Value }

func (v *rowValues) list(f Field) []string {
	if l := v.lists[f]; l != nil {
		return l.values
	}
	return nil
}

func (v *rowValues) report(f Field, msg string) {
	v.reported = append(v.reported, Problem{Row: v.line, Column: v.header(f), Message: msg})
}

// header returns the column that fed f; for a field the row left blank,
// the file's column mapped to it, or "" if the file has none.
func (v *rowValues) header(f Field) string {
	if cell, ok := v.texts[f]; ok {
		return cell.Header
	}
	if l := v.lists[f]; l != nil && len(l.headers) > 0 {
		return l.headers[0]
	}
	for _, h := range v.headers {
		if col := v.c.column(h); col.mapped && col.field == f {
			return h
		}
	}
	return ""
}

// columnOf maps a party field path ("phones[1]", "custom_fields.level",
// "full_name") back to the column it came from.
func (v *rowValues) columnOf(path string) string {
	base, rest, _ := strings.Cut(path, ".")
	if base == "custom_fields" {
		return v.header(CustomField(rest))
	}
	base, index, indexed := strings.Cut(base, "[")
	switch base {
	case "full_name":
		base = string(FieldName)
	case "relationships": // relationships[2].label: the link the row's index-th link cell made
		if rest == "title" {
			return v.header(FieldTitle)
		}
		if i, err := strconv.Atoi(strings.TrimSuffix(index, "]")); err == nil && i < len(v.linkKinds) {
			return v.header(LinkField(v.linkKinds[i]))
		}
		return v.header(FieldWorkplace)
	case "consents": // consents.zalo.at
		channel, _, _ := strings.Cut(rest, ".")
		for _, cf := range consentFields {
			if string(cf.channel) == channel {
				return v.header(cf.field)
			}
		}
	}
	if l := v.lists[Field(base)]; indexed && l != nil {
		if i, err := strconv.Atoi(strings.TrimSuffix(index, "]")); err == nil && i < len(l.headers) {
			return l.headers[i]
		}
	}
	return v.header(Field(base).canonical())
}

// customFields converts custom-field cells to the types the schema expects,
// so "850" reaches a number field as 850. A cell that does not convert, or
// names no defined field, passes as text for the party constructor to report.
func (v *rowValues) customFields(schema party.CustomFieldSchema, kinds []party.Kind) map[string]any {
	var out map[string]any
	for _, f := range slices.Sorted(maps.Keys(v.texts)) {
		name, ok := f.custom()
		if !ok {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		out[name] = v.texts[f].Value
		def, ok := schema.Definition(kinds, name)
		if !ok || def.Type == party.FieldString {
			continue
		}
		cell := v.texts[f].Value
		if n, ok := v.numbers[f]; ok {
			cell = n
			out[name] = n
		}
		if def.Type == party.FieldNumber {
			if n, err := readNumber(cell, def.Integer); err != nil {
				v.report(f, err.Error())
				delete(out, name)
			} else {
				out[name] = n
			}
			continue
		}
		if value, ok := v.convertCell(def.Type, cell); ok {
			out[name] = value
		}
	}
	return out
}

func (v *rowValues) convertCell(t party.FieldType, s string) (any, bool) {
	switch t {
	case party.FieldNumber:
		n, err := readNumber(s, false)
		return n, err == nil
	case party.FieldBool:
		switch headerKey(s) {
		case "co", "x", "yes", "true", "1", "dung":
			return true, true
		case "khong", "no", "false", "0", "sai":
			return false, true
		}
		return nil, false
	case party.FieldDate:
		d, err := v.cellDate(s)
		return d.String(), err == nil
	}
	return s, true
}

// cellDate reads a cell that holds a date and nothing else. In a workbook
// a number there is the serial number of a date cell, which ReadXLSX reads
// raw; excelize's streaming reader hands over no cell's number format, so
// every number is taken for a serial but a year alone (see parseCellDate).
func (v *rowValues) cellDate(s string) (party.Date, error) {
	d, err := parseCellDate(s)
	var bare numberNotDateError
	if !v.c.opts.Workbook || !errors.As(err, &bare) || bare.year {
		return d, err
	}
	serial, _ := strconv.ParseFloat(s, 64)
	if serial < 1 || serial > 2958465 { // 2958465 is 9999-12-31
		return party.Date{}, party.ErrInvalidDate
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return party.Date{}, party.ErrInvalidDate
	}
	return party.DateOf(t), nil
}

// parseCellDate reads a date as people type it ("20/06/2015",
// "2015-06-20"). A number alone is no date: in a CSV file it was typed so
// (a year, an age), and a spreadsheet's date cell is saved as the date.
func parseCellDate(s string) (party.Date, error) {
	if d, err := party.ParseDate(s); err == nil {
		return d, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return party.Date{}, numberNotDateError{value: s, year: yearAlone(s)}
	}
	return party.Date{}, party.ErrInvalidDate
}

// yearAlone reports whether s is four digits a year of a birthday or an
// anniversary could be: 1900 to 2100. As a serial it would be a day of
// 1905 (1985 is 7 June 1905), which no one means.
func yearAlone(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && len(s) == 4 && n >= 1900 && n <= 2100
}

// numberNotDateError refuses a number alone where a date belongs, saying
// how to write the date.
type numberNotDateError struct {
	value  string
	year   bool // four digits from 1900 to 2100
	yearly bool // the date may be a day of the year without its year
}

func (e numberNotDateError) Error() string {
	if e.year {
		return fmt.Sprintf("%s is a year alone: a date needs day, month and year, as dd/mm/%s", e.value, e.value)
	}
	if e.yearly {
		return fmt.Sprintf("%s is a number, not a date: write the date as dd/mm/yyyy, or dd/mm without its year", e.value)
	}
	return fmt.Sprintf("%s is a number, not a date: write the date as dd/mm/yyyy", e.value)
}

// Numbers are written with their thousands apart in many ways: "1 250",
// "12.500.000" as Vietnam writes them, "1,250,000" as English does, and a
// decimal comma, "2,5", as Vietnam writes it.
var (
	thousandsDots   = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+$`)
	thousandsCommas = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+$`)
	decimalComma    = regexp.MustCompile(`^-?\d+,\d+$`)
)

// readNumber reads a number cell. One group of three digits after a single
// dot or comma ("1.250", "1,250") is refused: Vietnam writes one thousand
// two hundred and fifty so, and English writes 1.25 and 1250 so, and
// taking one for the other would store 1.25 students. For a whole number
// (whole), only the thousands can be meant, and only they are suggested.
func readNumber(cell string, whole bool) (float64, error) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, cell)
	ambiguous := strings.Count(s, ".")+strings.Count(s, ",") == 1 && (thousandsDots.MatchString(s) || thousandsCommas.MatchString(s))
	switch {
	case ambiguous && whole:
		return 0, fmt.Errorf("%q could be a number with its thousands apart or a decimal, and a whole number is wanted: write it without the separator (%s)",
			cell, strings.NewReplacer(".", "", ",", "").Replace(s))
	case ambiguous:
		return 0, fmt.Errorf("%q could be a number with its thousands apart or a decimal: write it without the separator (1250), or with two decimals (1,25)", cell)
	case thousandsDots.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	case thousandsCommas.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	case decimalComma.MatchString(s):
		s = strings.Replace(s, ",", ".", 1)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, fmt.Errorf("%q is not a number", cell)
	}
	return n, nil
}
