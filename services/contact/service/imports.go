package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// UploadInput is an import file as uploaded.
type UploadInput struct {
	Resource string            // organizations or people
	Filename string            // as sent, for the format when the content does not tell
	File     []byte            // the whole file
	Mapping  map[string]string // header -> field, over the default mapping
	Defaults map[string]string // field -> the value every row takes
}

// ImportProgress counts an import's rows so far.
type ImportProgress struct {
	Processed int `json:"processed"`
	Created   int `json:"created"`
	// AlreadyStored counts the rows that are a stored party as it is
	// stored (an export imported back untouched, by the party's id, or its
	// keys and name): not created, as the party is there, and not failed.
	// A row that is a stored party and differs from it failed, its
	// problem naming the columns that differ.
	AlreadyStored int `json:"already_stored"`
	// Skipped counts the rows at or below the end of a form's list: its
	// total ("Tổng cộng: 32 học sinh"), its signature block ("Người lập
	// biểu") and the signers' names below. They are no parties and nothing
	// is wrong with them: neither failed nor reported.
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
	// ParentsCreated counts the parents and guardians a class list names
	// beside its students that the import created, ParentsLinked the
	// stored people it found and linked to their children. Both are
	// counted once every row is written.
	ParentsCreated int `json:"parents_created"`
	ParentsLinked  int `json:"parents_linked"`
}

// ImportView is an import job as the API shows it.
type ImportView struct {
	ID       string `json:"id"`
	Resource string `json:"resource"`
	// FileName is the uploaded file's name, as uploaded; Sheets are the
	// sheets of a workbook of several, in order (empty otherwise): what
	// tells the morning's ten people files apart.
	FileName   string         `json:"file_name"`
	Sheets     []string       `json:"sheets"`
	Format     string         `json:"format"`
	Status     string         `json:"status"`
	Progress   ImportProgress `json:"progress"`
	Error      string         `json:"error,omitempty"`
	CreatedBy  string         `json:"created_by"`
	CreatedAt  time.Time      `json:"created_at"`
	FinishedAt *time.Time     `json:"finished_at,omitempty"`
	// IgnoredColumns are the file's headers whose columns feed no field of
	// the resource, so nothing in them is imported; map them to keep them.
	IgnoredColumns []string `json:"ignored_columns"`
	// DuplicateOfUpload says the same file was uploaded before for the same
	// resource: this is that earlier job and nothing new was queued.
	DuplicateOfUpload bool `json:"duplicate_of_upload"`
	// Resumed says the same file's earlier job had failed and runs again,
	// past the chunks it wrote.
	Resumed bool `json:"resumed"`
	// Defaults are the values every row takes, by field; an organisation
	// they name is shown by its id.
	Defaults map[string]string `json:"defaults"`
	// Undone counts the parties created that undoing the import deleted,
	// last at UndoneAt by UndoneBy.
	Undone   int        `json:"undone"`
	UndoneAt *time.Time `json:"undone_at,omitempty"`
	UndoneBy string     `json:"undone_by,omitempty"`
}

func importView(j store.Import) ImportView {
	if j.IgnoredColumns == nil {
		j.IgnoredColumns = []string{} // listed as [], never null
	}
	if j.Defaults == nil {
		j.Defaults = map[string]string{}
	}
	if j.Sheets == nil {
		j.Sheets = []string{}
	}
	return ImportView{ID: j.ID, Resource: j.Resource, FileName: j.FileName, Sheets: j.Sheets, Format: j.Format, Status: j.Status,
		Progress: ImportProgress{Processed: j.Processed, Created: j.Created, AlreadyStored: j.AlreadyStored, Skipped: j.Skipped, Failed: j.Failed,
			ParentsCreated: j.ParentsCreated, ParentsLinked: j.ParentsLinked},
		Error: j.Error, CreatedBy: j.CreatedBy, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt,
		IgnoredColumns: j.IgnoredColumns, Defaults: j.Defaults, Undone: j.Undone, UndoneAt: j.UndoneAt, UndoneBy: j.UndoneBy}
}

// upload is an upload that fits its file: the file's format and headers,
// and how it is read.
type upload struct {
	resource importing.Resource
	format   string
	// headers are every sheet's headers, each once, in file order; sheets
	// a workbook's sheets, if it has several (see importing.Sheets).
	headers  []string
	sheets   importing.Sheets
	explicit map[string]importing.Field // the upload's own mapping
	mapping  importing.Mapping          // explicit over the default one
	defaults importing.Defaults         // organisations named by id
	// wb is the workbook, open, for a preview to read its rows; nil for a
	// CSV file. The caller of prepareUpload closes it (upload.close).
	wb *importing.Workbook
}

// close closes the upload's workbook, if it has one.
func (up upload) close() {
	if up.wb != nil {
		up.wb.Close()
	}
}

// prepareUpload refuses a file that cannot be read, or a mapping naming an
// unknown field, a field the resource lacks or a header the file lacks, or
// two columns feeding one single-valued field, or no column feeding the
// name, or defaults that cannot be every row's. A mapping may name a field
// by its API name (importing.FieldNamed).
func (s *Service) prepareUpload(ctx context.Context, in UploadInput) (up upload, err error) {
	up = upload{resource: importing.Resource(in.Resource), explicit: make(map[string]importing.Field, len(in.Mapping))}
	if !up.resource.Known() {
		return up, problem.Invalid("unknown resource", problem.FieldError{Field: "resource", Message: "must be organizations or people"})
	}
	for h, f := range in.Mapping {
		up.explicit[h] = importing.FieldNamed(f)
	}
	up.mapping = importing.DefaultMapping().With(up.explicit)
	f, err := checkFile(in.Filename, in.File, up.mapping)
	if err != nil {
		return up, err
	}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	up.format, up.headers, up.sheets, up.wb = f.format, f.headers(), f.sheets, f.wb
	defaults := importing.NewDefaults(in.Defaults)
	problems := importing.CheckMapping(up.explicit, up.headers, up.resource)
	for _, head := range f.heads {
		for h, msg := range up.mapping.Conflicts(head.headers, up.resource, defaults) {
			if _, ok := problems[h]; !ok {
				problems[h] = onSheet(head.sheet, msg)
			}
		}
	}
	if len(problems) > 0 {
		fields := make([]problem.FieldError, 0, len(problems))
		for _, h := range slices.Sorted(maps.Keys(problems)) {
			fields = append(fields, problem.FieldError{Field: "mapping." + h, Message: problems[h]})
		}
		return up, problem.Invalid("the mapping does not fit the file", fields...)
	}
	for _, head := range f.heads {
		if msg := up.mapping.NameMissing(head.headers, up.resource); msg != "" {
			if head.sheet != "" {
				msg += fmt.Sprintf("; if the sheet holds no %s, delete it from the workbook", up.resource)
			}
			return up, badFile(onSheet(head.sheet, msg))
		}
	}
	up.defaults, err = s.checkDefaults(ctx, defaults, up.resource, up.mapping, up.headers)
	return up, err
}

// Upload queues an import of a CSV or XLSX file. The same file uploaded
// again for the same resource is settled by decideReupload: mostly, the
// answer is the earlier job and nothing new is queued. An upload that does
// not fit its file (prepareUpload) is refused before anything is written.
// The columns that feed nothing are listed in the answer.
func (s *Service) Upload(ctx context.Context, in UploadInput) (ImportView, error) {
	up, err := s.prepareUpload(ctx, in)
	if err != nil {
		return ImportView{}, err
	}
	up.close() // the job reads the file again
	var explicitJSON []byte
	if len(up.explicit) > 0 {
		if explicitJSON, err = json.Marshal(up.explicit); err != nil {
			return ImportView{}, fmt.Errorf("store mapping: %w", err)
		}
	}
	fp, err := importing.Fingerprint(bytes.NewReader(in.File))
	if err != nil {
		return ImportView{}, err
	}
	fresh := store.Import{ID: event.NewID().String(), Resource: in.Resource, FileName: in.Filename, Format: up.format, Fingerprint: fp, Sheets: up.sheets,
		CreatedBy: Actor(ctx), CreatedAt: s.now(),
		IgnoredColumns: up.mapping.Ignored(up.headers, up.resource), Defaults: up.defaults.ByName()}
	var v ImportView
	err = postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		job, earlierMapping, inserted, err := store.InsertImport(ctx, tx, fresh, in.File, explicitJSON)
		if err != nil || inserted {
			v = importView(job)
			return err
		}
		same, err := sameMapping(earlierMapping, up.explicit)
		if err != nil {
			return fmt.Errorf("import %s: %w", job.ID, err)
		}
		same = same && maps.Equal(job.Defaults, fresh.Defaults)
		n, kept, err := leftOf(ctx, tx, job)
		if err != nil {
			return fmt.Errorf("import %s: %w", job.ID, err)
		}
		switch action, why := decideReupload(job, same, n); action {
		case answerEarlier:
			v = importView(job)
			v.DuplicateOfUpload = true
		case resumeEarlier:
			job, err = store.ResumeImport(ctx, tx, job.ID, in.File)
			v = importView(job)
			v.Resumed = true
		case replaceEarlier:
			if err := store.DeleteImport(ctx, tx, job.ID); err != nil {
				return err
			}
			job, _, _, err = store.InsertImport(ctx, tx, fresh, in.File, explicitJSON)
			v = importView(job)
		default:
			if kept != nil {
				return problem.Conflict(why).With("kept_parties", kept)
			}
			return problem.Conflict(why)
		}
		return err
	})
	if err != nil {
		return ImportView{}, err
	}
	if !v.DuplicateOfUpload {
		select {
		case s.importQueued <- struct{}{}:
		default: // the worker is already awake
		}
	}
	return v, nil
}

// checkDefaults refuses defaults that cannot be every row's (see
// importing.Defaults.Check), and looks up the organisations they name (a
// supervising unit, a workplace), which must each be one stored one: the
// defaults returned name them by id, so every chunk of the job, resumed or
// not, links the same one.
func (s *Service) checkDefaults(ctx context.Context, d importing.Defaults, r importing.Resource, m importing.Mapping, headers []string) (importing.Defaults, error) {
	if len(d) == 0 {
		return nil, nil
	}
	custom, err := s.FieldDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	problems := d.Check(r, m, headers, importing.Options{Schema: custom.Schema, Received: s.businessNow(), Location: s.Location})
	refs := map[importing.Field]importing.Ref{}
	for _, f := range []importing.Field{importing.FieldSupervisingUnit, importing.FieldWorkplace} {
		if text, ok := d[f]; ok && problems[f] == "" {
			refs[f] = importing.ParseOrgRef(strings.TrimSpace(text))
		}
	}
	if len(refs) > 0 {
		found, err := findParties(ctx, s.Pool, store.Organization, slices.Collect(maps.Values(refs)))
		if err != nil {
			return nil, fmt.Errorf("defaults: %w", err)
		}
		for f, ref := range refs {
			switch ids := matching(found, ref); len(ids) {
			case 1:
				d[f] = ids[0]
			case 0:
				problems[f] = ref.NotFound(false)
			default:
				problems[f] = ref.Ambiguous(len(ids))
			}
		}
	}
	if len(problems) == 0 {
		return d, nil
	}
	fields := make([]problem.FieldError, 0, len(problems))
	for _, f := range slices.Sorted(maps.Keys(problems)) {
		fields = append(fields, problem.FieldError{Field: "defaults." + string(f), Message: problems[f]})
	}
	return nil, problem.Invalid("the defaults cannot be every row's", fields...)
}

// Import returns an import job's progress.
func (s *Service) Import(ctx context.Context, id string) (ImportView, error) {
	j, err := store.GetImport(ctx, s.Pool, id)
	return importView(j), err
}

// Imports lists import jobs, newest first, from the job before the id
// before; the filter's status and resource must be ones a job can have.
func (s *Service) Imports(ctx context.Context, f store.ImportFilter, before string, limit int) ([]ImportView, error) {
	var bad []problem.FieldError
	if f.Status != "" && !slices.Contains(importStatuses, f.Status) {
		bad = append(bad, problem.FieldError{Field: "status", Message: "must be one of " + strings.Join(importStatuses, ", ")})
	}
	if f.Resource != "" && !importing.Resource(f.Resource).Known() {
		bad = append(bad, problem.FieldError{Field: "resource", Message: "must be organizations or people"})
	}
	if len(bad) > 0 {
		return nil, problem.Invalid("bad filter", bad...)
	}
	jobs, err := store.ListImports(ctx, s.Pool, f, before, limit)
	views := make([]ImportView, len(jobs))
	for i, j := range jobs {
		views[i] = importView(j)
	}
	return views, err
}

// importStatuses are the states of an import job, in the order it passes them.
var importStatuses = []string{"pending", "running", "done", "failed"}

// ProblemReport is an import's report: its problems in row order, and the
// name the file was uploaded under, which a downloaded report is named
// after ("" for jobs uploaded before it was kept).
type ProblemReport struct {
	FileName string
	Problems []importing.Problem
}

// ImportProblems returns an import's report.
func (s *Service) ImportProblems(ctx context.Context, id string) (ProblemReport, error) {
	job, err := store.GetImport(ctx, s.Pool, id)
	if err != nil {
		return ProblemReport{}, err
	}
	ps, err := store.ListProblems(ctx, s.Pool, id)
	out := ProblemReport{FileName: job.FileName, Problems: make([]importing.Problem, len(ps))}
	for i, p := range ps {
		out.Problems[i] = problemOf(p, job.Sheets)
	}
	return out, err
}

// problemOf is a stored problem as the API shows it, its rows placed on
// the workbook's sheets.
func problemOf(p store.ImportProblem, sheets importing.Sheets) importing.Problem {
	out := importing.Problem{Row: p.Row, Column: p.Column, Message: p.Message}
	if p.DuplicateOfRow != nil {
		out.DuplicateOfRow = *p.DuplicateOfRow
	}
	return sheets.Shown(out)
}
