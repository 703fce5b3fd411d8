package service

import (
	"context"
	"fmt"
	"iter"

	"golang.org/x/sync/errgroup"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

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
// rows they held are held. The rows past the end of a form's list are
// counted in their chunk's skipped, not checked for duplicates.
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
			switch {
			case c.row.End != nil: // the checker says why, in one problem
				ch.skipped, problems = append(ch.skipped, problems...), nil
			case len(problems) == 0:
				problems = dups.Duplicates(c.at, keys(c.party))
				if id, _ := dups.ID(c.row); id != "" && len(problems) > 0 {
					// Only the chunk's flush learns whether the id names a
					// stored party, which the row may hold unchanged.
					c.provisional, problems = storeProblems(problems), nil
				}
			default:
				if refused := c.at.RefusedKeys(); len(refused) > 0 {
					problems = append(problems, dups.DuplicatesOfRefused(c.at)...)
					ch.refused = append(ch.refused, refusedRow{row: c.row, keys: refused})
				}
			}
			ch.rows++
			switch line, names := namesFileRow(named, c.row.Line, c.party); {
			case c.row.End != nil: // counted in ch.skipped
			case len(problems) > 0:
				ch.problems = append(ch.problems, storeProblems(problems)...)
			case names:
				held.rows = append(held.rows, heldRow[T]{candidate: c.candidate, names: line})
				ch.held++
			default:
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
