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

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"
	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/importing"
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
var filterParams = []string{"q", "kind", "stage", "tag", "owner", "province", "supervising_unit", "next_action_due", "dates_within", "linked_to", "relationship", "missing"}

func queryFrom(q url.Values) (service.Query, error) {
	out := service.Query{Q: q.Get("q"), Kind: q.Get("kind"), Stage: q.Get("stage"), Tag: q.Get("tag"),
		Owner: q.Get("owner"), Province: q.Get("province"), Supervising: q.Get("supervising_unit"), NextActionDue: q.Get("next_action_due"),
		LinkedTo: q.Get("linked_to"), Relationship: q.Get("relationship"), Missing: q.Get("missing")}
	if s := q.Get("dates_within"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n == 0 {
			return out, problem.Invalid("bad filter", problem.FieldError{Field: "dates_within", Message: "must be a number of days"})
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
		return asDownload(exp, "segment-"+in.ID, in.Format), nil
	}
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
func writeXLSX(ctx context.Context, w io.Writer, exp service.Export) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	line := 0
	setRow := func(cells []string) error {
		line++
		values := make([]any, len(cells))
		for i, c := range cells {
			values[i] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, values)
	}
	if err := setRow(exp.Columns); err != nil {
		return err
	}
	if err := exp.Rows(ctx, setRow); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	_, err = f.WriteTo(w)
	return err
}
