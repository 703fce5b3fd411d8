package importing

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// header holds the column names and turns records into Rows.
//
// Vietnamese forms often head their columns with two rows: a cell spanning
// several columns ("Liên hệ") over the columns' own names ("Điện thoại",
// "Email"), and cells spanning both rows ("STT", "Họ và tên"). A merged
// cell keeps its text in its first cell only, in XLSX and in CSV, so the
// two rows are read as one: a column blank in the lower row takes its name
// from the upper row, and a column named in both is named after both
// ("Email (Liên hệ)"; "Điện thoại (Cơ quan)" when only the upper names a
// column m knows), which the bracket rule of Mapping.Field maps. Official
// forms may then number the columns ("(1)", "(2)" or "A", "B", "1"), or say
// in brackets how to fill them in ("(dd/mm/yyyy)"), which is not data either.
type header struct {
	names []string
	m     Mapping
	// more counts the rows under the header that may still belong to it:
	// 2 for the lower row of a two-row header, 1 for a numbering or hint row.
	more int
	// end is the row that ended the list (see Row.End), once one has.
	end *ListEnd
}

// set makes record the header; above is the row right over it, which is
// its upper row if it names columns that record leaves blank.
func (h *header) set(above, record []string) error {
	if upperRow(above, record) {
		return h.name(h.joined(above, record), 1)
	}
	return h.name(record, 2)
}

// name validates and takes names as the header's; more rows under it may
// belong to it.
func (h *header) name(names []string, more int) error {
	clean := make([]string, len(names))
	seen := make(map[string]bool, len(names))
	for i, name := range names {
		name = strings.Join(strings.Fields(name), " ")
		if msg := unstorable(name); msg != "" {
			return fmt.Errorf("import: the header %q %s", name, msg)
		}
		if name != "" && seen[name] {
			again, ok := h.again(name, seen)
			if !ok {
				return fmt.Errorf("import: column %q appears twice in the header, and the field it feeds takes one value: rename or delete one of them", name)
			}
			name = again
		}
		seen[name] = true
		clean[i] = name
	}
	if isBlank(clean) {
		return ErrNoHeader
	}
	h.names, h.more = clean, more
	return nil
}

// again names a column whose header an earlier column has, "<name> (2)"
// for the second (as a note in brackets, which Mapping.Field reads past),
// when the field it feeds takes several values: a form's two "Điện thoại"
// columns, home and mobile, both feed phones, and a row's problems name
// the one they are about. A column feeding one value (two "Họ và tên")
// would refuse every row, and one feeding nothing could not be mapped
// apart: false.
func (h *header) again(name string, seen map[string]bool) (string, bool) {
	f, ok := h.m.Field(name)
	if !ok || !isList(f) {
		return "", false
	}
	for n := 2; ; n++ {
		if again := fmt.Sprintf("%s (%d)", name, n); !seen[again] {
			g, ok := h.m.Field(again)
			return again, ok && g == f
		}
	}
}

// extend reads cells, the next row under the header, as part of it if it is
// the header's lower row, or a row numbering the columns or holding notes
// on how to fill them in (ok is true).
// Neither is apart from the header by a blank row.
func (h *header) extend(cells []string, afterBlank bool) (ok bool, err error) {
	if h.more == 0 {
		return false, nil
	}
	if afterBlank || isBlank(cells) {
		h.more = 0
		return false, nil
	}
	more := h.more
	h.more = 0
	switch {
	case more == 2 && h.lowerRow(cells):
		return true, h.name(h.joined(h.names, cells), 1)
	case numbering(cells) || hints(cells):
		return true, nil
	}
	return false, nil
}

// hints reports whether every value of cells is a note in brackets, as forms
// put under their header to say how to fill a column in: "(dd/mm/yyyy)",
// "(nếu có)", "(bắt buộc)". No data row is all notes.
func hints(cells []string) bool {
	n := 0
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !strings.HasPrefix(c, "(") || !strings.HasSuffix(c, ")") {
			return false
		}
		n++
	}
	return n > 0
}

// upperRow reports whether upper, the row over the header row lower, is the
// upper row of a two-row header: it names at least two columns (a title
// line names one), some of them blank in lower (cells spanning both rows).
// It names none m knows, or it would be the header.
func upperRow(upper, lower []string) bool {
	named, spanning := 0, false
	for c, u := range upper {
		if strings.TrimSpace(u) == "" {
			continue
		}
		named++
		spanning = spanning || cell(lower, c) == ""
	}
	return named >= 2 && spanning
}

// lowerRow reports whether lower, the row under the header, is the lower row
// of a two-row header: it names a column m knows where the header names none
// m knows, and under every column the header names with one m knows it has
// a blank, a header m knows, or the first name of a spanned group. A first
// data row fails the last test with its name.
func (h *header) lowerRow(lower []string) bool {
	adds := false
	for c, l := range lower {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		u := cell(h.names, c)
		switch {
		case !h.m.knows(l) && h.m.knows(u) && !spans(h.names, lower, c):
			return false
		case h.m.knows(l) && !h.m.knows(u):
			adds = true
		}
	}
	return adds
}

// spans reports whether upper's cell at c spans the next column too: that
// column is blank in upper and named in lower.
func spans(upper, lower []string, c int) bool {
	return cell(upper, c+1) == "" && cell(lower, c+1) != ""
}

// joined names the columns of a two-row header (see header).
func (h *header) joined(upper, lower []string) []string {
	names := make([]string, max(len(upper), len(lower)))
	group := ""
	for c := range names {
		u, l := cell(upper, c), cell(lower, c)
		if u != "" {
			group = u
		}
		switch {
		case l == "":
			names[c] = u
		case group == "":
			names[c] = l
		case h.m.knows(l):
			names[c] = l + " (" + group + ")"
		default:
			names[c] = group + " (" + l + ")"
		}
	}
	return names
}

// cell returns the trimmed cell c of cells, "" past their end.
func cell(cells []string, c int) string {
	if c < len(cells) {
		return strings.TrimSpace(cells[c])
	}
	return ""
}

// numbering reports whether cells number the columns, as official forms do
// under their header: "1", "2", "3" or "(1)", "(2)", or letters first
// ("A", "B", "1", "2"), each in sequence, at least two.
func numbering(cells []string) bool {
	n, letters, numbers := 0, 0, 0
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		n++
		c = strings.TrimSuffix(strings.TrimPrefix(c, "("), ")")
		switch {
		case numbers == 0 && len(c) == 1 && c[0] == byte('A'+letters):
			letters++
		case c == strconv.Itoa(numbers+1):
			numbers++
		default:
			return false
		}
	}
	return n >= 2
}

// listEnds are how the first cell of a total or of a signature block
// begins: "Tổng cộng", "Người lập biểu", "(Ký, ghi rõ họ tên)", "Thủ trưởng
// đơn vị", "Xác nhận của ...". No party's name begins so. They keep their
// diacritics: folded, "Tổng cộng" would also end the list at "Tổng công ty",
// which begins many organisations' names.
var listEnds = []string{"tổng cộng", "tổng số", "người lập", "ký ghi rõ", "ký và ghi rõ", "ký tên",
	"ký họ tên", "thủ trưởng", "xác nhận của", "lãnh đạo đơn vị"}

// placeAndDate is the signature block's "Hà Nội, ngày 24 tháng 11 năm
// 2026", also left blank as "ngày ... tháng ... năm ...".
var placeAndDate = regexp.MustCompile(`(^| )ngày( .*)? tháng( .*)? năm( |$)`)

// endsList reports whether a row whose first value is s ends the list.
func endsList(s string) bool {
	k := strings.Join(strings.FieldsFunc(norm.NFC.String(strings.ToLower(s)), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}), " ")
	for _, p := range listEnds {
		if k == p || strings.HasPrefix(k, p+" ") {
			return true
		}
	}
	// Rows are read one after another, and few values hold "tháng": the
	// check keeps the regular expression off nearly every row.
	return strings.Contains(k, "tháng") && placeAndDate.MatchString(k)
}

// row pairs cells with the header; blank rows are skipped (ok is false)
// because spreadsheets often end with formatted but empty rows. Once a row's
// first value ends the list, it and the rows below carry that end.
func (h *header) row(line int, cells []string) (Row, bool) {
	row := Row{Line: line, Cells: make([]Cell, 0, len(h.names)), Headers: h.names}
	for i, v := range cells {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if h.end == nil && len(row.Cells) == 0 && len(row.Unheaded) == 0 && endsList(v) {
			h.end = &ListEnd{Line: line, Text: v}
		}
		if i >= len(h.names) || h.names[i] == "" {
			name, _ := excelize.ColumnNumberToName(i + 1)
			row.Unheaded = append(row.Unheaded, "column "+name)
			continue
		}
		row.Cells = append(row.Cells, Cell{h.names[i], v})
	}
	row.End = h.end
	return row, len(row.Cells) > 0 || len(row.Unheaded) > 0
}
