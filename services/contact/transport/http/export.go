package http

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"
	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
)

const (
	csvType  = "text/csv; charset=utf-8"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// utf8BOM lets Excel open Vietnamese CSV as UTF-8; the importer skips it.
	utf8BOM = "\ufeff"
)

// download is a response written as a file attachment, streamed.
type download struct {
	filename, contentType string
	write                 func(ctx context.Context, w io.Writer) error
}

// encodeDownload writes a download, or JSON for any other response. An
// error before the first byte is still a problem+json; after it the
// connection is aborted so the client cannot mistake a cut file for a whole.
func encodeDownload(log *slog.Logger) kithttp.EncodeResponseFunc {
	return func(ctx context.Context, w http.ResponseWriter, response any) error {
		d, ok := response.(download)
		if !ok {
			return httpapi.EncodeJSON(ctx, w, response)
		}
		h := w.Header()
		h.Set("Content-Type", d.contentType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.filename}))
		cw := &countingWriter{w: w}
		err := d.write(ctx, cw)
		if err != nil && cw.n == 0 {
			h.Del("Content-Disposition")
			return err
		}
		if err != nil {
			log.ErrorContext(ctx, "download cut short", "file", d.filename, "bytes", cw.n, "err", err)
			panic(http.ErrAbortHandler)
		}
		return nil
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type exportRequest struct {
	ID     string
	Query  service.Query
	Format string
}

// filterParams are the query parameters that filter a search or an export.
var filterParams = []string{"q", "kind", "stage", "tag", "owner", "province", "supervising_unit", "under", "next_action_due", "dates_within", "linked_to", "relationship", "linked_to_tag", "missing"}

// queryFrom reads a search's filters. A filter given empty ("tag=") is a
// 422: dropped, it would select more than was asked, and a bulk change
// through it would write to every party the other filters select. An
// empty q, a search box left blank, searches nothing and lists all.
func queryFrom(q url.Values) (service.Query, error) {
	var empty []problem.FieldError
	for _, name := range filterParams {
		if name != "q" && q.Has(name) && q.Get(name) == "" {
			empty = append(empty, problem.FieldError{Field: name, Message: "is empty: give a value, or leave " + name + " out"})
		}
	}
	if len(empty) > 0 {
		return service.Query{}, problem.Invalid("bad filter", empty...)
	}
	out := service.Query{Q: q.Get("q"), Kind: q.Get("kind"), Stage: q.Get("stage"), Tag: q.Get("tag"),
		Owner: q.Get("owner"), Province: q.Get("province"), Supervising: q.Get("supervising_unit"), Under: q.Get("under"), NextActionDue: q.Get("next_action_due"),
		LinkedTo: q.Get("linked_to"), Relationship: q.Get("relationship"), LinkedToTag: q.Get("linked_to_tag"), Missing: q.Get("missing")}
	if s := q.Get("dates_within"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n == 0 {
			return out, problem.Invalid("bad filter", problem.FieldError{Field: "dates_within", Message: party.ReminderWindowRule()})
		}
		out.DatesWithin = n
	}
	return out, nil
}

func decodeExport(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	query, err := queryFrom(q)
	if err != nil {
		return nil, err
	}
	req := exportRequest{ID: r.PathValue("id"), Query: query, Format: q.Get("format")}
	known := append([]string{"format"}, filterParams...)
	if req.ID != "" {
		if err := validID(req.ID); err != nil {
			return nil, err
		}
		known = known[:1] // a segment brings its own filter
	}
	if err := problem.KnownParams(q, known...); err != nil {
		return nil, err
	}
	switch req.Format {
	case "":
		// A client asking for a workbook by Accept, as a browser's download
		// or a spreadsheet's web query may, gets one; format wins over it.
		req.Format = "csv"
		if strings.Contains(r.Header.Get("Accept"), xlsxType) {
			req.Format = "xlsx"
		}
	case "csv", "xlsx":
	default:
		return nil, problem.Invalid("unknown format", problem.FieldError{Field: "format", Message: "must be csv or xlsx"})
	}
	return req, nil
}

func exportParties[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(exportRequest)
		exp, err := p.Export(ctx, in.Query)
		if err != nil {
			return nil, err
		}
		return asDownload(exp, exp.Name, in.Format), nil
	}
}

func exportSegment(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(exportRequest)
		exp, err := s.SegmentExport(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return asDownload(exp, fileName(exp.Name), in.Format), nil
	}
}

// fileName is name with the characters no file system takes in a file's
// name replaced: a segment is named as staff typed it ("Trường HN/HCM").
func fileName(name string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '-'
		}
		return r
	}, name)
}

func asDownload(exp service.Export, name, format string) download {
	if format == "xlsx" {
		return download{filename: name + ".xlsx", contentType: xlsxType,
			write: func(ctx context.Context, w io.Writer) error { return writeXLSX(ctx, w, exp) }}
	}
	return download{filename: name + ".csv", contentType: csvType,
		write: func(ctx context.Context, w io.Writer) error { return writeCSV(ctx, w, exp) }}
}

// writeCSV streams rows to the client as the database returns them.
func writeCSV(ctx context.Context, w io.Writer, exp service.Export) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(exp.Columns); err != nil {
		return err
	}
	err := exp.Rows(ctx, func(cells []string) error { return cw.Write(importing.InertCells(cells)) })
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeXLSX builds the sheet with excelize's StreamWriter (rows go to a
// temporary file, not memory) and sends the workbook once it is complete.
// It is made to be opened in Excel: the header stays in view and filters,
// dates and numbers are cells of their type, and the columns are wide
// enough to read.
func writeXLSX(ctx context.Context, w io.Writer, exp service.Export) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	cells, err := newXLSXCells(f, exp)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i, c := range exp.Columns {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c)); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		if cells.typed(i) {
			continue
		}
		// Text, so that Excel keeps a phone's or a tax code's leading zero
		// when a user types one, in a cell of the export or below it: the
		// column's style, so that a blank cell needs no cell written.
		if err := sw.SetColStyle(i+1, i+1, cells.text); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	line := 1
	if err := sw.SetRow("A1", cells.header()); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	err = exp.Rows(ctx, func(row []string) error {
		line++
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells.row(row))
	})
	if err != nil {
		return err
	}
	if line > 1 { // a table, for its filters, needs a row below its header
		last, _ := excelize.CoordinatesToCellName(len(exp.Columns), line)
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Export", StyleName: "TableStyleLight1"}); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	_, err = f.WriteTo(w)
	return err
}

// xlsxCells turns an export's rows into typed, styled cells.
type xlsxCells struct {
	exp              service.Export
	bold, date, text int
}

func newXLSXCells(f *excelize.File, exp service.Export) (xlsxCells, error) {
	c := xlsxCells{exp: exp}
	var err error
	if c.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return c, err
	}
	// Day first, as Vietnam writes dates and as the importer reads them.
	dayFirst := "dd/mm/yyyy"
	if c.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dayFirst}); err != nil {
		return c, err
	}
	// Text, so that Excel keeps a phone's or a tax code's leading zero
	// when a user edits the cell before importing the sheet again.
	c.text, err = f.NewStyle(&excelize.Style{NumFmt: 49})
	return c, err
}

func (c xlsxCells) header() []any {
	out := make([]any, len(c.exp.Columns))
	for i, h := range c.exp.Columns {
		out[i] = excelize.Cell{StyleID: c.bold, Value: h}
	}
	return out
}

// typed reports whether column i holds dates or numbers, which are cells
// of their type rather than text.
func (c xlsxCells) typed(i int) bool {
	return i < len(c.exp.Types) && (c.exp.Types[i] == party.FieldDate || c.exp.Types[i] == party.FieldNumber)
}

// row types each cell its column's way; a value its type does not read
// (a custom field kept from an earlier definition, a birthday without its
// year, --11-20, which no date cell can hold) stays text. A blank cell is
// not written (nil): most of a person's twenty columns are blank, and
// writing them cost a third of the workbook's time.
func (c xlsxCells) row(cells []string) []any {
	out := make([]any, len(cells))
	for i, v := range cells {
		if v == "" {
			continue
		}
		out[i] = excelize.Cell{StyleID: c.text, Value: v}
		if !c.typed(i) {
			continue
		}
		switch c.exp.Types[i] {
		case party.FieldDate:
			if d, err := time.Parse(time.DateOnly, v); err == nil {
				out[i] = excelize.Cell{StyleID: c.date, Value: d}
			}
		case party.FieldNumber:
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				out[i] = excelize.Cell{Value: n}
			}
		}
	}
	return out
}

// columnWidth is a column's width in characters: enough for a typical
// value of it.
func columnWidth(column string) float64 {
	switch column {
	case "id", "supervising_unit", "workplace", "parent_of", "guardian_of", "related_to":
		return 38
	case "name", "full_name", "address", "notes", "important_dates", "emails":
		return 30
	case "phones", "tags", "title", "kinds":
		return 20
	}
	return 14
}
