package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// Restore brings a deleted party back with its id, as its deletion's
// history entry kept it: fields, relationships, tags, consent, owner and
// custom fields, with its duplicate keys and search words; its history,
// interactions and timeline never left. Only the owner it had, the staff
// member who deleted it or a steward may (ownership.MayRestore), with a
// reason its history and the restored event keep.
//
// A live party created since that shares a phone, email or tax code, or,
// for a party without them, that it probably is (the same name at the
// same workplace or of an organisation where the province does not tell
// them apart, as a creation is compared), refuses it (*DuplicateError)
// unless force is set with forceReason, which
// it then keeps as its force_reason: why it stands beside that party, not
// why it came back (the reason, which its history keeps). Force with no
// such party changes nothing of it. Its links follow the
// parties they named: to the survivor of one merged since, and dropped for
// one deleted since. The relationships people lost when it was deleted are
// given back to those still here. The id of a merged party is refused, as
// is one of a live party; an id never deleted is not found.
func (p *Parties[T]) Restore(ctx context.Context, id, why string, force bool, forceReason string) (View[T], error) {
	var out View[T]
	why, refused := ownership.RestoreReason(why)
	if refused != "" {
		return out, problem.Invalid("a restore needs a reason", problem.FieldError{Field: "reason", Message: refused})
	}
	if force && strings.TrimSpace(forceReason) == "" {
		return out, problem.Invalid("a forced restore needs a reason", problem.FieldError{Field: "force_reason",
			Message: "is required when force is true: why the party stands beside the one created since that shares its phone, email or tax code, or probably is it"})
	}
	if !force && forceReason != "" {
		return out, problem.Invalid("force_reason without force", problem.FieldError{Field: "force_reason", Message: "is only allowed with force: true"})
	}
	actor, now := Actor(ctx), p.s.now()
	err := postgres.InTx(ctx, p.s.Pool, func(tx pgx.Tx) error {
		d, asDeleted, err := p.deleted(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := ownership.MayRestore(caller(ctx), *p.k.owner(&asDeleted), d.DeletedBy); err != nil {
			return err
		}
		v, err := p.followLinks(ctx, tx, asDeleted)
		if err != nil {
			return err
		}
		r, err := row(p.k, v)
		if err != nil {
			return err
		}
		if err := store.LockKeys(ctx, tx, slices.Concat(r.Keys, lookalikeLocks(v))); err != nil {
			return err
		}
		if forced, err := p.duplicates(ctx, tx, v, r.Keys, force, Restoring, id); err != nil {
			return err
		} else if forced {
			*p.k.forceReason(&v) = forceReason
			if r, err = row(p.k, v); err != nil {
				return err
			}
		}
		if err := store.InsertParty(ctx, tx, p.k.table, r, ptr(*p.k.forceReason(&v)), nil, actor, now); err != nil {
			return err
		}
		if _, err := p.s.settleFollowUp(ctx, tx, p.k.table, id); err != nil {
			return err
		}
		changes := append([]store.Change{{Field: "restored", Old: nil, New: v, Reason: why}}, toStore(p.k.diff(asDeleted, v))...)
		if err := store.InsertHistory(ctx, tx, p.k.table, id, actor, now, changes); err != nil {
			return err
		}
		if err := p.s.emit(ctx, tx, id, p.k.restored(v, actor, why)); err != nil {
			return err
		}
		if err := p.s.giveBackLinks(ctx, tx, d, append([]string{id}, p.k.absorbed(v)...), id, actor, now); err != nil {
			return err
		}
		out, err = p.read(ctx, tx, id)
		return err
	})
	return out, err
}

// deleted returns the deletion of party id of p's type, locked, and the
// record it kept, or why it cannot be restored: it was merged into another
// (a 409 naming the survivor), it lives (409), its deletion kept no record
// (409), or no party of p's type was ever deleted under it (ErrNotFound).
func (p *Parties[T]) deleted(ctx context.Context, tx pgx.Tx, id string) (store.DeletedRecord, T, error) {
	var v T
	survivor, err := store.ResolveAlias(ctx, tx, p.k.table, id)
	if err != nil {
		return store.DeletedRecord{}, v, err
	}
	if survivor != id {
		return store.DeletedRecord{}, v, problem.Conflict(fmt.Sprintf("the %s %s was merged into %s, which holds its values, history and interactions: "+
			"a merged party is not restored", p.k.noun(), id, survivor)).With("survivor_id", survivor)
	}
	d, err := store.LockDeletion(ctx, tx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return d, v, err
	}
	// Read after the lock: a restore that committed while this one waited
	// for it shows here.
	if _, _, lerr := store.GetParty(ctx, tx, p.k.table, id, false); lerr == nil {
		return d, v, problem.Conflict(fmt.Sprintf("the %s %s is not deleted: there is nothing to restore", p.k.noun(), id))
	} else if !errors.Is(lerr, store.ErrNotFound) {
		return d, v, lerr
	}
	if err != nil || d.Type != p.k.table {
		return d, v, store.ErrNotFound
	}
	if err := json.Unmarshal(d.Record, &v); err != nil || *p.k.id(&v) != id {
		return d, v, problem.Conflict(fmt.Sprintf("the %s %s was deleted by undoing the import that created it, whose history keeps "+
			"no record of it (the row is in the import's file): import it again", p.k.noun(), id))
	}
	return d, v, nil
}

// followLinks points v's links to a party merged since at its survivor and
// drops those to a party deleted since, so a restored party links to live
// parties only, as every write keeps them. The parties kept are held live
// until the transaction ends (liveRef).
func (p *Parties[T]) followLinks(ctx context.Context, tx pgx.Tx, v T) (T, error) {
	type target struct {
		id   string
		want store.Type
	}
	var targets []target
	for _, l := range linksOf(&v) {
		if *l.id != "" {
			targets = append(targets, target{*l.id, l.want})
		}
	}
	for _, t := range targets {
		resolved, why, err := liveRef(ctx, tx, t.id, t.want)
		switch {
		case err != nil:
			return v, err
		case why != "":
			v = p.k.relink(v, []string{t.id}, "")
		case resolved != t.id:
			v = p.k.relink(v, []string{t.id}, resolved)
		}
	}
	return v, nil
}

// giveBackLinks gives the people who lost relationships to any of gone
// when d deleted the party restored, and are still here, those
// relationships back, naming restored; each person changed keeps a history
// entry and is published as updated, as when the links were dropped.
func (s *Service) giveBackLinks(ctx context.Context, tx pgx.Tx, d store.DeletedRecord, gone []string, restored, actor string, now time.Time) error {
	p := s.People
	dropped, err := store.DroppedLinks(ctx, tx, d, gone)
	if err != nil {
		return err
	}
	lost := map[string][]party.Relationship{}
	var ids []string
	for _, l := range dropped {
		var r party.Relationship
		if err := json.Unmarshal(l.Link, &r); err != nil {
			return fmt.Errorf("a link person %s lost: %w", l.PersonID, err)
		}
		r.PartyID = restored
		if _, ok := lost[l.PersonID]; !ok {
			ids = append(ids, l.PersonID)
		}
		lost[l.PersonID] = append(lost[l.PersonID], r)
	}
	slices.Sort(ids) // locked in id order, as relink locks them
	for _, id := range ids {
		live, err := store.ResolveAlias(ctx, tx, store.Person, id)
		if err != nil {
			return err
		}
		before, _, err := p.load(ctx, tx, live, nil)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since: nobody to give the links to
		}
		if err != nil {
			return err
		}
		if err := p.saveChanged(ctx, tx, live, before, before.WithLinks(lost[id]...), actor, now); err != nil {
			return err
		}
	}
	return nil
}
