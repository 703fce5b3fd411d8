package importing

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Row is one data row of an imported file.
type Row struct {
	// Line is the row number the user sees in the file (the header is 1),
	// so a problem report can send them straight to it.
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

// ReadCSV yields the data rows of a CSV file whose first row is the header.
// The delimiter (comma, semicolon or tab) is sniffed from the header line,
// because Excel in a Vietnamese locale saves CSV with semicolons; a UTF-8 byte
// order mark is skipped. Iteration stops after the first error.
func ReadCSV(r io.Reader) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		br := bufio.NewReader(r)
		skipBOM(br)
		cr := csv.NewReader(br)
		cr.Comma = sniffDelimiter(br)
		cr.FieldsPerRecord = -1 // spreadsheets drop trailing empty cells
		cr.ReuseRecord = true
		var h header
		for {
			record, err := cr.Read()
			if err == io.EOF {
				if h.names == nil {
					yield(Row{}, ErrNoHeader)
				}
				return
			}
			if err != nil {
				yield(Row{}, fmt.Errorf("import: %w", err))
				return
			}
			line, _ := cr.FieldPos(0)
			if h.names == nil {
				if err := h.set(record); err != nil {
					yield(Row{}, err)
					return
				}
				continue
			}
			if row, ok := h.row(line, record); ok && !yield(row, nil) {
				return
			}
		}
	}
}

// ReadXLSX yields the data rows of the first sheet of an XLSX workbook whose
// first row is the header. Rows are streamed, so a 100,000-row sheet is never
// held in memory as cells. Values are read raw (unformatted) so that numbers
// typed into cells keep all their digits and dates arrive as serial numbers
// rather than in the workbook's display format.
func ReadXLSX(r io.Reader) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
		if err != nil {
			yield(Row{}, fmt.Errorf("import: not a readable XLSX file: %w", err))
			return
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			yield(Row{}, ErrNoHeader)
			return
		}
		rows, err := f.Rows(sheets[0])
		if err != nil {
			yield(Row{}, fmt.Errorf("import: %w", err))
			return
		}
		defer rows.Close()
		var h header
		for line := 1; rows.Next(); line++ {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				yield(Row{}, fmt.Errorf("import: row %d: %w", line, err))
				return
			}
			if h.names == nil {
				if isBlank(cells) {
					continue // a title block above the header is common
				}
				if err := h.set(cells); err != nil {
					yield(Row{}, err)
					return
				}
				continue
			}
			if row, ok := h.row(line, cells); ok && !yield(row, nil) {
				return
			}
		}
		if err := rows.Error(); err != nil {
			yield(Row{}, fmt.Errorf("import: %w", err))
		} else if h.names == nil {
			yield(Row{}, ErrNoHeader)
		}
	}
}

// header holds the column names and turns records into Rows.
type header struct {
	names []string
}

func (h *header) set(record []string) error {
	names := make([]string, len(record))
	seen := make(map[string]bool, len(record))
	for i, name := range record {
		name = strings.Join(strings.Fields(name), " ")
		if name != "" && seen[name] {
			return fmt.Errorf("import: column %q appears twice in the header", name)
		}
		seen[name] = true
		names[i] = name
	}
	if isBlank(names) {
		return ErrNoHeader
	}
	h.names = names
	return nil
}

// row pairs cells with the header; blank rows are skipped (ok is false)
// because spreadsheets often end with formatted but empty rows.
func (h *header) row(line int, record []string) (Row, bool) {
	row := Row{Line: line, Cells: make([]Cell, 0, len(h.names)), Headers: h.names}
	for i, v := range record {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if i >= len(h.names) || h.names[i] == "" {
			name, _ := excelize.ColumnNumberToName(i + 1)
			row.Unheaded = append(row.Unheaded, "column "+name)
			continue
		}
		row.Cells = append(row.Cells, Cell{h.names[i], v})
	}
	return row, len(row.Cells) > 0 || len(row.Unheaded) > 0
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
