package importing

import (
	"fmt"
	"io"
	"iter"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// SheetRows is one more than the rows a worksheet may have in Excel. A workbook's
// row is numbered, as its Line, its sheet's index (from 0) times SheetRows
// plus its row number: lines stay unique in the file and in file order, as
// the import's duplicate checks, held rows and report need, and a CSV
// file's or a first sheet's lines are their row numbers.
const SheetRows = 1<<20 + 1 // Excel's last row, 1<<20, stays on its sheet

// maxSheets keeps every line of a workbook within an int32 (a report's
// row number column), which 2,047 sheets of SheetRows rows fill.
const maxSheets = 2047

// Sheets are the names of a workbook's sheets, in order, when it has more
// than one; nil for a CSV file or a workbook of one sheet, whose problems
// need no sheet to be found.
type Sheets []string

// Workbook is an XLSX workbook opened once to list its sheets, read their
// headers and then their rows: opening unzips the whole file, and the
// first read of a cell's text reads the workbook's shared strings table
// whole (a tenth of a second for 20,000 rows), so a preview reading the
// file three times over (its headers, the parties its rows name, the rows
// shown) opens it once.
type Workbook struct {
	f *excelize.File
	// Sheets names the workbook's sheets (see Sheets).
	Sheets Sheets
}

// OpenWorkbook opens an XLSX workbook; the caller closes it.
func OpenWorkbook(r io.Reader) (*Workbook, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("import: not a readable XLSX file: %w", err)
	}
	names := workbookSheets(f)
	if len(names) > maxSheets {
		f.Close()
		return nil, fmt.Errorf("import: the workbook has %d sheets; at most %d can be imported at once: split it", len(names), maxSheets)
	}
	return &Workbook{f: f, Sheets: names}, nil
}

// Close releases the workbook's files.
func (w *Workbook) Close() error { return w.f.Close() }

// Heads yields each sheet's first data row only, as ReadXLSX reads it, so
// every sheet's header is known without reading the workbook through.
func (w *Workbook) Heads(m Mapping) iter.Seq2[Row, error] {
	return sheetRows(w.f, w.Sheets, m, 0, true)
}

// Rows yields the data rows of every sheet, as ReadXLSX reads them.
func (w *Workbook) Rows(m Mapping) iter.Seq2[Row, error] {
	return sheetRows(w.f, w.Sheets, m, 0, false)
}

// ReadRefs reads the workbook's FileRefs as ReadFile reads them, from the
// first sheet whose header feeds a field they are read for: the sheets
// above it name nothing, so they are not read through, and a workbook
// none of whose sheets needs them is read no further than its headers.
func (w *Workbook) ReadRefs(c *Checker, r Resource) (FileRefs, error) {
	for row, err := range w.Heads(c.opts.Mapping) {
		if err != nil {
			return FileRefs{}, err
		}
		if c.needsRefs(row.Headers, r) {
			return ReadFile(sheetRows(w.f, w.Sheets, c.opts.Mapping, row.Line/SheetRows, false), c, r)
		}
	}
	return FileRefs{}, nil
}

func workbookSheets(f *excelize.File) Sheets {
	if names := f.GetSheetList(); len(names) > 1 {
		return names
	}
	return nil
}

// Place returns the sheet and the row number a line is at (see SheetRows);
// the sheet is "" when s is nil.
func (s Sheets) Place(line int) (sheet string, row int) {
	if s == nil {
		return "", line
	}
	if i := line / SheetRows; i < len(s) {
		sheet = s[i]
	}
	return sheet, line % SheetRows
}

// Of returns the sheet a line is on, or "".
func (s Sheets) Of(line int) string {
	sheet, _ := s.Place(line)
	return sheet
}

// Row names a line in a message: "row 12", or `row 12 of sheet "Lớp 10A2"`
// in a workbook of several sheets.
func (s Sheets) Row(line int) string {
	sheet, row := s.Place(line)
	if sheet == "" {
		return "row " + strconv.Itoa(row)
	}
	return fmt.Sprintf("row %d of sheet %q", row, sheet)
}

// Shown returns p as a report shows it: its rows as the sheets number
// them, with their sheets, where the checks number them by line.
func (s Sheets) Shown(p Problem) Problem {
	p.Sheet, p.Row = s.Place(p.Row)
	if p.DuplicateOfRow > 0 {
		p.DuplicateOfSheet, p.DuplicateOfRow = s.Place(p.DuplicateOfRow)
	}
	return p
}
