package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/pkg/staff"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// ownerChange is one party given to another owner: by whom, why, and the
// hand-over it is part of ("" for a single reassignment).
type ownerChange struct {
	id, old, new, by, reason, handover string
}

// caller is the staff member calling, as the owner rule reads them.
func caller(ctx context.Context) ownership.Caller {
	c, ok := auth.ClaimsFrom(ctx)
	if !ok {
		return ownership.Caller{}
	}
	return ownership.Caller{ID: c.Subject, Roles: c.Roles}
}

// staffIDFields returns the field error of a staff id that cannot be one
// (staff.ID), named field, or none.
func staffIDFields(field, id string) []problem.FieldError {
	if err := staff.ID(id); err != nil {
		return []problem.FieldError{{Field: field, Message: err.Error()}}
	}
	return nil
}

// staffID refuses a staff id that cannot be one with a 422 naming field.
func staffID(field, id string) error {
	if fields := staffIDFields(field, id); fields != nil {
		return problem.Invalid("not a staff id", fields...)
	}
	return nil
}

// reason checks the reason of an owner change or hand-over and returns it
// as it is kept.
func reason(s string) (string, error) {
	r, why := ownership.Reason(s)
	if why != "" {
		return "", problem.Invalid("an owner change needs a reason", problem.FieldError{Field: "reason", Message: why})
	}
	return r, nil
}

// Reassign gives one party a new owner, with an audit record. Only its
// owner, a lead, a manager or an admin may (ownership.May), and only with
// a reason. pre is asked of the party's version, so that of two staff
// handing the same party to different colleagues the second learns of the
// first.
func (p *Parties[T]) Reassign(ctx context.Context, id, owner, why string, pre Precondition) (View[T], error) {
	var out View[T]
	if strings.TrimSpace(owner) == "" {
		return out, problem.Invalid("no owner", problem.FieldError{Field: "owner_id", Message: "is required: the id of the staff member who cares for the party from now"})
	}
	if err := staffID("owner_id", owner); err != nil {
		return out, err
	}
	why, err := reason(why)
	if err != nil {
		return out, err
	}
	actor, now := Actor(ctx), p.s.now()
	err = p.s.userWrite(ctx, func(tx pgx.Tx) error {
		resolved, err := p.writeTarget(ctx, tx, id, pre, "change")
		if err != nil {
			return err
		}
		v, meta, err := p.load(ctx, tx, resolved, pre)
		if err != nil {
			return err
		}
		if err := ownership.May(caller(ctx), ownership.Reassign, *p.k.owner(&v)); err != nil {
			return err
		}
		c := ownerChange{new: owner, by: actor, reason: why}
		if out.Party, out.Meta.Version, err = p.setOwner(ctx, tx, v, meta.Version, c, now); err != nil {
			return err
		}
		out.Party = p.answer(out.Party, meta)
		return named(ctx, tx, &out.Party)
	})
	return out, err
}

// setOwner gives v, stored at version, the owner c names inside tx and
// returns it with its version after the write (the same if the owner
// already had it): the history entry and the audit row carry the reason
// and the hand-over, and so does the event. Who touched v last is left as
// it was: an owner change is not work with the customer.
func (p *Parties[T]) setOwner(ctx context.Context, tx pgx.Tx, v T, version int64, c ownerChange, now time.Time) (T, int64, error) {
	c.id, c.old = *p.k.id(&v), *p.k.owner(&v)
	if c.old == c.new {
		return v, version, nil
	}
	*p.k.owner(&v) = c.new
	r, err := row(p.k, v)
	if err != nil {
		return v, version, err
	}
	if version, err = store.UpdateParty(ctx, tx, p.k.table, r, now); err != nil {
		return v, version, err
	}
	change := store.Change{Field: "owner_id", Old: c.old, New: c.new, Reason: c.reason, HandoverID: c.handover}
	if err := store.InsertHistory(ctx, tx, p.k.table, r.ID, c.by, now, []store.Change{change}); err != nil {
		return v, version, err
	}
	if err := store.InsertOwnerAudit(ctx, tx, p.k.table, r.ID, ptr(c.old), c.new, c.by, c.reason, ptr(c.handover), now); err != nil {
		return v, version, err
	}
	return v, version, p.s.emit(ctx, tx, r.ID, p.k.ownerChanged(c))
}

// Care answers who cares for a party and who touched it last.
type Care struct {
	OwnerID    string     `json:"owner_id"`
	OwnerSince *time.Time `json:"owner_since,omitempty"`
	// OwnerChange is the latest owner change: by whom, when and why.
	OwnerChange   *store.OwnerChange `json:"owner_change,omitempty"`
	LastTouchedBy string             `json:"last_touched_by,omitempty"`
	LastTouchedAt *time.Time         `json:"last_touched_at,omitempty"`
}

// Care reports the owner, how they came to be, and the last staff member
// who worked on a party: logged an interaction with it or edited its
// record (not a bulk change, an owner change or a hand-over).
func (p *Parties[T]) Care(ctx context.Context, id string) (Care, error) {
	v, err := p.Get(ctx, id)
	if err != nil {
		return Care{}, err
	}
	c := Care{OwnerID: *p.k.owner(&v.Party), LastTouchedAt: v.Meta.LastTouchedAt}
	if v.Meta.LastTouchedBy != nil {
		c.LastTouchedBy = *v.Meta.LastTouchedBy
	}
	if c.OwnerChange, err = store.LatestOwnerChange(ctx, p.s.Pool, *p.k.id(&v.Party)); c.OwnerChange != nil {
		c.OwnerSince = &c.OwnerChange.ChangedAt
	}
	return c, err
}

// mergedReason is the reason of an owner change a merge made, keeping the
// merged party's owner.
const mergedReason = "merged"

// ownerByPatch refuses an owner change in a PATCH: an owner changes only
// through POST /{id}/owner, with a reason and an audit record.
func (p *Parties[T]) ownerByPatch() error {
	plural := map[store.Type]string{store.Organization: "organizations", store.Person: "people"}[p.k.table]
	return problem.Invalid("the owner is not changed by an edit", problem.FieldError{Field: "owner_id",
		Message: "changes only through POST /api/contact/v1/" + plural + "/{id}/owner, with a reason, so the change is audited"})
}

// liveOrDeleted answers nil for a party of type t that lives or was
// deleted, whose history and interactions stay readable; ErrNotFound for
// an id never issued (or of the other type).
func (s *Service) liveOrDeleted(ctx context.Context, t store.Type, id string) error {
	_, _, err := store.GetParty(ctx, s.Pool, t, id, false)
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	d, err := store.Deleted(ctx, s.Pool, id)
	if err == nil && d.Type != t {
		return store.ErrNotFound
	}
	return err
}
