package service

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// PreviewView is what importing a file would do with its first rows, with
// nothing written: how its columns are read and, row by row, the party each
// would create or why it would not. A client shows it before the upload, so
// a column mapped to the wrong field is seen before 100,000 rows are
// created with it.
type PreviewView struct {
	Format string `json:"format"`
	// Columns are the file's headers, in file order, each with the field its
	// column feeds ("" for none).
	Columns        []PreviewColumn   `json:"columns"`
	IgnoredColumns []string          `json:"ignored_columns"`
	Defaults       map[string]string `json:"defaults"`
	Rows           []PreviewRow      `json:"rows"`
}

// PreviewColumn is a header of the file and the field its column feeds.
type PreviewColumn struct {
	Header string `json:"header"`
	Field  string `json:"field"`
}

// PreviewRow is one row of the file: the party it would create, without an
// id, or the problems that would refuse it.
type PreviewRow struct {
	Row int `json:"row"`
	// Sheet is the row's sheet, in a workbook of several.
	Sheet    string              `json:"sheet,omitempty"`
	Party    any                 `json:"party,omitempty"`
	Problems []importing.Problem `json:"problems"`
	// AlreadyStored is, for a row that is a stored party as it is stored,
	// that party's id: the import neither creates the row nor reports it.
	AlreadyStored string `json:"already_stored,omitempty"`
	// Parents are the parents a class list's row names beside its person,
	// as the import would link them.
	Parents []PreviewParent `json:"parents,omitempty"`
	// Skipped says why a row at or below the end of a form's list (its
	// total, its signature block) is not imported: the import counts it
	// skipped, neither created nor failed, and does not report it.
	Skipped string `json:"skipped,omitempty"`
}

// PreviewParent is a parent a row names: the stored person the import
// would link to the row's person (ID), a row of the file (Row), or the
// person it would create.
type PreviewParent struct {
	Kind     party.RelationKind `json:"kind"`
	FullName string             `json:"full_name"`
	Phones   []string           `json:"phones,omitempty"`
	Emails   []string           `json:"emails,omitempty"`
	ID       string             `json:"id,omitempty"`
	// Row is the row of the file whose own person they are, to be linked
	// once that row is created; Sheet its sheet, in a workbook of several.
	Row   int    `json:"row,omitempty"`
	Sheet string `json:"sheet,omitempty"`
}

// Preview reads the first n rows of an upload's file as its import would,
// checked against the stored parties (duplicates, the organisations rows
// name) as the import checks them, and writes nothing. An upload that does
// not fit its file is refused as Upload refuses it. A row whose supervising
// unit is a row of the file shows that unit as written: it has no id yet.
func (s *Service) Preview(ctx context.Context, in UploadInput, n int) (PreviewView, error) {
	up, err := s.prepareUpload(ctx, in)
	if err != nil {
		return PreviewView{}, err
	}
	defer up.close()
	v := PreviewView{Format: up.format, IgnoredColumns: up.mapping.Ignored(up.headers, up.resource), Defaults: up.defaults.ByName()}
	if v.IgnoredColumns == nil {
		v.IgnoredColumns = []string{}
	}
	for _, h := range up.headers {
		f, ok := up.mapping.Field(h)
		if !ok || !up.resource.Has(f) {
			f = importing.FieldNone
		}
		v.Columns = append(v.Columns, PreviewColumn{Header: h, Field: string(f)})
	}
	fields, err := s.FieldDefinitions(ctx)
	if err != nil {
		return v, err
	}
	opts := importing.Options{Mapping: up.mapping, Schema: fields.Schema, Defaults: up.defaults,
		Received: s.businessNow(), Location: s.Location, Workbook: up.format == "xlsx", Sheets: up.sheets}
	// Rows name rows of the whole file, as the import reads them (a
	// workbook's sheets only from the first whose header names a party
	// or a parent). Only the rows shown are read besides, and a workbook's
	// cells holding a formula with no value saved refuse their rows, and
	// its number cells' formats show in text fields, as in the import. A
	// damaged workbook is the job's to refuse: the preview shows the rows
	// above the damage.
	refs, err := readRefs(up.format, in.File, up.wb, opts, up.resource)
	if err != nil {
		return v, unreadableFile(err)
	}
	sample, err := up.sample(in.File, n)
	if err != nil {
		return v, unreadableFile(err)
	}
	if up.wb != nil && len(sample) > 0 {
		scan := importing.ScanWorkbook(in.File, sample[len(sample)-1].Line)
		opts.Formulas, opts.Shown = scan.Formulas, scan.Shown
	}
	opts.Families = refs.Families
	if up.resource == importing.People {
		v.Rows, err = previewParties(ctx, s.People, opts, (*importing.Checker).PersonFields, sample, refs.Parties)
	} else {
		v.Rows, err = previewParties(ctx, s.Organisations, opts, (*importing.Checker).OrganisationFields, sample, refs.Parties)
	}
	return v, err
}

// sample returns the first n rows of the upload's file.
func (up upload) sample(file []byte, n int) ([]importing.Row, error) {
	rows := readRows(up.format, file, up.mapping)
	if up.wb != nil {
		rows = up.wb.Rows(up.mapping)
	}
	var sample []importing.Row
	for row, err := range rows {
		if err != nil {
			return nil, err
		}
		if sample = append(sample, row); len(sample) == n {
			break
		}
	}
	return sample, nil
}

// previewParties runs the sample's rows through the import's checks
// (checkChunks, then refuseExisting in a transaction that writes nothing)
// and returns them in file order; named are the file's parties.
func previewParties[T any](ctx context.Context, p *Parties[T], opts importing.Options, fields fieldCheck[T],
	sample []importing.Row, named *importing.FileParties) ([]PreviewRow, error) {
	g, gctx := errgroup.WithContext(ctx)
	chunks, held := checkChunks(gctx, g, opts, fields, p.k.keys, nil, named, rowsOf(sample))
	var all []chunk[T]
	for ch := range chunks {
		all = append(all, ch)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	main := len(all)
	all = append(all, held.chunks()...)
	// The job the upload would be: its id gives the ids of rows naming parents.
	job := store.Import{ID: event.NewID().String(), CreatedBy: Actor(ctx)}
	run := &importRun[T]{p: p, job: job, named: named, families: opts.Families, sheets: opts.Sheets, fileRows: newFileRows()}
	columns := importing.NewChecker(opts)
	written := map[int]map[int]fileLink{} // line -> link index -> the row it names
	kept := map[int]T{}
	byLine := map[int]*PreviewRow{}
	err := pgx.BeginFunc(ctx, p.s.Pool, func(tx pgx.Tx) error {
		for k, ch := range all {
			if k >= main && !ch.loop {
				run.unwritten(ch, columns, written)
			}
			keep, problems, err := run.refuseExisting(ctx, tx, columns, ch)
			if err != nil {
				return err
			}
			for _, p := range ch.skipped {
				byLine[p.Row] = &PreviewRow{Row: p.Row, Skipped: p.Message, Problems: []importing.Problem{}}
			}
			for _, c := range keep {
				// Shown once every row's fate is known: a row of the file it
				// names may turn out to be a stored party.
				kept[c.row.Line] = run.owned(c.party)
				byLine[c.row.Line] = &PreviewRow{Row: c.row.Line, Party: true, Problems: []importing.Problem{}}
			}
			for _, pr := range problems {
				r := byLine[pr.Row]
				if r == nil {
					r = &PreviewRow{Row: pr.Row, Problems: []importing.Problem{}}
					byLine[pr.Row] = r
				}
				switch {
				case !pr.AlreadyStored:
					r.Problems = append(r.Problems, problemOf(pr, opts.Sheets))
				case pr.StoredParty != "":
					r.AlreadyStored = pr.StoredParty
				}
			}
		}
		return previewParents(ctx, tx, opts.Families, byLine)
	})
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	refuseNamingRefused(byLine, written, run.fileRows, opts.Sheets)
	out := make([]PreviewRow, 0, len(byLine))
	for _, line := range slices.Sorted(maps.Keys(byLine)) {
		r := *byLine[line]
		if r.Party != nil {
			if r.Party, err = run.shown(kept[line], written[line]); err != nil {
				return nil, err
			}
		}
		r.Sheet, r.Row = opts.Sheets.Place(r.Row)
		for i, p := range r.Parents {
			if p.Row > 0 {
				r.Parents[i].Sheet, r.Parents[i].Row = opts.Sheets.Place(p.Row)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// previewParents shows, on each previewed row that would be created, the
// parents it names: the stored person each is, or the person to create.
func previewParents(ctx context.Context, db store.DB, f *importing.Families, byLine map[int]*PreviewRow) error {
	var lines []int
	for line, r := range byLine {
		if r.Party != nil {
			lines = append(lines, line)
		}
	}
	stored, err := findParents(ctx, db, f, lines)
	if err != nil {
		return err
	}
	for _, line := range lines {
		r := byLine[line]
		for _, p := range f.Of(line) {
			v := PreviewParent{Kind: p.ChildAt(line).Kind, FullName: p.Name, Phones: p.Phones(), Emails: p.Emails(), Row: p.Row}
			if id, _ := p.Match(stored[p]); id != "" {
				v.ID = id
				v.FullName = stored[p][0].Name
			}
			r.Parents = append(r.Parents, v)
		}
	}
	return nil
}

// fileLink is a link of a previewed row to another row of the file, at
// line target, as written in the row's column.
type fileLink struct {
	text   string
	target int
	column string
}

// unwritten clears the links of a chunk of held rows to the rows of the
// file whose fate is not known yet (created, in the chunk itself, or past
// the rows previewed), which are not stored, so that the rows are looked
// up among the stored ones without them; written keeps them, for
// refuseNamingRefused and shown. Links to rows known not to be created are
// left to refuseExisting, which tells them as the import does.
func (r *importRun[T]) unwritten(ch chunk[T], columns *importing.Checker, written map[int]map[int]fileLink) {
	for i := range ch.pending {
		row := ch.pending[i].row
		for j, l := range linksOf(&ch.pending[i].party) {
			target, ok := r.fileRowOf(row.Line, l)
			if _, known := r.fileRows.of(target); !ok || known {
				continue
			}
			if written[row.Line] == nil {
				written[row.Line] = map[int]fileLink{}
			}
			written[row.Line][j] = fileLink{text: *l.id, target: target, column: columns.Column(row, importing.LinkField(l.kind))}
			*l.id = ""
		}
	}
}

// shown returns a previewed party as the import would create it, without
// its id: a link to a row of the file shows the stored party that row
// stands for, or the row's party as written, which has no id yet.
func (r *importRun[T]) shown(v T, written map[int]fileLink) (map[string]json.RawMessage, error) {
	for j, l := range linksOf(&v) {
		if named, ok := written[j]; ok {
			*l.id = named.text
			if id, _ := r.fileRows.of(named.target); id != "" {
				*l.id = id
			}
		}
	}
	return withoutID(v)
}

// refuseNamingRefused refuses, as the import would, the previewed rows that
// name a row of the file the preview refuses, and so on until none is
// left; a row naming one that stands for a stored party links to it. A row
// naming one past the rows previewed is shown as it would be created: that
// row's fate is not known.
func refuseNamingRefused(byLine map[int]*PreviewRow, written map[int]map[int]fileLink, rows *fileRows, sheets importing.Sheets) {
	for again := true; again; {
		again = false
		for _, line := range slices.Sorted(maps.Keys(written)) {
			r := byLine[line]
			for _, j := range slices.Sorted(maps.Keys(written[line])) {
				l := written[line][j]
				if id, _ := rows.of(l.target); id != "" {
					continue
				}
				if target := byLine[l.target]; r != nil && r.Party != nil && target != nil && target.Party == nil {
					r.Party, again = nil, true
					r.Problems = append(r.Problems, sheets.Shown(importing.Problem{Row: line, Column: l.column,
						Message: importing.Ref{Text: l.text}.NotImported(sheets.Row(l.target))}))
				}
			}
		}
	}
}

// withoutID returns v's JSON object without its id, which a party gets
// only when it is created.
func withoutID(v any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	delete(fields, "id")
	return fields, nil
}

// rowsOf returns rows as a file's rows.
func rowsOf(rows []importing.Row) iter.Seq2[importing.Row, error] {
	return func(yield func(importing.Row, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}
