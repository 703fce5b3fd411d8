package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// flush writes one chunk in one transaction: rows sharing a key with a
// stored party are reported, the others created with their keys and
// events, and the problems and progress recorded.
func (r *importRun[T]) flush(ctx context.Context, columns *importing.Checker, ch chunk[T]) error {
	s, k := r.p.s, r.p.k
	var n store.ChunkCounts
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
		n = store.ChunkCounts{Processed: ch.rows - ch.held, Created: len(rows), AlreadyStored: alreadyStored(problems), Skipped: len(ch.skipped)} // the held rows count with their own chunk
		n.Failed = n.Processed - n.Created - n.AlreadyStored - n.Skipped
		return store.ChunkWritten(ctx, tx, r.job.ID, r.token, ch.no, n)
	})
	if err != nil {
		return fmt.Errorf("import %s: write chunk %d: %w", r.job.ID, ch.no, err)
	}
	r.p.s.metrics.rows.WithLabelValues(r.job.Resource, "created").Add(float64(n.Created))
	r.p.s.metrics.rows.WithLabelValues(r.job.Resource, "already_stored").Add(float64(n.AlreadyStored))
	r.p.s.metrics.rows.WithLabelValues(r.job.Resource, "skipped").Add(float64(n.Skipped))
	r.p.s.metrics.rows.WithLabelValues(r.job.Resource, "failed").Add(float64(n.Failed))
	return nil
}

// alreadyStored counts the rows whose problems say they are a stored party
// as it is stored.
func alreadyStored(problems []store.ImportProblem) int {
	rows := map[int]bool{}
	for _, p := range problems {
		if p.AlreadyStored {
			rows[p.Row] = true
		}
	}
	return len(rows)
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
// stored duplicates reported too. A row that is a stored party (its id
// names it, or its keys and name are its) is compared with that party's
// record (asStored): as stored, it is not reported but counted apart. A
// few queries per chunk, whatever its size.
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
	records, err := storedRecords(ctx, tx, r.p.k.table, existing, stored)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(records))
	for id, rec := range records {
		names[id] = rec.Name
	}
	noun := r.p.k.noun()
	problems := ch.problems
	// storedKeys reports the keys of row that stored parties hold, and
	// returns those parties: own, the party the row's id names, for a key
	// it holds beside others (created beside them with force).
	storedKeys := func(row importing.Row, keys []party.Key, own string) (same []string) {
		for _, key := range keys {
			holders := existing[key.String()]
			if len(holders) == 0 {
				continue
			}
			id := holders[0]
			if slices.Contains(holders, own) {
				id = own
			}
			problems = append(problems, store.ImportProblem{Row: row.Line, Column: columns.KeyColumn(row, key),
				Message: fmt.Sprintf("same %s %s as %s", strings.ReplaceAll(string(key.Type), "_", " "), key.Value, importing.Existing(noun, id, names[id]))})
			same = append(same, id)
		}
		return same
	}
	for _, ref := range ch.refused {
		storedKeys(ref.row, ref.keys, "")
	}
	refused := make([]bool, len(ch.pending))
	standsFor := make([]string, len(ch.pending)) // the stored party a row not created is, if only that refuses it
	var standing []storedSpan                    // where the problems of those rows are
	for i, cand := range ch.pending {
		before := len(problems)
		id, column := columns.ID(cand.row)
		s, named := stored[id] // none for a row without an id
		same, gone, sameAt := s.Live, named && s.Live == "", -1
		keyed := storedKeys(cand.row, r.p.k.keys(cand.party), same)
		switch {
		case same != "":
			sameAt = len(problems)
			problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: column, Message: importing.SameID(id, same, noun, names[same])})
		case gone:
			problems = append(problems, store.ImportProblem{Row: cand.row.Line, Column: column, Message: importing.GoneID(id, noun)})
		}
		problems = append(problems, cand.provisional...) // dropped below unless the row stands for the party its id names
		asStored := len(problems)                        // the problems above say the row is a stored party, or a deleted one
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
		if other := gone || len(problems) > asStored; refused[i] && !other {
			if standsFor[i], _ = importing.StoredParty(same, keyed, false); standsFor[i] == "" && same == "" && cand.provisional == nil {
				standsFor[i], sameAt = keyedAs(cand.party, keyed, records), before // a row told by its keys alone
			}
		}
		if standsFor[i] == "" && cand.provisional != nil {
			// Not a stored party after all: the rows above refuse it, and
			// only they, as they refuse any row the import would create.
			problems = append(problems[:before], cand.provisional...)
		}
		if id := standsFor[i]; id != "" {
			problems[sameAt].StoredParty = id // for a restarted job to read back (writtenFileRows)
			sp := storedSpan{row: i, from: before, to: len(problems), at: sameAt}
			if same != "" {
				sp.named, _ = columns.ID(cand.row) // a merged party's id names its survivor
			}
			standing = append(standing, sp)
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
	// Once their links to rows of the chunk name the stored parties those
	// stand for, the rows standing for one are compared with it; last row
	// first, as a row's problems may be replaced by one.
	for _, sp := range slices.Backward(standing) {
		if problems, err = r.asStored(problems, sp, ch.pending[sp.row], records, columns); err != nil {
			return nil, nil, err
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
