package service

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
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
	rows := readRows(job.Format, file, opts.Mapping)
	// A workbook's sheets are checked whole beside the first read, on the
	// core it leaves idle, before anything is written: the reader ends a
	// damaged sheet without an error, which would import the rows above
	// the damage and drop the rest unannounced.
	damaged := make(chan error, 1)
	if job.Format == "xlsx" {
		go func() { damaged <- importing.CheckWorkbook(file) }()
	} else {
		damaged <- nil
	}
	// A row may name as its supervising unit, or as a relative, a row below
	// it (an export lists parties by name), and a row's parents are told
	// from those every other row names, so the whole file is read first.
	refs, err := importing.ReadFile(readRows(job.Format, file, opts.Mapping), importing.NewChecker(opts), importing.Resource(job.Resource))
	if damage := <-damaged; damage != nil {
		return unreadable{fmt.Errorf("read the file: %w", damage)}
	}
	if err != nil {
		return unreadable{fmt.Errorf("read the file: %w", err)}
	}
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

// checkChunks starts a pipeline on g and returns its chunks, in file order:
// one goroutine reads the file in batches, importCheckers check the
// batches' fields, and one goroutine takes their results in file order,
// checks duplicates within the file and fills the chunks. ctx must be g's.
// The rows held back are in held once g is done.
func checkChunks[T any](ctx context.Context, g *errgroup.Group, opts importing.Options, fields fieldCheck[T],
	keys func(T) []party.Key, skip map[int]bool, named *importing.FileParties, rows iter.Seq2[importing.Row, error]) (<-chan chunk[T], *heldBack[T]) {
	work := make(chan checkJob[T], importCheckers)
	// order holds the batches' result channels in file order; its length
	// bounds how far the checkers run ahead of the chunks.
	order := make(chan chan []checked[T], 4*importCheckers)
	chunks := make(chan chunk[T], importWriters)
	held := &heldBack[T]{}
	g.Go(func() error {
		defer close(work)
		if err := batchRows(ctx, rows, work, order); err != nil {
			return err // order stays open: the file has no end, only an error
		}
		close(order)
		return nil
	})
	for range importCheckers {
		c := importing.NewChecker(opts)
		g.Go(func() error {
			for j := range work {
				out := make([]checked[T], len(j.rows))
				for i, row := range j.rows {
					v, at, problems := fields(c, row)
					out[i] = checked[T]{candidate: candidate[T]{row: row, party: v}, at: at, problems: problems}
				}
				j.out <- out // buffered: never blocks
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(chunks)
		return fillChunks(ctx, importing.NewChecker(opts), keys, skip, named, order, chunks, held)
	})
	return chunks, held
}

// batchRows reads the file and hands its rows out in batches, queueing each
// batch's result channel in file order.
func batchRows[T any](ctx context.Context, rows iter.Seq2[importing.Row, error], work chan<- checkJob[T], order chan<- chan []checked[T]) error {
	batch := make([]importing.Row, 0, checkBatch)
	send := func() error {
		j := checkJob[T]{rows: batch, out: make(chan []checked[T], 1)}
		if !trySend(ctx, work, j) || !trySend(ctx, order, j.out) {
			return ctx.Err()
		}
		batch = make([]importing.Row, 0, checkBatch)
		return nil
	}
	for row, err := range rows {
		if err != nil {
			return unreadable{fmt.Errorf("read the file: %w", err)}
		}
		if batch = append(batch, row); len(batch) == checkBatch {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// receive returns the next value of ch, or false once ch is closed or ctx ends.
func receive[V any](ctx context.Context, ch <-chan V) (V, bool) {
	select {
	case v, ok := <-ch:
		return v, ok
	case <-ctx.Done():
		var zero V
		return zero, false
	}
}

func trySend[V any](ctx context.Context, ch chan<- V, v V) bool {
	select {
	case ch <- v:
		return true
	case <-ctx.Done():
		return false
	}
}

// fillChunks takes the checked rows in file order, checks duplicates within
// the file with dups, and sends the rows in chunks, holding back in held
// the rows naming another row of the file, among named.
// The rows of chunks in skip were written before a restart: they are
// checked again only so the duplicate check remembers their keys, and the
// rows they held are held.
func fillChunks[T any](ctx context.Context, dups *importing.Checker, keys func(T) []party.Key, skip map[int]bool,
	named *importing.FileParties, order <-chan chan []checked[T], out chan<- chunk[T], held *heldBack[T]) error {
	ch := chunk[T]{pending: make([]candidate[T], 0, importChunk)}
	send := func() error {
		if !skip[ch.no] && !trySend(ctx, out, ch) {
			return ctx.Err()
		}
		ch = chunk[T]{no: ch.no + 1, pending: make([]candidate[T], 0, importChunk)}
		return nil
	}
	for {
		results, ok := receive(ctx, order)
		if !ok {
			break
		}
		batch, ok := receive(ctx, results)
		if !ok {
			break
		}
		for _, c := range batch {
			problems := c.problems
			if len(problems) == 0 {
				problems = dups.Duplicates(c.at, keys(c.party))
			} else if refused := c.at.RefusedKeys(); len(refused) > 0 {
				problems = append(problems, dups.DuplicatesOfRefused(c.at)...)
				ch.refused = append(ch.refused, refusedRow{row: c.row, keys: refused})
			}
			ch.rows++
			if len(problems) > 0 {
				ch.problems = append(ch.problems, storeProblems(problems)...)
			} else if line, ok := namesFileRow(named, c.row.Line, c.party); ok {
				held.rows = append(held.rows, heldRow[T]{candidate: c.candidate, names: line})
				ch.held++
			} else {
				ch.pending = append(ch.pending, c.candidate)
			}
			if ch.rows == importChunk {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}
	// order is closed only after the whole file was read: a cancelled
	// pipeline must not send its last, partial chunk.
	if err := ctx.Err(); err != nil {
		return err
	}
	if ch.rows > 0 {
		if err := send(); err != nil {
			return err
		}
	}
	held.next = ch.no
	return nil
}

// namesFileRow returns the line of another row of the file, among named,
// that v, at line, names as its supervising unit or as a relative, if it
// names one.
func namesFileRow[T any](named *importing.FileParties, line int, v T) (int, bool) {
	for _, l := range linksOf(&v) {
		if l.kind == party.RelWorksAt {
			continue // a workplace is never a row of a people file
		}
		if other, ok := named.Line(*l.id); ok && other != line {
			return other, true
		}
	}
	return 0, false
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
func (r *importRun[T]) flush(ctx context.Context, columns *importing.Checker, ch chunk[T]) error {
	s, k := r.p.s, r.p.k
	created := 0
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if k.custom != nil {
			fields, err := s.customFields(ctx, tx, store.WriteUnderFields)
			if err != nil {
				return err
			}
			if fields.Version != r.fields {
				return fmt.Errorf("the custom fields changed from version %d to %d while the file was imported: its rows left are checked again", r.fields, fields.Version)
			}
		}
		keep, problems, err := r.refuseExisting(ctx, tx, columns, ch)
		if err != nil {
			return err
		}
		now := s.now()
		rows := make([]store.Row, 0, len(keep))
		events := make([]*event.Event, 0, len(keep))
		for _, cand := range keep {
			v := r.owned(cand.party)
			if *k.id(&v) == "" { // a held person's was chosen to link to it
				*k.id(&v) = r.newID(cand.row.Line)
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
		created = len(rows)
		processed := ch.rows - ch.held // the held rows count with their own chunk
		return store.ChunkWritten(ctx, tx, r.job.ID, r.token, ch.no, processed, len(rows), processed-len(rows))
	})
	if err != nil {
		return fmt.Errorf("import %s: write chunk %d: %w", r.job.ID, ch.no, err)
	}
	r.p.s.metrics.rows.WithLabelValues(r.job.Resource, "created").Add(float64(created))
	r.p.s.metrics.rows.WithLabelValues(r.job.Resource, "failed").Add(float64(ch.rows - ch.held - created))
	return nil
}

// owned returns v with the uploader as its owner if the row named none.
func (r *importRun[T]) owned(v T) T {
	if *r.p.k.owner(&v) == "" {
		*r.p.k.owner(&v) = r.job.CreatedBy
	}
	return v
}

// refuseExisting reports the pending rows that share a key with a stored
// party, or, having none, are probably one (lookalikes), or name an
// organisation (a supervising unit, a workplace) that no stored one, or
// several, could be, and returns the rest with the organisations they
// name resolved to ids; rows already refused for their fields get their
// stored duplicates reported too. A few queries per chunk, whatever its
// size.
func (r *importRun[T]) refuseExisting(ctx context.Context, tx pgx.Tx, columns *importing.Checker, ch chunk[T]) ([]candidate[T], []store.ImportProblem, error) {
	if ch.loop {
		problems := ch.problems
		for _, cand := range ch.pending {
			problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: columns.Column(cand.row, importing.FieldSupervisingUnit),
				Message: importing.InLoop(r.sheets.Row(ch.names[cand.row.Line]))})
			r.fileRows.notCreated(cand.row.Line, "")
		}
		return nil, problems, nil
	}
	var keys []string
	for _, ref := range ch.refused {
		for _, key := range ref.keys {
			keys = append(keys, key.String())
		}
	}
	for _, cand := range ch.pending {
		for _, key := range r.p.k.keys(cand.party) {
			keys = append(keys, key.String())
		}
	}
	existing, err := store.ExistingKeys(ctx, tx, r.p.k.table, keys)
	if err != nil {
		return nil, nil, err
	}
	// A row naming a stored party by id (an export imported back) is that
	// party again. An id this service never issued is another Rapport's,
	// whose export is imported as new parties.
	var ids []string
	for _, cand := range ch.pending {
		if id, _ := columns.ID(cand.row); id != "" {
			ids = append(ids, id)
		}
	}
	var stored map[string]store.StoredID
	if len(ids) > 0 {
		if stored, err = store.LookupIDs(ctx, tx, r.p.k.table, ids); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range ch.problems {
		r.fileRows.notCreated(p.Row, "") // refused for its fields, or as a duplicate of a row above
	}
	refusedNamed := r.linkFileRows(ch.pending)
	local := r.chooseIDs(ch)
	unresolved, err := resolveLinks(ctx, tx, ch.pending, local)
	if err != nil {
		return nil, nil, err
	}
	parents, err := refuseParents(ctx, tx, r.families, ch.pending)
	if err != nil {
		return nil, nil, err
	}
	probable, err := r.lookalikes(ctx, tx, ch.pending, stored, columns)
	if err != nil {
		return nil, nil, err
	}
	names, err := storedNames(ctx, tx, existing, stored)
	if err != nil {
		return nil, nil, err
	}
	noun := r.p.k.noun()
	problems := ch.problems
	// storedKeys reports the keys of row that stored parties hold, and
	// returns those parties.
	storedKeys := func(row importing.Row, keys []party.Key) (same []string) {
		for _, key := range keys {
			if id, ok := existing[key.String()]; ok {
				problems = append(problems, store.ImportProblem{Row: row.Line, Column: columns.KeyColumn(row, key),
					Message: fmt.Sprintf("same %s %s as %s", strings.ReplaceAll(string(key.Type), "_", " "), key.Value, importing.Existing(noun, id, names[id]))})
				same = append(same, id)
			}
		}
		return same
	}
	for _, ref := range ch.refused {
		storedKeys(ref.row, ref.keys)
	}
	refused := make([]bool, len(ch.pending))
	standsFor := make([]string, len(ch.pending)) // the stored party a row not created is, if only that refuses it
	for i, cand := range ch.pending {
		before := len(problems)
		keyed, same, gone, sameAt := storedKeys(cand.row, r.p.k.keys(cand.party)), "", false, -1
		if id, column := columns.ID(cand.row); id != "" {
			switch s, ok := stored[id]; {
			case ok && s.Live != "":
				sameAt = len(problems)
				problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: column, Message: importing.SameID(id, s.Live, noun, names[s.Live])})
				same = s.Live
			case ok:
				problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: column, Message: importing.GoneID(id, noun)})
				gone = true
			}
		}
		asStored := len(problems) // the problems above say the row is a stored party, or a deleted one
		if p, ok := probable[i]; ok {
			problems = append(problems, p)
		}
		for _, miss := range refusedNamed[i] {
			problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: columns.Column(cand.row, miss.field),
				Message: importing.Ref{Text: miss.text}.NotImported(r.sheets.Row(miss.line))})
		}
		for _, miss := range unresolved[i] {
			line, held := ch.names[cand.row.Line]
			if ch.together { // people may name several rows
				line, held = r.named.Line(miss.ref.Text)
			}
			var why string
			switch {
			case miss.matches > 0:
				why = miss.ref.Ambiguous(miss.matches)
			case held: // the row of the file it names was refused
				why = miss.ref.NotImported(r.sheets.Row(line))
			default:
				why = miss.ref.NotFound(r.p.k.table == store.Organization)
			}
			problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: columns.Column(cand.row, miss.field), Message: why})
		}
		problems = append(problems, parents[i].problems...)
		if s := parents[i].same; s != nil && parents[i].student != same { // a row naming its stored student by id is told so above
			s.Column = columns.Column(cand.row, importing.FieldName) // where a duplicate student within the file is reported
			problems = append(problems, *s)
		}
		refused[i] = len(problems) > before
		if refused[i] {
			standsFor[i], _ = importing.StoredParty(same, keyed, gone || len(problems) > asStored)
		}
		if standsFor[i] != "" { // for a restarted job to read back (writtenFileRows)
			problems[sameAt].StoredParty = standsFor[i]
		}
	}
	// A person naming a refused row of the chunk is refused too, and so on,
	// so no link is left pointing at an id that was never written; one
	// naming a row that is a stored party links to that party instead.
	for again := local != nil; again; {
		again = false
		for _, n := range local.links {
			if stored := standsFor[n.target]; stored != "" {
				relink(&ch.pending[n.row].party, local.ids[n.target], stored)
				continue
			}
			if refused[n.target] && !refused[n.row] {
				cand := ch.pending[n.row]
				refused[n.row], again = true, true
				problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: columns.Column(cand.row, n.field),
					Message: importing.ParsePersonRef(n.text).NotImported(r.sheets.Row(ch.pending[n.target].row.Line))})
			}
		}
	}
	keep := make([]candidate[T], 0, len(ch.pending))
	for i, cand := range ch.pending {
		if !refused[i] {
			keep = append(keep, cand)
		} else {
			r.fileRows.notCreated(cand.row.Line, standsFor[i])
		}
	}
	return keep, problems, nil
}

// chooseIDs gives every person of a chunk held together its id before any
// is written, and returns them for resolveLinks to find rows of the chunk
// by; nil for other chunks.
func (r *importRun[T]) chooseIDs(ch chunk[T]) *heldPeople {
	if !ch.together {
		return nil
	}
	h := &heldPeople{named: r.named, byLine: make(map[int]int, len(ch.pending)), ids: make([]string, len(ch.pending))}
	for i := range ch.pending {
		h.ids[i] = r.newID(ch.pending[i].row.Line)
		*r.p.k.id(&ch.pending[i].party) = h.ids[i]
		h.byLine[ch.pending[i].row.Line] = i
	}
	return h
}

// newID returns the id of the party the row at line creates: a new one, or
// childID for a row naming parents, which are linked to it later.
func (r *importRun[T]) newID(line int) string {
	if r.families.Of(line) == nil {
		return event.NewID().String()
	}
	return childID(r.job.ID, line)
}
