package service

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/importing"
)

// sheetHead is a sheet's header, as the first row under it has it; the
// sheet is "" but in a workbook of several.
type sheetHead struct {
	sheet   string
	headers []string
}

// uploadedFile is what checkFile reads of a file: its format, its sheets'
// headers (one for a CSV file) and a workbook's sheets; wb is the workbook,
// open, for the rows a preview reads (nil for a CSV file).
type uploadedFile struct {
	format string
	heads  []sheetHead
	sheets importing.Sheets
	wb     *importing.Workbook
}

// close closes the file's workbook, if it has one.
func (f uploadedFile) close() {
	if f.wb != nil {
		f.wb.Close()
	}
}

// headers returns every sheet's headers, each once, in file order.
func (f uploadedFile) headers() []string {
	var out []string
	for _, head := range f.heads {
		for _, h := range head.headers {
			if !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	return out
}

// onSheet puts the sheet a message about a header is about before it.
func onSheet(sheet, msg string) string {
	if sheet == "" {
		return msg
	}
	return fmt.Sprintf("sheet %q %s", sheet, msg)
}

// checkFile tells CSV from XLSX (an XLSX file is a zip archive) and reads
// its header and rows, so an unreadable file, or one with nothing under its
// header, is refused at upload, as the preview refuses it, not in the job.
// A CSV file is read to its end (100,000 rows in a tenth of a second); a
// workbook to the first row of each sheet only, as reading 100,000 rows of
// one takes nearly 2 s: one that breaks below them, or whose sheet XML is
// damaged (importing.CheckWorkbook), fails its job at once, before the job
// writes anything.
// Every sheet of a workbook is read, each under its own header, so each
// sheet's header is checked. The workbook is left open, for the caller to
// close (uploadedFile.close), unless the file is refused.
func checkFile(name string, file []byte, m importing.Mapping) (f uploadedFile, err error) {
	f = uploadedFile{format: "csv"}
	if len(file) == 0 {
		return f, badFile("is empty")
	}
	ext := strings.ToLower(path.Ext(name))
	switch {
	case bytes.HasPrefix(file, []byte("PK\x03\x04")):
		f.format = "xlsx"
	case ext == ".xlsx" || ext == ".xls":
		return f, badFile("is not an XLSX workbook; save it as .xlsx or .csv")
	case !utf8.Valid(file):
		return f, badFile("is not UTF-8 text; save it as CSV UTF-8 or as .xlsx")
	}
	rows := importing.ReadCSV(bytes.NewReader(file), m)
	if f.format == "xlsx" {
		wb, openErr := importing.OpenWorkbook(bytes.NewReader(file))
		if openErr != nil {
			return f, unreadableFile(openErr)
		}
		defer func() { // err is the named result: the file refused
			if err != nil {
				wb.Close()
			}
		}()
		f.wb, f.sheets, rows = wb, wb.Sheets, wb.Heads(m)
	}
	for row, err := range rows {
		if err != nil {
			return f, unreadableFile(err)
		}
		if len(f.heads) == 0 || f.format == "xlsx" {
			f.heads = append(f.heads, sheetHead{sheet: row.Sheet, headers: row.Headers})
		}
	}
	if len(f.heads) == 0 {
		return f, badFile("has no rows under its header")
	}
	return f, nil
}

// badFile refuses an uploaded file, saying what is wrong with it.
func badFile(msg string) error {
	return problem.Invalid("the file cannot be imported", problem.FieldError{Field: "file", Message: msg})
}

// unreadableFile refuses an uploaded file its reader broke on.
func unreadableFile(err error) error { return badFile(strings.TrimPrefix(err.Error(), "import: ")) }
