package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// importChunk is how many rows are checked against stored parties and
// written per transaction: large enough that round trips do not matter,
// small enough that a transaction stays short.
const importChunk = 5000

func readRows(format string, file []byte) iter.Seq2[importing.Row, error] {
	if format == "xlsx" {
		return importing.ReadXLSX(bytes.NewReader(file))
	}
	return importing.ReadCSV(bytes.NewReader(file))
}

// importFile checks every row of the file and creates the valid ones.
func (s *Service) importFile(ctx context.Context, job store.Import, file, mappingJSON []byte) error {
	mapping := importing.DefaultMapping()
	if len(mappingJSON) > 0 {
		var m map[string]string
		if err := json.Unmarshal(mappingJSON, &m); err != nil {
			return fmt.Errorf("import %s: mapping: %w", job.ID, err)
		}
		for header, f := range m {
			mapping[header] = importing.Field(f)
		}
	}
	opts := importing.Options{Mapping: mapping, Schema: s.Schema}
	// The checker runs in the reading goroutine; the writer names columns
	// with a checker of its own, as a Checker is not safe for concurrent use.
	c, columns := importing.NewChecker(opts), importing.NewChecker(opts)
	rows := readRows(job.Format, file)
	if job.Resource == "people" {
		return importParties(ctx, s.People, columns, c.Person, job, rows)
	}
	return importParties(ctx, s.Organisations, columns, c.Organisation, job, rows)
}

// candidate is a row that passed the checker, waiting for its chunk.
type candidate[T any] struct {
	row   importing.Row
	party T
}

// chunk is up to importChunk consecutive rows: those that passed the
// checker and the problems of the others.
type chunk[T any] struct {
	pending  []candidate[T]
	problems []store.ImportProblem
	rows     int
	err      error // reading the file stopped here
}

// importRun is one job's state while its chunks are written.
type importRun[T any] struct {
	p        *Parties[T]
	c        *importing.Checker // names columns in problems
	job      store.Import
	progress ImportProgress
}

// importParties checks rows in one goroutine while the previous chunk is
// written in this one, so parsing and the database work overlap. Chunks are
// still written in file order, one transaction each.
func importParties[T any](ctx context.Context, p *Parties[T], c *importing.Checker, check func(importing.Row) (T, []importing.Problem),
	job store.Import, rows iter.Seq2[importing.Row, error]) error {
	run := &importRun[T]{p: p, c: c, job: job,
		progress: ImportProgress{Processed: job.Processed, Created: job.Created, Failed: job.Failed}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan chunk[T], 1)
	go func() {
		defer close(chunks)
		readChunks(ctx, check, job.Processed, rows, chunks)
	}()
	for ch := range chunks {
		if err := run.flush(ctx, ch); err != nil {
			cancel()
			for range chunks { // let the reader see the cancellation and stop
			}
			return err
		}
		if ch.err != nil {
			return fmt.Errorf("read the file: %w", ch.err)
		}
	}
	return ctx.Err()
}

// readChunks checks every row and sends them in chunks. Rows up to skip
// were committed before a restart: they are checked again only so the
// within-file duplicate check remembers their keys.
func readChunks[T any](ctx context.Context, check func(importing.Row) (T, []importing.Problem), skip int,
	rows iter.Seq2[importing.Row, error], out chan<- chunk[T]) {
	var ch chunk[T]
	send := func() bool {
		select {
		case out <- ch:
			ch = chunk[T]{pending: make([]candidate[T], 0, importChunk)}
			return true
		case <-ctx.Done():
			return false
		}
	}
	seen := 0
	for row, err := range rows {
		if err != nil {
			ch.err = err
			break
		}
		seen++
		v, problems := check(row)
		if seen <= skip {
			continue
		}
		ch.rows++
		if len(problems) > 0 {
			ch.problems = append(ch.problems, storeProblems(problems)...)
		} else {
			ch.pending = append(ch.pending, candidate[T]{row: row, party: v})
		}
		if ch.rows == importChunk && !send() {
			return
		}
	}
	if ch.rows > 0 || ch.err != nil {
		send()
	}
}

func storeProblems(ps []importing.Problem) []store.ImportProblem {
	out := make([]store.ImportProblem, len(ps))
	for i, p := range ps {
		out[i] = store.ImportProblem{Row: p.Row, Column: p.Column, Message: p.Message}
		if p.DuplicateOfRow > 0 {
			out[i].DuplicateOfRow = &p.DuplicateOfRow
		}
	}
	return out
}

// flush writes one chunk in one transaction: rows sharing a key with a
// stored party are reported, the others created with their keys and
// events, and the problems and progress recorded.
func (r *importRun[T]) flush(ctx context.Context, ch chunk[T]) error {
	s, k := r.p.s, r.p.k
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		keep, problems, err := r.refuseExisting(ctx, tx, ch)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		rows := make([]store.Row, 0, len(keep))
		events := make([]*event.Event, 0, len(keep))
		for _, cand := range keep {
			v := cand.party
			*k.id(&v) = event.NewID().String()
			if *k.owner(&v) == "" {
				*k.owner(&v) = r.job.CreatedBy
			}
			row, err := row(k, v)
			if err != nil {
				return err
			}
			e, err := s.Catalogue.Event(row.ID, now, k.created(v))
			if err != nil {
				return err
			}
			rows, events = append(rows, row), append(events, &e)
		}
		if err := store.CopyParties(ctx, tx, k.table, rows, r.job.ID, r.job.CreatedBy, now); err != nil {
			return err
		}
		if err := outbox.Append(ctx, tx, events...); err != nil {
			return err
		}
		if err := store.InsertProblems(ctx, tx, r.job.ID, problems); err != nil {
			return err
		}
		p := r.progress
		p.Processed += ch.rows
		p.Created += len(rows)
		p.Failed += ch.rows - len(rows)
		if err := store.Progress(ctx, tx, r.job.ID, p.Processed, p.Created, p.Failed); err != nil {
			return err
		}
		r.progress = p
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %s: write the chunk after row %d: %w", r.job.ID, r.progress.Processed, err)
	}
	return nil
}

// refuseExisting reports the pending rows that share a key with a stored
// party (or name a supervising unit that does not exist) and returns the
// rest. One query per chunk, whatever its size.
func (r *importRun[T]) refuseExisting(ctx context.Context, tx pgx.Tx, ch chunk[T]) ([]candidate[T], []store.ImportProblem, error) {
	var keys, units []string
	for _, cand := range ch.pending {
		for _, key := range r.p.k.keys(cand.party) {
			keys = append(keys, key.String())
		}
		if o, ok := any(cand.party).(party.Organisation); ok && o.SupervisingUnitID != "" {
			if _, err := uuid.Parse(o.SupervisingUnitID); err == nil {
				units = append(units, o.SupervisingUnitID)
			}
		}
	}
	existing, err := store.ExistingKeys(ctx, tx, r.p.k.table, keys)
	if err != nil {
		return nil, nil, err
	}
	live := map[string]bool{}
	if len(units) > 0 {
		if live, err = store.LiveOrganisations(ctx, tx, units); err != nil {
			return nil, nil, err
		}
	}
	noun := "organisation"
	if r.p.k.table == store.Person {
		noun = "person"
	}
	problems := ch.problems
	keep := make([]candidate[T], 0, len(ch.pending))
	for _, cand := range ch.pending {
		before := len(problems)
		for _, key := range r.p.k.keys(cand.party) {
			if id, ok := existing[key.String()]; ok {
				problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: r.c.KeyColumn(cand.row, key),
					Message: fmt.Sprintf("same %s %s as existing %s %s", strings.ReplaceAll(string(key.Type), "_", " "), key.Value, noun, id)})
			}
		}
		if o, ok := any(cand.party).(party.Organisation); ok && o.SupervisingUnitID != "" && !live[o.SupervisingUnitID] {
			problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: r.c.Column(cand.row, importing.FieldSupervisingUnitID),
				Message: "is not an existing organisation"})
		}
		if len(problems) == before {
			keep = append(keep, cand)
		}
	}
	return keep, problems, nil
}
