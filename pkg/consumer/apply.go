package consumer

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/codes"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/natstrace"
)

type item struct {
	msg jetstream.Msg
	e   event.Event
}

type aggKey struct{ typ, id string }

// outcome is what a committed batch leaves to do with its messages.
type outcome struct {
	done    []jetstream.Msg // applied or already applied: acknowledge
	waiting []jetstream.Msg // after a gap: deliver again later
	park    []parked        // can never be applied in order: dead-letter
	// Of done: applied ran the handler, skipped were events of subjects the
	// handler does not take (read only to keep their aggregate's order), and
	// duplicates were in the inbox already (a redelivery, or a repeat).
	applied, skipped, duplicates int
	pastGap                      int // taken without a predecessor that did not come in time (Config.GapWait)
}

type parked struct {
	it      item
	cause   error
	advance bool // move the aggregate's position past it
}

// apply runs the handler for every event of items that is next in its
// aggregate and not yet in the inbox, in one transaction.
func (c *Consumer) apply(ctx context.Context, items []item) (outcome, error) {
	var out outcome
	tx, err := c.pool.Begin(ctx)
	if err != nil {
		return out, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	last, err := c.lockPositions(ctx, tx, items)
	if err != nil {
		return out, err
	}
	var candidates, old []item
	changed := map[aggKey]bool{}
	for _, it := range items {
		// An event of a subject the consumer does not handle only moves its
		// aggregate's position, in order, so the next one it handles is not
		// taken for one after a gap.
		handled := c.handles(it.e.Subject)
		if it.e.Sequence == 0 {
			if handled {
				candidates = append(candidates, it)
			} else {
				out.done = append(out.done, it.msg)
				out.skipped++
			}
			continue
		}
		k := aggKey{it.e.AggregateType, it.e.AggregateID}
		switch l := last[k]; {
		case it.e.Sequence <= l && !handled:
			out.done = append(out.done, it.msg)
			out.skipped++
		case it.e.Sequence <= l:
			old = append(old, it)
		case it.e.Sequence == l+1:
			if handled {
				candidates = append(candidates, it)
			} else {
				out.done = append(out.done, it.msg)
				out.skipped++
			}
			last[k] = it.e.Sequence
			changed[k] = true
		default:
			md, err := it.msg.Metadata()
			switch {
			case err == nil && c.cfg.GapWait > 0 && gapWaited(md.NumDelivered) >= c.cfg.GapWait:
				// Its predecessor did not come in time: it is taken
				// without it, as the handler allows (Config.GapWait).
				if handled {
					candidates = append(candidates, it)
				} else {
					out.done = append(out.done, it.msg)
				}
				last[k] = it.e.Sequence
				changed[k] = true
				out.pastGap++
			case err == nil && md.NumDelivered >= uint64(c.cfg.MaxGapDeliveries):
				out.park = append(out.park, parked{it, fmt.Errorf("%w: sequence %d of %s %s follows %d", errGapTimeout, it.e.Sequence, k.typ, k.id, l), true})
			default:
				out.waiting = append(out.waiting, it.msg)
			}
		}
	}

	fresh, seen, err := c.checkInbox(ctx, tx, candidates, old)
	if err != nil {
		return out, err
	}
	var late []item
	for _, it := range old {
		switch {
		case seen[it.e.ID]:
			out.done = append(out.done, it.msg)
			out.duplicates++
		case c.cfg.GapWait > 0:
			late = append(late, it) // its successors did not wait for it
		default:
			// Older than the position yet never applied: it arrived after its
			// aggregate moved on without it. Park it where an operator sees it.
			out.park = append(out.park, parked{it, fmt.Errorf("sequence %d of %s %s arrived after the consumer moved past it", it.e.Sequence, it.e.AggregateType, it.e.AggregateID), false})
		}
	}
	if len(late) > 0 {
		lateFresh, _, err := c.checkInbox(ctx, tx, late, nil)
		if err != nil {
			return out, err
		}
		maps.Copy(fresh, lateFresh)
		candidates = append(candidates, late...)
	}
	for _, it := range candidates {
		if !fresh[it.e.ID] {
			out.done = append(out.done, it.msg)
			out.duplicates++
			continue
		}
		delete(fresh, it.e.ID) // the same event twice in one batch runs once
		if err := c.run(ctx, tx, it.e, it.msg.Headers()); err != nil {
			return outcome{}, err
		}
		out.done = append(out.done, it.msg)
		out.applied++
	}

	if len(changed) > 0 {
		var types, ids []string
		var seqs []int64
		for k := range changed {
			types, ids, seqs = append(types, k.typ), append(ids, k.id), append(seqs, last[k])
		}
		_, err := tx.Exec(ctx, `
UPDATE consumer_position p SET last_seq = u.s
FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u(t, i, s)
WHERE p.consumer = $1 AND p.aggregate_type = u.t AND p.aggregate_id = u.i`, c.cfg.Name, types, ids, seqs)
		if err != nil {
			return outcome{}, fmt.Errorf("advance positions: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return outcome{}, fmt.Errorf("commit: %w", err)
	}
	for _, p := range out.park {
		c.deadLetter(ctx, p.it, p.cause, 0, p.advance)
	}
	out.park = nil
	return out, nil
}

// lockPositions reads, and locks until commit, the position of every
// aggregate in items, creating missing ones. Keys are locked in sorted order
// so that two replicas cannot deadlock on each other.
func (c *Consumer) lockPositions(ctx context.Context, tx pgx.Tx, items []item) (map[aggKey]int64, error) {
	set := map[aggKey]bool{}
	for _, it := range items {
		if it.e.Sequence > 0 {
			set[aggKey{it.e.AggregateType, it.e.AggregateID}] = true
		}
	}
	last := make(map[aggKey]int64, len(set))
	if len(set) == 0 {
		return last, nil
	}
	keys := make([]aggKey, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b aggKey) int { return cmp.Or(cmp.Compare(a.typ, b.typ), cmp.Compare(a.id, b.id)) })
	types, ids := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		types[i], ids[i] = k.typ, k.id
	}
	b := &pgx.Batch{}
	b.Queue(`
INSERT INTO consumer_position (consumer, aggregate_type, aggregate_id, last_seq)
SELECT $1, t, i, 0 FROM unnest($2::text[], $3::text[]) AS u(t, i)
ORDER BY t, i
ON CONFLICT DO NOTHING`, c.cfg.Name, types, ids)
	b.Queue(`
SELECT p.aggregate_type, p.aggregate_id, p.last_seq
FROM consumer_position p JOIN unnest($2::text[], $3::text[]) AS u(t, i) ON p.aggregate_type = u.t AND p.aggregate_id = u.i
WHERE p.consumer = $1
ORDER BY p.aggregate_type, p.aggregate_id
FOR UPDATE OF p`, c.cfg.Name, types, ids)
	res := tx.SendBatch(ctx, b)
	defer res.Close()
	if _, err := res.Exec(); err != nil {
		return nil, fmt.Errorf("create positions: %w", err)
	}
	rows, err := res.Query()
	if err != nil {
		return nil, fmt.Errorf("lock positions: %w", err)
	}
	for rows.Next() {
		var k aggKey
		var seq int64
		if err := rows.Scan(&k.typ, &k.id, &seq); err != nil {
			return nil, fmt.Errorf("scan position: %w", err)
		}
		last[k] = seq
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lock positions: %w", err)
	}
	return last, nil
}

// checkInbox inserts the candidates' inbox rows, reporting which were new,
// and reports which of the old events were applied before.
func (c *Consumer) checkInbox(ctx context.Context, tx pgx.Tx, candidates, old []item) (fresh, seen map[uuid.UUID]bool, err error) {
	fresh, seen = map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	b := &pgx.Batch{}
	collect := func(into map[uuid.UUID]bool) func(pgx.Rows) error {
		return func(rows pgx.Rows) error {
			ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			for _, id := range ids {
				into[id] = true
			}
			return err
		}
	}
	if len(candidates) > 0 {
		b.Queue(`INSERT INTO inbox (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
			c.cfg.Name, eventIDs(candidates)).Query(collect(fresh))
	}
	if len(old) > 0 {
		b.Queue(`SELECT event_id FROM inbox WHERE consumer = $1 AND event_id = ANY($2)`,
			c.cfg.Name, eventIDs(old)).Query(collect(seen))
	}
	if b.Len() == 0 {
		return fresh, seen, nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, fmt.Errorf("inbox: %w", err)
	}
	return fresh, seen, nil
}

func eventIDs(items []item) []uuid.UUID {
	ids := make([]uuid.UUID, len(items))
	for i, it := range items {
		ids[i] = it.e.ID
	}
	return ids
}

// run calls the handler under a CONSUMER span that continues the producer's trace.
func (c *Consumer) run(ctx context.Context, tx pgx.Tx, e event.Event, h nats.Header) error {
	ctx, span := natstrace.StartProcess(ctx, c.tracer, natstrace.Message{
		Subject: e.Subject, ID: e.ID.String(), Type: e.Type, Consumer: c.cfg.Name, PayloadSize: len(e.Data),
	}, h)
	defer span.End()
	if err := c.handle(ctx, tx, e); err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		return fmt.Errorf("handle %s %s: %w", e.Type, e.ID, err)
	}
	return nil
}

// handles reports whether the consumer's handler takes events of subject:
// every one when no subjects are configured.
func (c *Consumer) handles(subject string) bool {
	if len(c.cfg.Subjects) == 0 {
		return true
	}
	for _, f := range c.cfg.Subjects {
		if subjectMatches(f, subject) {
			return true
		}
	}
	return false
}

// subjectMatches reports whether subject matches the NATS subject filter f,
// where "*" stands for one token and a final ">" for one or more.
func subjectMatches(f, subject string) bool {
	ft, st := strings.Split(f, "."), strings.Split(subject, ".")
	for i, t := range ft {
		switch {
		case t == ">":
			return i == len(ft)-1 && len(st) > i
		case i >= len(st):
			return false
		case t != "*" && t != st[i]:
			return false
		}
	}
	return len(ft) == len(st)
}

// aggregateFilters widens each subject filter to every subject of its
// aggregate, the second token ("training.course.cancelled" to
// "training.course.>"), without repeats or a filter another covers, which
// JetStream refuses.
func aggregateFilters(subjects []string) []string {
	var wide []string
	for _, f := range subjects {
		t := strings.Split(f, ".")
		if len(t) >= 2 && t[1] != "*" && t[1] != ">" {
			f = t[0] + "." + t[1] + ".>"
		}
		if !slices.Contains(wide, f) {
			wide = append(wide, f)
		}
	}
	return slices.DeleteFunc(wide, func(f string) bool {
		return slices.ContainsFunc(wide, func(g string) bool {
			return g != f && strings.HasSuffix(g, ">") && strings.HasPrefix(f, strings.TrimSuffix(g, ">"))
		})
	})
}
