package importing

import (
	"archive/zip"
	"path"
	"strconv"
	"strings"
)

// Shown are the texts a spreadsheet shows for a workbook's number cells
// whose format adds to the number (zeros before a code, text around it,
// decimals; see numFormat), where they differ from the number read raw, by
// line (as Row.Line numbers rows across sheets) and then column (from 0).
// A text field takes them (Options.Shown); a number field reads the number.
type Shown map[int]map[int]string

// cellFormats are the number formats of a workbook's cell styles, by the
// style's index (a cell's s attribute); nil where numFormat renders none.
type cellFormats []*numFormat

// of returns the format of the style a cell's s attribute names, or nil.
func (f cellFormats) of(s string) *numFormat {
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= len(f) {
		return nil
	}
	return f[i]
}

// workbookFormats reads the number formats of the cell styles of the
// workbook at workbook (its part) from its styles part. A workbook without
// styles, or with styles that do not read, has none: its cells are read
// raw, as before.
func workbookFormats(zr *zip.Reader, workbook string) cellFormats {
	var rels relationships
	dir := path.Dir(workbook)
	if decodePart(zr, path.Join(dir, "_rels", path.Base(workbook)+".rels"), &rels) != nil {
		return nil
	}
	part := ""
	for _, r := range rels.Relationship {
		if strings.HasSuffix(r.Type, "/styles") {
			part = r.target(dir)
		}
	}
	var styles struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if part == "" || decodePart(zr, part, &styles) != nil {
		return nil
	}
	codes := map[int]string{}
	for id, code := range builtInFormats {
		codes[id] = code
	}
	for _, f := range styles.NumFmts {
		codes[f.ID] = f.Code
	}
	parsed := map[int]*numFormat{}
	var out cellFormats
	some := false
	for _, xf := range styles.Xfs {
		f, ok := parsed[xf.NumFmtID]
		if !ok {
			if code, known := codes[xf.NumFmtID]; known {
				f = parseNumFormat(code)
			}
			parsed[xf.NumFmtID] = f
		}
		out = append(out, f)
		some = some || f != nil
	}
	if !some {
		return nil // nearly every workbook: no cell's XML needs more reading
	}
	return out
}

// relationships are a part's relationships (its _rels/*.rels).
type relationships struct {
	Relationship []relationship
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// target returns the part r names, relative to dir unless it starts with
// "/", as excelize finds it.
func (r relationship) target(dir string) string {
	if strings.HasPrefix(r.Target, "/") {
		return path.Clean(strings.TrimPrefix(r.Target, "/"))
	}
	return strings.TrimPrefix(path.Join(dir, r.Target), "/")
}
