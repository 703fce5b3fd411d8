package service

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

const (
	// importChunk is how many rows are checked against stored parties and
	// written per transaction: large enough that round trips do not matter,
	// small enough that a transaction stays short.
	importChunk = 5000
	// importWriters write chunks concurrently: one chunk's COPY runs in
	// Postgres while the next is prepared here.
	importWriters = 2
	// importCheckers check rows' fields concurrently, checkBatch rows at a
	// time; parsing an XLSX file and checking its rows on one goroutine
	// left the writers waiting.
	importCheckers = 2
	checkBatch     = 250
)

// readRows reads a file's rows under the header row that m finds.
func readRows(format string, file []byte, m importing.Mapping) iter.Seq2[importing.Row, error] {
	if format == "xlsx" {
		return importing.ReadXLSX(bytes.NewReader(file), m)
	}
	return importing.ReadCSV(bytes.NewReader(file), m)
}

// readRefs reads the parties and families a file's rows name, as the import
// and its preview read them: a workbook's through book, only from the first
// sheet whose header names one (the sheets above it name nothing); a CSV
// file's whole.
func readRefs(format string, file []byte, book *importing.Workbook, opts importing.Options, r importing.Resource) (importing.FileRefs, error) {
	if book != nil {
		return book.ReadRefs(importing.NewChecker(opts), r)
	}
	return importing.ReadFile(readRows(format, file, opts.Mapping), importing.NewChecker(opts), r)
}

// workbookCheck is what importing.CheckWorkbook found in a workbook.
type workbookCheck struct {
	scan importing.SheetScan
	err  error
}

// checkWorkbook checks an XLSX file whole (importing.CheckWorkbook) on a
// goroutine of its own, and answers on the channel; a CSV file at once.
func checkWorkbook(format string, file []byte) <-chan workbookCheck {
	out := make(chan workbookCheck, 1)
	if format != "xlsx" {
		out <- workbookCheck{}
		return out
	}
	go func() {
		scan, err := importing.CheckWorkbook(file)
		out <- workbookCheck{scan, err}
	}()
	return out
}

// importFile checks every row of the file and creates the valid ones,
// skipping the chunks written before a restart.
func (s *Service) importFile(ctx context.Context, job store.Import, token string, done []int, file, mappingJSON []byte) error {
	var explicit map[string]importing.Field
	if len(mappingJSON) > 0 {
		if err := json.Unmarshal(mappingJSON, &explicit); err != nil {
			return unreadable{fmt.Errorf("import %s: mapping: %w", job.ID, err)}
		}
	}
	// The rows are checked against the custom fields in force now; a chunk
	// written after they changed fails the attempt (see flush), and the
	// next one checks the rows left against the new ones.
	fields, err := s.FieldDefinitions(ctx)
	if err != nil {
		return err
	}
	opts := importing.Options{Mapping: importing.DefaultMapping().With(explicit), Schema: fields.Schema,
		Received: job.CreatedAt.In(s.Location), Import: job.ID, Location: s.Location, Workbook: job.Format == "xlsx", Sheets: job.Sheets}
	if len(job.Defaults) > 0 {
		opts.Defaults = importing.NewDefaults(job.Defaults)
	}
	skip := make(map[int]bool, len(done))
	for _, no := range done {
		skip[no] = true
	}
	// A workbook is opened once, for its rows and the parties they name:
	// each open unzips the file and reads its shared strings.
	rows := readRows(job.Format, file, opts.Mapping)
	var book *importing.Workbook
	if job.Format == "xlsx" {
		if book, err = importing.OpenWorkbook(bytes.NewReader(file)); err != nil {
			return unreadable{fmt.Errorf("read the file: %w", err)}
		}
		defer book.Close()
		rows = book.Rows(opts.Mapping)
	}
	// A workbook's sheets are checked whole beside the first read, on the
	// core it leaves idle, before anything is written: the reader ends a
	// damaged sheet without an error, which would import the rows above
	// the damage and drop the rest unannounced, reads a formula with no
	// value saved as a blank cell, and reads a number cell raw, where a
	// text field takes what its format shows ("00123").
	checked := checkWorkbook(job.Format, file)
	// A row may name as its supervising unit, or as a relative, a row below
	// it (an export lists parties by name), and a row's parents are told
	// from those every other row names, so the whole file is read first.
	refs, err := readRefs(job.Format, file, book, opts, importing.Resource(job.Resource))
	wb := <-checked
	if wb.err != nil {
		return unreadable{fmt.Errorf("read the file: %w", wb.err)}
	}
	if err != nil {
		return unreadable{fmt.Errorf("read the file: %w", err)}
	}
	opts.Formulas, opts.Shown = wb.scan.Formulas, wb.scan.Shown
	named := refs.Parties
	// The rows of the chunks skipped, which rows of later chunks may name.
	written, err := writtenFileRows(ctx, s.Pool, job.ID, done)
	if err != nil {
		return err
	}
	if importing.Resource(job.Resource) == importing.People {
		opts.Families = refs.Families
		run := &importRun[party.Person]{p: s.People, job: job, token: token, named: named, fields: fields.Version, families: refs.Families,
			sheets: job.Sheets, fileRows: written}
		return run.importParties(ctx, opts, (*importing.Checker).PersonFields, skip, rows)
	}
	run := &importRun[party.Organisation]{p: s.Organisations, job: job, token: token, named: named, fields: fields.Version,
		sheets: job.Sheets, fileRows: written}
	return run.importParties(ctx, opts, (*importing.Checker).OrganisationFields, skip, rows)
}

// fieldCheck checks one row's fields with a Checker of the caller's.
type fieldCheck[T any] func(*importing.Checker, importing.Row) (T, importing.KeyPlace, []importing.Problem)

// candidate is a row that passed the checker, waiting for its chunk.
type candidate[T any] struct {
	row   importing.Row
	party T
	// provisional are the duplicates within the file (importing's
	// Checker.Duplicates) of a row naming a party by id, which refuse it
	// unless the id names a stored party the row holds as stored: an
	// export's forced party shares its phone with the party it matched,
	// and nothing of either would be created.
	provisional []store.ImportProblem
}

// checked is a row after its field check, before the duplicate check.
type checked[T any] struct {
	candidate[T]
	at       importing.KeyPlace
	problems []importing.Problem
}

// checkJob is a batch of rows for a field checker; out receives the result.
type checkJob[T any] struct {
	rows []importing.Row
	out  chan []checked[T]
}

// chunk is importChunk consecutive rows (fewer at the end of the file): those
// that passed the checker and the problems of the others.
type chunk[T any] struct {
	no       int
	pending  []candidate[T]
	problems []store.ImportProblem
	// refused are the rows refused for their fields that hold valid keys:
	// a stored party sharing one is reported with their other problems.
	refused []refusedRow
	// rows counts the chunk's rows, held ones included: chunks end at
	// importChunk rows whatever their rows' fate, so a resumed job's chunks
	// are the ones it numbered before.
	rows int
	// held counts the rows held back for the chunks written last.
	held int
	// skipped are the rows at or below the end of a form's list
	// (importing.Row.End), each with why it is not imported: counted
	// apart, and not reported.
	skipped []importing.Problem
	// names is, for a chunk of held rows, the line of the row of the file
	// each row's supervising unit is, by the row's line.
	names map[int]int
	// loop marks the chunk of held rows that cannot be written, as the
	// supervising units above each go round in a loop: all are refused.
	loop bool
	// together marks the chunk of every held person: they are written at
	// once, each with its id chosen first, so that relatives naming each
	// other ("vợ", "chồng") link to each other.
	together bool
}

// heldRow is a row naming as its supervising unit an organisation that
// another row of the file creates, above or below it: it is written after
// that row is.
type heldRow[T any] struct {
	candidate[T]
	names int // the line of the row it names
}

// heldBack are the rows the file order held back, filled by fillChunks,
// and the number of the first chunk after the file's.
type heldBack[T any] struct {
	rows []heldRow[T]
	next int
}

// chunks returns the held rows in chunks to write in order, each after the
// ones before: a level's rows once the rows they name are written. A row's
// level is 1 + the level of the row it names, if that one is held too;
// rows whose supervising units go round in a loop come first, in chunks
// marked loop, to be refused. Held people are one chunk, marked together:
// a link to a person needs only its id, not a written row, so they need no
// levels and may name each other.
func (h *heldBack[T]) chunks() []chunk[T] {
	if len(h.rows) == 0 {
		return nil
	}
	if _, people := any(h.rows[0].party).(party.Person); people {
		ch := chunk[T]{no: h.next, names: map[int]int{}, together: true}
		for _, r := range h.rows {
			ch.pending = append(ch.pending, r.candidate)
			ch.names[r.row.Line] = r.names
			ch.rows++
		}
		return []chunk[T]{ch}
	}
	const visiting, inLoop = -1, -2
	byLine := make(map[int]int, len(h.rows))
	for i, r := range h.rows {
		byLine[r.row.Line] = i
	}
	levels := make([]int, len(h.rows)) // 0 until known
	var level func(i int) int
	level = func(i int) int {
		switch levels[i] {
		case 0:
		case visiting:
			return inLoop
		default:
			return levels[i]
		}
		levels[i] = visiting
		l := 1
		if j, ok := byLine[h.rows[i].names]; ok {
			if l = level(j); l != inLoop {
				l++
			}
		}
		levels[i] = l
		return l
	}
	order := make([]int, len(h.rows))
	for i := range h.rows {
		order[i] = i
		level(i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(levels[a], levels[b]) })
	var out []chunk[T]
	for k := 0; k < len(order); {
		l := levels[order[k]]
		ch := chunk[T]{no: h.next + len(out), names: map[int]int{}, loop: l == inLoop}
		for ; k < len(order) && levels[order[k]] == l && ch.rows < importChunk; k++ {
			r := h.rows[order[k]]
			ch.pending = append(ch.pending, r.candidate)
			ch.names[r.row.Line] = r.names
			ch.rows++
		}
		out = append(out, ch)
	}
	return out
}

// refusedRow is a row refused for its fields, with the keys of its valid values.
type refusedRow struct {
	row  importing.Row
	keys []party.Key
}

// importRun is one job's state while its chunks are written.
type importRun[T any] struct {
	p     *Parties[T]
	job   store.Import
	token string
	// named are the parties the file's rows create, by what names them.
	named *importing.FileParties
	// fields is the version of the custom field definitions the rows were
	// checked against.
	fields int64
	// families are the parents a people file names beside its students,
	// found or created once every row is written; nil for other files.
	families *importing.Families
	// sheets name the rows of a workbook of several sheets in messages.
	sheets importing.Sheets
	// fileRows are the rows not created so far, which rows naming them
	// link to the stored party of, or are refused with.
	fileRows *fileRows
}

// importParties checks the rows (checkChunks) while importWriters write the
// chunks, each in a transaction of its own that also records the chunk as
// written; then it writes the held rows' chunks, one after the other.
func (r *importRun[T]) importParties(ctx context.Context, opts importing.Options, fields fieldCheck[T],
	skip map[int]bool, rows iter.Seq2[importing.Row, error]) error {
	g, gctx := errgroup.WithContext(ctx)
	chunks, held := checkChunks(gctx, g, opts, fields, r.p.k.keys, skip, r.named, rows)
	for range importWriters {
		columns := importing.NewChecker(opts)
		g.Go(func() error {
			for ch := range chunks {
				if err := r.flush(gctx, columns, ch); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	columns := importing.NewChecker(opts)
	last := held.chunks()
	for _, ch := range last {
		if skip[ch.no] {
			continue
		}
		if err := r.flush(ctx, columns, ch); err != nil {
			return err
		}
	}
	return r.p.s.linkParents(ctx, r.job, r.token, r.families, held.next+len(last), skip)
}
