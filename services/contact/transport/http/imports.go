package http

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/go-kit/kit/endpoint"

	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// uploadLimit is generous: a 100,000-row spreadsheet is about 10 MiB.
const uploadLimit = 64 << 20

// decodeUpload reads the multipart form as a stream: the file part is read
// once into memory (it is stored with the job), never spooled to disk.
func decodeUpload(_ context.Context, r *http.Request) (any, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, uploadLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, problem.BadRequest("send multipart/form-data with a file part and a resource")
	}
	var in service.UploadInput
	hasFile := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, uploadError(err)
		}
		switch part.FormName() {
		case "file":
			in.Filename, hasFile = part.FileName(), true
			if in.File, err = io.ReadAll(part); err != nil {
				return nil, uploadError(err)
			}
		case "resource":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return nil, uploadError(err)
			}
			in.Resource = strings.TrimSpace(string(b))
		case "mapping":
			if err := readObjectPart(part, &in.Mapping, "the mapping is not a JSON object of header to field",
				`{"Tên KH": "name"}`); err != nil {
				return nil, err
			}
		case "defaults":
			if err := readObjectPart(part, &in.Defaults, "the defaults are not a JSON object of field to value",
				`{"tags": "hội thảo 2026", "workplace": "Trường THCS Kim Đồng"}`); err != nil {
				return nil, err
			}
		default:
			return nil, problem.Invalid("unknown form field", problem.FieldError{Field: part.FormName(), Message: "is not accepted"})
		}
	}
	if !hasFile {
		return nil, problem.Invalid("no file", problem.FieldError{Field: "file", Message: "is required"})
	}
	return in, nil
}

// readObjectPart reads a form part holding a JSON object of strings into
// v; a part that is not one is a 422 naming the part, with an example.
func readObjectPart(part *multipart.Part, v *map[string]string, title, example string) error {
	b, err := io.ReadAll(io.LimitReader(part, bodyLimit))
	if err != nil {
		return uploadError(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return problem.Invalid(title, problem.FieldError{Field: part.FormName(), Message: "must be a JSON object such as " + example})
	}
	return problem.RefuseNUL(b, part.FormName())
}

func uploadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return problem.TooLarge(uploadLimit)
	}
	return problem.BadRequest("the multipart body cannot be read")
}

func upload(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		v, err := s.Upload(ctx, req.(service.UploadInput))
		if err != nil || v.DuplicateOfUpload {
			return v, err // the earlier job, as it is now: 200
		}
		return httpapi.Accepted{Body: v}, nil
	}
}

// previewRows is how many rows a preview shows unless asked, and at most.
const previewRows, maxPreviewRows = 20, 100

type previewRequest struct {
	service.UploadInput
	Rows int
}

// decodePreview reads an upload's form, and ?rows= for how many rows to show.
func decodePreview(ctx context.Context, r *http.Request) (any, error) {
	req := previewRequest{Rows: previewRows}
	if s := r.URL.Query().Get("rows"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPreviewRows {
			return nil, problem.Invalid("bad preview", problem.FieldError{Field: "rows", Message: fmt.Sprintf("must be a number from 1 to %d", maxPreviewRows)})
		}
		req.Rows = n
	}
	in, err := decodeUpload(ctx, r)
	if err != nil {
		return nil, err
	}
	req.UploadInput = in.(service.UploadInput)
	return req, nil
}

func preview(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(previewRequest)
		return s.Preview(ctx, in.UploadInput, in.Rows)
	}
}

func undoImport(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		return s.UndoImport(ctx, req.(idRequest).ID)
	}
}

type importList struct {
	Filter store.ImportFilter
	Before string // the id of the last job of the page before
	Page   page.Request
}

// lastID sorts after every UUID: a newest-first list of jobs starts there.
const lastID = "ffffffff-ffff-ffff-ffff-ffffffffffff"

func decodeImportList(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	req := importList{Filter: store.ImportFilter{Status: q.Get("status"), Resource: q.Get("resource")}, Before: lastID}
	pr, err := page.FromRequest(r, &req.Before, "status", "resource")
	if err == nil && req.Before != lastID && !party.ValidID(req.Before) {
		err = problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "is not a cursor this API returned"})
	}
	req.Page = pr
	return req, err
}

func listImports(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(importList)
		jobs, err := s.Imports(ctx, in.Filter, in.Before, in.Page.Limit+1)
		if err != nil {
			return nil, err
		}
		return page.Of(jobs, in.Page, func(last service.ImportView) any { return last.ID }), nil
	}
}

func getImport(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		return s.Import(ctx, req.(idRequest).ID)
	}
}

type problemsRequest struct {
	ID  string
	CSV bool
}

func decodeProblems(_ context.Context, r *http.Request) (any, error) {
	req := problemsRequest{ID: r.PathValue("id")}
	if err := validID(req.ID); err != nil {
		return nil, err
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		req.CSV = true
	case "json":
	case "":
		req.CSV = strings.Contains(r.Header.Get("Accept"), "text/csv")
	default:
		return nil, problem.Invalid("unknown format", problem.FieldError{Field: "format", Message: "must be json or csv"})
	}
	return req, nil
}

// problemList is an import's whole report (it is bounded by the file).
type problemList struct {
	Items []importing.Problem `json:"items"`
}

func importProblems(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(problemsRequest)
		report, err := s.ImportProblems(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		if !in.CSV {
			return problemList{Items: report.Problems}, nil
		}
		return download{filename: problemsFileName(report.FileName, in.ID), contentType: csvType,
			write: func(_ context.Context, w io.Writer) error { return writeProblems(w, report.Problems) }}, nil
	}
}

// problemsFileName names a downloaded report after the file uploaded
// ("cl1.xlsx" gives "cl1-problems.csv"), without its folders or extension
// and with the characters no file name takes replaced, so the morning's
// ten reports are told apart; after the job for a job uploaded before file
// names were kept.
func problemsFileName(uploaded, jobID string) string {
	base := uploaded[strings.LastIndexAny(uploaded, `/\`)+1:]
	base = strings.TrimSpace(strings.TrimSuffix(base, path.Ext(base)))
	if base == "" {
		base = "import-" + jobID
	}
	return fileName(base) + "-problems.csv"
}

func writeProblems(w io.Writer, ps []importing.Problem) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	// A workbook of several sheets' report ends with the sheets of the
	// rows, after the columns every report has, so that a reader of those
	// finds them where it always did.
	sheets := slices.ContainsFunc(ps, func(p importing.Problem) bool { return p.Sheet != "" })
	header := []string{"row", "column", "message", "duplicate_of_row"}
	if sheets {
		header = append(header, "sheet", "duplicate_of_sheet")
	}
	_ = cw.Write(header)
	for _, p := range ps {
		dup := ""
		if p.DuplicateOfRow > 0 {
			dup = strconv.Itoa(p.DuplicateOfRow)
		}
		cells := []string{strconv.Itoa(p.Row), p.Column, p.Message, dup}
		if sheets {
			cells = append(cells, p.Sheet, p.DuplicateOfSheet)
		}
		_ = cw.Write(importing.InertCells(cells))
	}
	cw.Flush()
	return cw.Error()
}
