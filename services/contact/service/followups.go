package service

import (
	"context"
	"time"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// settleFollowUp sets the follow-up of the party id of type t from all its
// interactions, by the rule of party.FollowUp. Every write of a party's
// interactions (logged, corrected, deleted, moved by a merge) calls it
// inside its transaction, with the party locked before the interactions
// were written, so no other write of them can interleave. It reports
// whether the follow-up changed.
func (s *Service) settleFollowUp(ctx context.Context, db store.DB, t store.Type, id string) (bool, error) {
	facts, err := store.FollowUpFacts(ctx, db, id)
	if err != nil {
		return false, err
	}
	logged := make([]party.Logged, len(facts))
	for i, f := range facts {
		logged[i] = loggedOf(f)
	}
	return store.SetFollowUp(ctx, db, t, id, nextActionTime(party.FollowUp(logged, s.Location)))
}

// loggedOf is what the follow-up rule reads of an interaction.
func loggedOf(f store.FollowUpFact) party.Logged {
	return party.Logged{OccurredAt: f.OccurredAt, LoggedAt: f.LoggedAt, NextActionOn: dateOf(f.NextActionOn), FollowUpDone: f.FollowUpDone}
}

// checkFollowUpDone refuses an interaction it, logged or corrected inside
// tx with its party locked, that says it completed a follow-up when none
// stood before it among the party's other interactions
// (party.CheckFollowUpDone).
func (s *Service) checkFollowUpDone(ctx context.Context, db store.DB, it store.Interaction) error {
	if !it.FollowUpDone {
		return nil
	}
	facts, err := store.FollowUpFacts(ctx, db, it.PartyID)
	if err != nil {
		return err
	}
	var others []party.Logged
	for _, f := range facts {
		if f.ID != it.ID {
			others = append(others, loggedOf(f))
		}
	}
	in := party.Logged{OccurredAt: it.OccurredAt, LoggedAt: it.LoggedAt, NextActionOn: dateOf(it.NextActionOn), FollowUpDone: true}
	return party.CheckFollowUpDone(others, in, s.Location)
}

// nextActionTime is how the store keeps a follow-up date: nil for none.
func nextActionTime(d party.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Start(time.UTC)
	return &t
}

// dateOf is the follow-up date the store keeps as t (nextActionTime).
func dateOf(t *time.Time) party.Date {
	if t == nil {
		return party.Date{}
	}
	return party.DateOf(t.UTC())
}

// answer returns v as answered, with the follow-up the store keeps for it
// beside its document (m).
func (p *Parties[T]) answer(v T, m store.Meta) T {
	*p.k.followUp(&v) = dateOf(m.NextActionOn)
	return v
}

// followUpByEdit refuses a party's follow-up sent in a create or an edit:
// a follow-up is agreed with the customer, so it is set by logging the
// interaction that agreed it, and stands until one completes it.
func followUpByEdit() error {
	return problem.Invalid("the follow-up is not set by an edit", problem.FieldError{Field: "next_action_on",
		Message: "is set by logging an interaction: POST /api/contact/v1/interactions with next_action_on (or follow_up_done: true once it is done)"})
}
