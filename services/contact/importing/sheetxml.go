package importing

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html/charset"
)

// Formulas are the cells of a workbook that hold a formula with no value
// saved, by line (as Row.Line numbers rows across sheets) and then column
// (from 0). Only a spreadsheet computes formulas: a file a program wrote
// may hold "=1000+1000" and no result, which the streaming reader reads as
// a blank cell, so a value would be lost unannounced.
type Formulas map[int][]int

// SheetScan is what reading a workbook's sheets' XML finds that their
// rows, read raw by excelize's streaming reader, do not tell.
type SheetScan struct {
	// Formulas are the cells holding a formula with no value saved.
	Formulas Formulas
	// Shown are the texts the number cells with a format adding to their
	// numbers show.
	Shown Shown
}

// CheckWorkbook reads the XML of every sheet of an XLSX workbook through,
// and returns an error naming the first sheet whose XML is damaged (not
// well-formed, or cut short), with the last row read above the damage.
// excelize's streaming reader, which ReadXLSX uses, ends a sheet at such
// damage as at its end, without an error: the rows below it would be
// dropped unannounced. It returns the cells holding a formula with no
// value saved too (see Formulas), for the rows to be refused in them
// (Options.Formulas), and the texts number cells show (see Shown), for
// text fields to take them (Options.Shown): the streaming reader hands a
// row over raw or formatted, never both. Reading the XML alone costs
// about a third of reading the rows (0.7 s for 100,000), which is why an
// upload, which reads each sheet to its first row only, does not pay it
// and a job runs it beside its first read of the file, before writing
// anything.
func CheckWorkbook(file []byte) (SheetScan, error) {
	return scanSheets(file, math.MaxInt)
}

// ScanWorkbook returns what CheckWorkbook does (but the damage) on the
// lines up to last, reading each sheet's XML no further, nor the sheets
// below: a preview shows a few rows, and reading every sheet through cost
// it a fifth of a second at 20,000 rows. Damage below them is left to the
// job to refuse; damage above them is not told either, as the preview
// shows the rows above it.
func ScanWorkbook(file []byte, last int) SheetScan {
	scan, _ := scanSheets(file, last)
	return scan
}

// scanSheets is CheckWorkbook, reading no line past last.
func scanSheets(file []byte, last int) (SheetScan, error) {
	var scan SheetScan
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return scan, fmt.Errorf("import: not a readable XLSX file: %w", err)
	}
	workbook, parts, err := sheetParts(zr)
	if err != nil {
		return scan, fmt.Errorf("import: not a readable XLSX file: %w", err)
	}
	formats := workbookFormats(zr, workbook)
	for _, p := range parts {
		if p.index > last/SheetRows {
			break
		}
		f, err := zr.Open(p.part)
		if err != nil {
			continue // no such part: excelize's reader says so, naming the sheet
		}
		offset := p.index * SheetRows
		lastRow, err := readXML(f, last-offset, formats, sheetFinds{
			unsaved: func(row, col int) {
				if scan.Formulas == nil {
					scan.Formulas = Formulas{}
				}
				scan.Formulas[offset+row] = append(scan.Formulas[offset+row], col)
			},
			shown: func(row, col int, text string) {
				if scan.Shown == nil {
					scan.Shown = Shown{}
				}
				if scan.Shown[offset+row] == nil {
					scan.Shown[offset+row] = map[int]string{}
				}
				scan.Shown[offset+row][col] = text
			},
		})
		f.Close()
		if err != nil {
			where := "before its first row"
			if lastRow != "" {
				where = "after row " + lastRow
			}
			return scan, fmt.Errorf("import: sheet %q is damaged %s (%v): open the file in Excel and save it again, or save the sheet as CSV", p.name, where, err)
		}
	}
	return scan, nil
}

// sheetFinds take in what readXML finds in a sheet, by row (from 1) and
// column (from 0): a cell holding a formula and no value, and the text a
// number cell shows where it differs from its number.
type sheetFinds struct {
	unsaved func(row, col int)
	shown   func(row, col int, text string)
}

// sheetPart is a sheet's name, its place among the workbook's sheets and
// the zip entry holding its XML.
type sheetPart struct {
	name, part string
	index      int
}

// sheetParts returns the workbook's part and its sheets, in order, with
// their parts, as excelize finds them: the workbook is the package's
// office document (its _rels/.rels), and each sheet's relationship names
// its part, relative to the workbook's folder unless it starts with "/".
func sheetParts(zr *zip.Reader) (string, []sheetPart, error) {
	var rels relationships
	workbook := "xl/workbook.xml"
	if err := decodePart(zr, "_rels/.rels", &rels); err == nil {
		for _, r := range rels.Relationship {
			if r.Type == excelize.SourceRelationshipOfficeDocument {
				workbook = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"id,attr"` // r:id, in whichever namespace
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(zr, workbook, &wb); err != nil {
		return workbook, nil, err
	}
	rels.Relationship = nil
	dir := path.Dir(workbook)
	if err := decodePart(zr, path.Join(dir, "_rels", path.Base(workbook)+".rels"), &rels); err != nil {
		return workbook, nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Relationship {
		targets[r.ID] = r.target(dir)
	}
	out := make([]sheetPart, 0, len(wb.Sheets))
	for i, s := range wb.Sheets {
		if t, ok := targets[s.ID]; ok {
			out = append(out, sheetPart{name: s.Name, part: t, index: i})
		}
	}
	return workbook, out, nil
}

// decodePart decodes the XML of the zip entry name into v.
func decodePart(zr *zip.Reader, name string, v any) error {
	f, err := zr.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readXML reads a sheet's XML document through, as encoding/xml's Token
// would (every element closed by its own end tag, none left open at the
// end), and returns the r attribute of the last row element started. It
// tells found of each cell holding a formula (<f>) and no value (<v>, or
// an inline string), and of each number cell whose style's format (of
// formats) shows it otherwise than its number. It stops without an error
// at the first row past the row numbered until.
func readXML(r io.Reader, until int, formats cellFormats, found sheetFinds) (lastRow string, err error) {
	d := xml.NewDecoder(r)
	d.CharsetReader = charset.NewReaderLabel // as excelize reads it
	var open []xml.Name
	at := cellAt{formats: formats}
	for {
		t, err := d.RawToken() // Token would also translate namespaces: a third slower
		if errors.Is(err, io.EOF) {
			if len(open) > 0 {
				return lastRow, fmt.Errorf("it ends inside <%s>: the file was cut short", open[len(open)-1].Local)
			}
			return lastRow, nil
		}
		if err != nil {
			return lastRow, err
		}
		switch e := t.(type) {
		case xml.StartElement:
			open = append(open, e.Name)
			if r := at.start(e); r != "" {
				lastRow = r
			}
			if at.row > until {
				return lastRow, nil
			}
		case xml.CharData:
			if at.reading {
				at.number = append(at.number, e...)
			}
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != e.Name {
				return lastRow, fmt.Errorf("line %d: unexpected </%s>", line(d), e.Name.Local)
			}
			open = open[:len(open)-1]
			switch e.Name.Local {
			case "v":
				at.reading = false
			case "c":
				if at.formula && !at.value {
					found.unsaved(at.row, at.column())
				}
				if at.format != nil && at.value {
					raw := strings.TrimSpace(string(at.number))
					if text, ok := at.format.show(raw); ok && text != raw {
						found.shown(at.row, at.column(), text)
					}
				}
			}
		}
	}
}

// cellAt follows where a sheet's XML is: the row and column of the cell
// last started, and whether it holds a formula and a value. A row or cell
// without its r attribute follows the one before, as excelize reads it. A
// cell's r ("C5") is read only when its column is needed, as nearly every
// cell has one and nearly none is asked for. A number cell whose style
// has a format of formats has its value read too.
type cellAt struct {
	row, col       int
	ref            string // the cell's r, not read yet, or ""
	formula, value bool
	formats        cellFormats
	format         *numFormat // the number cell's format, or nil
	reading        bool       // inside such a cell's <v>
	number         []byte     // what its <v> holds
}

// start takes in an element started, and returns a row's r attribute.
func (at *cellAt) start(e xml.StartElement) string {
	switch e.Name.Local {
	case "row":
		r := attr(e, "r")
		at.row, at.col, at.ref = at.row+1, -1, ""
		if n, err := strconv.Atoi(r); err == nil {
			at.row = n
		}
		return r
	case "c":
		at.formula, at.value, at.format, at.number = false, false, nil, at.number[:0]
		var ref, style, kind string
		for _, a := range e.Attr {
			switch a.Name.Local {
			case "r":
				ref = a.Value
			case "s":
				style = a.Value
			case "t":
				kind = a.Value
			}
		}
		if ref == "" {
			at.col = at.column() + 1 // the cell before's column, read if it was not
		} else {
			at.ref = ref
		}
		if at.formats != nil && style != "" && (kind == "" || kind == "n") {
			at.format = at.formats.of(style)
		}
	case "f":
		at.formula = true
	case "v", "is":
		at.value = true
		at.reading = at.format != nil && e.Name.Local == "v"
	}
	return ""
}

// column returns the column of the cell last started, reading its r.
func (at *cellAt) column() int {
	if at.ref != "" {
		if col, _, err := excelize.CellNameToCoordinates(at.ref); err == nil {
			at.col = col - 1
		} else {
			at.col++
		}
		at.ref = ""
	}
	return at.col
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// line returns the line the decoder is at.
func line(d *xml.Decoder) int {
	l, _ := d.InputPos()
	return l
}
