package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// HandoverTimeout bounds the database work of one hand-over. The work is
// not the caller's to cancel (HandOver), so this is what stops one that
// cannot finish: 100,000 parties take seconds, and a hand-over waits on
// the row locks of single-party writes, which last milliseconds.
const HandoverTimeout = 5 * time.Minute

// handOver moves every party of type T owned by h.FromOwnerID to
// h.ToOwnerID inside tx, with one owner_changed event each, and returns
// how many it moved.
func (p *Parties[T]) handOver(ctx context.Context, tx pgx.Tx, h store.Handover) (int, error) {
	ids, err := store.HandOverParties(ctx, tx, p.k.table, h)
	if err != nil {
		return 0, err
	}
	events := make([]*event.Event, len(ids))
	for i, id := range ids {
		c := ownerChange{id: id, old: h.FromOwnerID, new: h.ToOwnerID, by: h.HandedOverBy, reason: h.Reason, handover: h.ID}
		e, err := p.s.Catalogue.Event(id, h.HandedOverAt, p.k.ownerChanged(c))
		if err != nil {
			return 0, err
		}
		events[i] = &e
	}
	if err := outbox.Append(ctx, tx, events...); err != nil {
		return 0, fmt.Errorf("hand over the %s parties of %s: %w", p.k.table, h.FromOwnerID, err)
	}
	return len(ids), nil
}

// HandOver gives every party of one staff member to another, in one
// transaction with one audit record per party sharing the hand-over id,
// and records the hand-over itself: who, when, why and how many. A
// hand-over that would move nothing (a double click, a staff member whose
// parties went already, an id mistyped) is refused and records nothing,
// so the list of hand-overs holds only those that moved parties.
//
// The work is set-based (store.HandOverParties): 100,000 parties are one
// transaction of a few seconds, which locks them only that long. It is
// not cancelled when the caller goes away, as a gateway does after its
// read timeout: it finishes (within HandoverTimeout) and is listed, and
// the caller finds it there. It is handed over at the time every party it
// moves is locked, after which nothing else changes them until it commits.
//
// The new owner must be a staff id (staff.ID): customers given to
// "  sales-minh " are given to nobody who signs in. The staff member
// handed over may be an id that is none, if parties hold it as their
// owner, as parties stored before the rule may: handing them to a real
// id is how they are put right.
func (s *Service) HandOver(ctx context.Context, from, to, why string) (store.Handover, error) {
	h := store.Handover{ID: event.NewID().String(), FromOwnerID: from, ToOwnerID: to, HandedOverBy: Actor(ctx)}
	var fields []problem.FieldError
	if strings.TrimSpace(from) == "" {
		fields = append(fields, problem.FieldError{Field: "from_owner_id", Message: "is required"})
	}
	if strings.TrimSpace(to) == "" {
		fields = append(fields, problem.FieldError{Field: "to_owner_id", Message: "is required"})
	} else {
		fields = append(fields, staffIDFields("to_owner_id", to)...)
	}
	if from == to && from != "" {
		fields = append(fields, problem.FieldError{Field: "to_owner_id", Message: "must differ from from_owner_id"})
	}
	r, why := ownership.Reason(why)
	if why != "" {
		fields = append(fields, problem.FieldError{Field: "reason", Message: why})
	}
	if len(fields) > 0 {
		return h, problem.Invalid("the hand-over is not valid", fields...)
	}
	h.Reason = r
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), HandoverTimeout)
	defer cancel()
	start := time.Now()
	var locked time.Duration
	err := postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		for _, t := range []store.Type{store.Organization, store.Person} {
			if _, err := store.LockOwnedBy(ctx, tx, t, from); err != nil {
				return err
			}
		}
		h.HandedOverAt, locked = s.now(), time.Since(start)
		var err error
		if h.Organizations, err = s.Organisations.handOver(ctx, tx, h); err != nil {
			return err
		}
		if h.People, err = s.People.handOver(ctx, tx, h); err != nil {
			return err
		}
		if h.Organizations+h.People == 0 {
			if err := staffID("from_owner_id", from); err != nil {
				return err // no party holds it: it was mistyped
			}
			return s.nothingToHandOver(ctx, tx, from)
		}
		return store.InsertHandover(ctx, tx, h)
	})
	if err == nil {
		s.Log.InfoContext(ctx, "hand-over done", "handover_id", h.ID, "organizations", h.Organizations, "people", h.People,
			"lock_seconds", locked.Seconds(), "seconds", time.Since(start).Seconds())
	}
	return h, err
}

// nothingToHandOver is the 422 of a hand-over of a staff member who owns
// no party: it names the latest hand-over that moved their parties, if
// one did, as the one a repeated request meant.
func (s *Service) nothingToHandOver(ctx context.Context, tx pgx.Tx, from string) error {
	earlier, found, err := store.LatestHandoverFrom(ctx, tx, from)
	if err != nil {
		return err
	}
	msg := from + " owns no party now: there is nothing to hand over"
	if !found {
		return problem.Invalid("nothing to hand over", problem.FieldError{Field: "from_owner_id", Message: msg})
	}
	msg += fmt.Sprintf("; hand-over %s gave their %d organisations and %d people to %s at %s (GET /api/contact/v1/handovers/%s)",
		earlier.ID, earlier.Organizations, earlier.People, earlier.ToOwnerID, earlier.HandedOverAt.In(s.Location).Format(time.RFC3339), earlier.ID)
	return problem.Invalid("nothing to hand over", problem.FieldError{Field: "from_owner_id", Message: msg}).With("handover_id", earlier.ID)
}

// Handovers pages the hand-overs done, newest first.
func (s *Service) Handovers(ctx context.Context, before store.HandoverPosition, limit int) ([]store.Handover, error) {
	return store.ListHandovers(ctx, s.Pool, before, limit)
}

// HandoverDetail is a hand-over with the parties it moved.
type HandoverDetail struct {
	store.Handover
	OrganizationIDs []string `json:"organization_ids"`
	PersonIDs       []string `json:"person_ids"`
}

// Handover reads one hand-over and the ids of the parties it moved.
func (s *Service) Handover(ctx context.Context, id string) (HandoverDetail, error) {
	h, moved, err := store.GetHandover(ctx, s.Pool, id)
	return HandoverDetail{Handover: h, OrganizationIDs: moved[store.Organization], PersonIDs: moved[store.Person]}, err
}
