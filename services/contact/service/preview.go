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

	"github.com/rapportcrm/rapport/services/contact/importing"
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
	Row      int                 `json:"row"`
	Party    any                 `json:"party,omitempty"`
	Problems []importing.Problem `json:"problems"`
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
	opts := importing.Options{Mapping: up.mapping, Schema: s.Schema, Today: s.today(), Defaults: up.defaults,
		Received: s.Clock.Now(), Location: s.Location}
	if up.resource == importing.People {
		v.Rows, err = previewParties(ctx, s.People, opts, (*importing.Checker).PersonFields, up, in.File, n)
	} else {
		v.Rows, err = previewParties(ctx, s.Organisations, opts, (*importing.Checker).OrganisationFields, up, in.File, n)
	}
	return v, err
}

// previewParties runs the first n rows of the file through the import's
// checks (checkChunks, then refuseExisting in a transaction that writes
// nothing) and returns them in file order.
func previewParties[T any](ctx context.Context, p *Parties[T], opts importing.Options, fields fieldCheck[T],
	up upload, file []byte, n int) ([]PreviewRow, error) {
	named, err := importing.ReadFileParties(readRows(up.format, file, opts.Mapping), importing.NewChecker(opts), up.resource)
	if err != nil {
		return nil, unreadableFile(err)
	}
	var sample []importing.Row
	for row, err := range readRows(up.format, file, opts.Mapping) {
		if err != nil {
			return nil, unreadableFile(err)
		}
		if sample = append(sample, row); len(sample) == n {
			break
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	chunks, held := checkChunks(gctx, g, opts, fields, p.k.keys, nil, named, rowsOf(sample))
	var all []chunk[T]
	for ch := range chunks {
		all = append(all, ch)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// A held row names rows of the file, which are not stored: it is looked
	// up among the stored ones without those links, and shown as written.
	written := map[int]map[int]string{} // line -> link index -> the party as written
	for _, ch := range held.chunks() {
		if !ch.loop {
			for i := range ch.pending {
				for j, l := range linksOf(&ch.pending[i].party) {
					if _, ok := named.Line(*l.id); ok {
						line := ch.pending[i].row.Line
						if written[line] == nil {
							written[line] = map[int]string{}
						}
						written[line][j], *l.id = *l.id, ""
					}
				}
			}
		}
		all = append(all, ch)
	}
	run := &importRun[T]{p: p, job: store.Import{CreatedBy: Actor(ctx)}, named: named}
	columns := importing.NewChecker(opts)
	byLine := map[int]*PreviewRow{}
	err = pgx.BeginFunc(ctx, p.s.Pool, func(tx pgx.Tx) error {
		for _, ch := range all {
			keep, problems, err := run.refuseExisting(ctx, tx, columns, ch)
			if err != nil {
				return err
			}
			for _, c := range keep {
				v := run.owned(c.party)
				for j, l := range linksOf(&v) {
					if text, ok := written[c.row.Line][j]; ok {
						*l.id = text
					}
				}
				shown, err := withoutID(v)
				if err != nil {
					return err
				}
				byLine[c.row.Line] = &PreviewRow{Row: c.row.Line, Party: shown, Problems: []importing.Problem{}}
			}
			for _, pr := range problems {
				r := byLine[pr.Row]
				if r == nil {
					r = &PreviewRow{Row: pr.Row}
					byLine[pr.Row] = r
				}
				r.Problems = append(r.Problems, problemOf(pr))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	out := make([]PreviewRow, 0, len(byLine))
	for _, line := range slices.Sorted(maps.Keys(byLine)) {
		out = append(out, *byLine[line])
	}
	return out, nil
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
