package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// answered is the document of party p as answered: the stored one with
// the party's follow-up, which its interactions set (SetFollowUp) and the
// document never holds.
const answered = `p.doc || jsonb_strip_nulls(jsonb_build_object('next_action_on', p.next_action_on))`

// Search returns up to limit documents, as answered, after pos, in the
// order of f (Filter.listing): a name search's tiers (nameTier) and,
// inside each, by folded name and id, the follow-ups due by their day
// first; the dates within a window by the soonest's day first, untiered.
func Search(ctx context.Context, db DB, t Type, f Filter, after *Position, limit int) ([][]byte, []Position, error) {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return nil, nil, err
	}
	if after != nil {
		after = &Position{Prefix: after.Prefix, Due: after.Due, ID: after.ID, unread: true}
	}
	if f.onlyNameOrKeys() {
		from := Position{ID: "00000000-0000-0000-0000-000000000000"}
		if after != nil {
			from = *after
		}
		pos, err := searchNameTiers(ctx, db, t, f, from, limit)
		if err != nil {
			return nil, nil, err
		}
		docs, err := docsInOrder(ctx, db, t, pos)
		return docs, pos, err
	}
	if f.byReminder() {
		return searchByReminder(ctx, db, t, f, after, limit)
	}
	var docs [][]byte
	var pos []Position
	for i, tier := range f.tiers(after) {
		if i > 0 {
			after = nil // a later tier is read from its start
		}
		f.tier = tier
		d, p, err := searchTier(ctx, db, t, f, after, limit-len(docs))
		if err != nil {
			return nil, nil, err
		}
		if len(d) == 0 && after != nil {
			// A page after a row that is gone is empty (anchorLives):
			// told apart here from the end of the tier.
			if err := checkAnchor(ctx, db, string(t), after.ID); err != nil {
				return nil, nil, err
			}
		}
		if docs, pos = append(docs, d...), append(pos, p...); len(docs) == limit {
			break
		}
	}
	return docs, pos, nil
}

// searchTier returns up to limit documents of f's tier, as answered,
// after `after` (nil: from the start), in the order of f (Filter.listing),
// by the general query.
func searchTier(ctx context.Context, db DB, t Type, f Filter, after *Position, limit int) ([][]byte, []Position, error) {
	l := f.listing(t)
	if after != nil {
		l.after(t, f, *after)
	}
	docs, pos, err := l.page(ctx, db, f, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("search %s: %w", t, err)
	}
	for i := range pos {
		pos[i].Prefix = f.tier == prefixTier
	}
	return docs, pos, nil
}

// Select returns the ids of the parties a filter selects, in no order.
func Select(ctx context.Context, db DB, t Type, f Filter) ([]string, error) {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return nil, err
	}
	where, args := f.where(t)
	rows, err := db.Query(ctx, `SELECT p.id::text FROM `+string(t)+` p WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("select %s: %w", t, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Count counts the parties a filter selects.
func Count(ctx context.Context, db DB, t Type, f Filter) (int64, error) {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return 0, err
	}
	where, args := f.where(t)
	var n int64
	err = db.QueryRow(ctx, `SELECT count(*) FROM `+string(t)+` p WHERE `+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", t, err)
	}
	return n, nil
}
