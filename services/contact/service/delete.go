package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// Delete removes a party; its history stays, readable, with an entry
// holding the record as it was and who deleted it. Only its owner, a lead,
// a manager or an admin may delete it (ownership.May). An old id of a merged party is
// refused (MergedError): it would delete the survivor. An organisation that still
// supervises others is refused: they would point at nothing. People linked
// to it lose those links, each change recorded and published.
func (p *Parties[T]) Delete(ctx context.Context, id string, pre Precondition) error {
	actor, now := Actor(ctx), p.s.now()
	return p.s.userWrite(ctx, func(tx pgx.Tx) error {
		id, err := p.writeTarget(ctx, tx, id, nil, "delete")
		if err != nil {
			return err
		}
		// Locked first, so a link being written to it right now either
		// commits before the checks below or finds it gone.
		v, _, err := p.load(ctx, tx, id, pre)
		if err != nil {
			return err
		}
		if err := ownership.May(caller(ctx), ownership.Delete, *p.k.owner(&v)); err != nil {
			return err
		}
		if p.k.table == store.Organization {
			supervised, err := store.Supervised(ctx, tx, id, 20)
			if err != nil {
				return err
			}
			if len(supervised) > 0 {
				return problem.Conflict("the organisation still supervises others: give them another supervising unit first").
					With("supervised_ids", supervised)
			}
		}
		if err := store.DeleteParty(ctx, tx, p.k.table, id); err != nil {
			return err
		}
		if err := store.InsertHistory(ctx, tx, p.k.table, id, actor, now, []store.Change{{Field: "deleted", Old: v, New: nil}}); err != nil {
			return err
		}
		if err := p.s.emit(ctx, tx, id, p.k.deleted(id, actor)); err != nil {
			return err
		}
		return p.s.People.relink(ctx, tx, append([]string{id}, p.k.absorbed(v)...), "", actor, now)
	})
}

// relink moves the links that live parties of p's type have to the parties
// in gone to to, the party they were merged into, or drops them when to is
// empty (they were deleted). Every party changed keeps a history entry and
// is published as updated, so that copies in other services follow.
func (p *Parties[T]) relink(ctx context.Context, tx pgx.Tx, gone []string, to, actor string, now time.Time) error {
	ids, err := store.LinkedTo(ctx, tx, p.k.table, gone)
	if err != nil {
		return err
	}
	for _, id := range ids {
		before, _, err := p.load(ctx, tx, id, nil)
		if err != nil {
			return err
		}
		if err := p.saveChanged(ctx, tx, id, before, p.k.relink(before, gone, to), actor, now); err != nil {
			return err
		}
	}
	return nil
}

// saveChanged stores after, the next version of party id, with its history
// and its updated event, unless nothing differs from before.
func (p *Parties[T]) saveChanged(ctx context.Context, tx pgx.Tx, id string, before, after T, actor string, now time.Time) error {
	changes := p.k.diff(before, after)
	if len(changes) == 0 {
		return nil
	}
	r, err := row(p.k, after)
	if err != nil {
		return err
	}
	if _, err := p.save(ctx, tx, r, changes, actor, now); err != nil {
		return err
	}
	return p.s.emit(ctx, tx, id, p.k.updated(after, fieldNames(changes)))
}

// nameLinkConflicts gives the conflicts of err, a merge's refusal, on a
// link the names of the parties either side links to; any other error is
// returned as it is.
func nameLinkConflicts(ctx context.Context, db store.DB, err error) error {
	var conflict *party.ConflictError
	if !errors.As(err, &conflict) {
		return err
	}
	var ids []string
	for _, c := range conflict.Conflicts {
		if slices.Contains(party.LinkConflictFields, c.Field) {
			for _, v := range []any{c.Survivor, c.Merged} {
				if id, ok := v.(string); ok && id != "" {
					ids = append(ids, id)
				}
			}
		}
	}
	if len(ids) == 0 {
		return err
	}
	names, nerr := store.Names(ctx, db, ids)
	if nerr != nil {
		return fmt.Errorf("name the merge's conflicts: %w", nerr)
	}
	conflict.Names = names
	return err
}
