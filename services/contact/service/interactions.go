package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// InteractionInput is a call, email, meeting, Zalo message or note to log.
type InteractionInput struct {
	PartyID string `json:"party_id"`
	Kind    string `json:"kind"`
	StaffID string `json:"staff_id"`
	// OccurredAt is when it happened: now if not sent. A pointer, so a
	// zero time sent ("0001-01-01T00:00:00Z", a client's unset value) is
	// refused as a date, not taken for none.
	OccurredAt   *time.Time `json:"occurred_at"`
	Outcome      string     `json:"outcome"`
	Notes        string     `json:"notes"`
	NextActionOn string     `json:"next_action_on"`
	// FollowUpDone says the interaction completed the party's follow-up,
	// although it came before the follow-up's day (party.FollowUp).
	FollowUpDone bool `json:"follow_up_done"`
}

// LogInteraction records an interaction with a party and sets the party's
// follow-up again (party.FollowUp): this one may agree, or complete, one.
func (s *Service) LogInteraction(ctx context.Context, in InteractionInput) (store.Interaction, error) {
	now := s.now()
	occurred := now
	if in.OccurredAt != nil {
		occurred = stored(*in.OccurredAt)
	}
	if in.StaffID != "" {
		// It counts as the work of whom it names (ownership.MayCredit).
		if err := staffID("staff_id", in.StaffID); err != nil {
			return store.Interaction{}, err
		}
		if err := ownership.MayCredit(caller(ctx), in.StaffID); err != nil {
			return store.Interaction{}, err
		}
	}
	nextOn, err := party.CheckInteraction(party.Interaction{Kind: in.Kind, PartyID: in.PartyID, OccurredAt: occurred,
		NextActionOn: in.NextActionOn}, now.In(s.Location))
	if err != nil {
		return store.Interaction{}, err
	}
	it := store.Interaction{ID: event.NewID().String(), Kind: in.Kind, StaffID: in.StaffID, OccurredAt: occurred, Outcome: in.Outcome,
		Notes: in.Notes, NextActionOn: nextActionTime(nextOn), NextAction: nextOn.String(), FollowUpDone: in.FollowUpDone,
		LoggedBy: Actor(ctx), LoggedAt: now, Version: 1}
	if it.StaffID == "" {
		it.StaffID = it.LoggedBy
	}
	err = s.userWrite(ctx, func(tx pgx.Tx) error {
		t, resolved, err := store.TypeOf(ctx, tx, in.PartyID)
		if err != nil {
			if err == store.ErrNotFound {
				return problem.Invalid("unknown party", problem.FieldError{Field: "party_id", Message: "is not an existing organisation or person"})
			}
			return err
		}
		it.PartyType, it.PartyID = string(t), resolved
		if err := store.InsertInteraction(ctx, tx, it); err != nil {
			return err
		}
		if err := s.checkFollowUpDone(ctx, tx, it); err != nil {
			return err
		}
		if _, err := s.settleFollowUp(ctx, tx, t, resolved); err != nil {
			return err
		}
		return s.emit(ctx, tx, resolved, logged(it))
	})
	return it, err
}

// Interactions lists a party's interactions, newest first, a deleted
// party's too.
func (s *Service) Interactions(ctx context.Context, partyID string, before time.Time, beforeID string, limit int) ([]store.Interaction, error) {
	_, resolved, err := store.TypeOf(ctx, s.Pool, partyID)
	if errors.Is(err, store.ErrNotFound) {
		// A deleted party's interactions stay, to show what was lost.
		_, err = store.Deleted(ctx, s.Pool, partyID)
		resolved = partyID
	}
	if err != nil {
		return nil, err
	}
	return store.ListInteractions(ctx, s.Pool, resolved, before, beforeID, limit)
}

// Interaction returns one logged interaction.
func (s *Service) Interaction(ctx context.Context, id string) (store.Interaction, error) {
	return store.GetInteraction(ctx, s.Pool, id)
}

// CorrectInteraction applies a JSON merge patch (RFC 7386) to a logged
// interaction: a call logged with the wrong outcome, day or follow-up. The
// party's follow-up is set again from all its interactions, the change is
// kept in the party's history (who, when, the interaction before and
// after) and published. pre refuses a correction of a version the caller
// did not read.
func (s *Service) CorrectInteraction(ctx context.Context, id string, patch map[string]json.RawMessage, pre Precondition) (store.Interaction, error) {
	for _, f := range []string{"id", "party_type", "logged_by", "logged_at"} {
		if _, ok := patch[f]; ok {
			return store.Interaction{}, problem.Invalid("read-only field", problem.FieldError{Field: f, Message: "cannot be changed"})
		}
	}
	if _, ok := patch["party_id"]; ok {
		return store.Interaction{}, problem.Invalid("read-only field", problem.FieldError{Field: "party_id",
			Message: "cannot be changed: delete the interaction and log it with the party it was with"})
	}
	var out store.Interaction
	actor, now := Actor(ctx), s.now()
	err := s.userWrite(ctx, func(tx pgx.Tx) error {
		before, err := lockToChange(ctx, tx, id, pre)
		if err != nil {
			return err
		}
		after, err := s.patchInteraction(before, patch, now)
		if err != nil {
			return err
		}
		if after.StaffID != before.StaffID {
			if err := ownership.MayCredit(caller(ctx), after.StaffID); err != nil {
				return err
			}
		}
		out = after
		fields := correctedFields(before, after)
		if len(fields) == 0 {
			return nil
		}
		// A flag kept as it was stays: only a correction saying it is
		// done, or moving a done one in time, is checked again.
		if !before.FollowUpDone || !before.OccurredAt.Equal(after.OccurredAt) {
			if err := s.checkFollowUpDone(ctx, tx, after); err != nil {
				return err
			}
		}
		if err := store.UpdateInteraction(ctx, tx, after); err != nil {
			return err
		}
		if _, err := s.settleFollowUp(ctx, tx, store.Type(after.PartyType), after.PartyID); err != nil {
			return err
		}
		out.Version++
		if err := store.InsertHistory(ctx, tx, store.Type(after.PartyType), after.PartyID, actor, now,
			[]store.Change{{Field: "interaction", Old: before, New: after}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, after.PartyID, contract.InteractionCorrected{InteractionLogged: logged(after), CorrectedBy: actor, Fields: fields})
	})
	return out, err
}

// patchInteraction returns it with patch applied, checked as a new one is.
func (s *Service) patchInteraction(it store.Interaction, patch map[string]json.RawMessage, now time.Time) (store.Interaction, error) {
	doc, _ := json.Marshal(InteractionInput{PartyID: it.PartyID, Kind: it.Kind, StaffID: it.StaffID, OccurredAt: &it.OccurredAt,
		Outcome: it.Outcome, Notes: it.Notes, NextActionOn: it.NextAction, FollowUpDone: it.FollowUpDone})
	body, _ := json.Marshal(patch)
	merged, err := jsonpatch.MergePatch(doc, body)
	if err != nil {
		return it, fmt.Errorf("merge patch into interaction %s: %w", it.ID, err) // both sides are our own valid JSON
	}
	var in InteractionInput
	if err := problem.Decode(bytes.NewReader(merged), &in, 1<<20); err != nil {
		return it, err
	}
	// What a new interaction defaults (the logging staff member, the time
	// it is logged) a correction cannot remove.
	var removed []problem.FieldError
	if in.StaffID == "" {
		removed = append(removed, problem.FieldError{Field: "staff_id", Message: "cannot be removed"})
	}
	if in.OccurredAt == nil {
		removed = append(removed, problem.FieldError{Field: "occurred_at", Message: "cannot be removed"})
	}
	if len(removed) > 0 {
		return it, problem.Invalid("the interaction is not valid", removed...)
	}
	if in.StaffID != it.StaffID {
		// One stored before the rule is kept until it is changed.
		if err := staffID("staff_id", in.StaffID); err != nil {
			return it, err
		}
	}
	next, err := party.CheckInteraction(party.Interaction{Kind: in.Kind, PartyID: in.PartyID, OccurredAt: *in.OccurredAt,
		NextActionOn: in.NextActionOn}, now.In(s.Location))
	if err != nil {
		return it, err
	}
	it.Kind, it.StaffID, it.OccurredAt, it.Outcome, it.Notes = in.Kind, in.StaffID, stored(*in.OccurredAt), in.Outcome, in.Notes
	it.NextActionOn, it.NextAction, it.FollowUpDone = nextActionTime(next), next.String(), in.FollowUpDone
	return it, nil
}

// correctedFields names the fields of an interaction a correction changed.
func correctedFields(before, after store.Interaction) []string {
	var out []string
	for field, same := range map[string]bool{
		"kind":           before.Kind == after.Kind,
		"staff_id":       before.StaffID == after.StaffID,
		"occurred_at":    before.OccurredAt.Equal(after.OccurredAt),
		"outcome":        before.Outcome == after.Outcome,
		"notes":          before.Notes == after.Notes,
		"next_action_on": before.NextAction == after.NextAction,
		"follow_up_done": before.FollowUpDone == after.FollowUpDone,
	} {
		if !same {
			out = append(out, field)
		}
	}
	slices.Sort(out)
	return out
}

// DeleteInteraction removes an interaction logged by mistake. The party's
// follow-up is set again from the interactions left; the party's history
// keeps what was deleted, by whom. pre refuses the delete of a version the
// caller did not read.
func (s *Service) DeleteInteraction(ctx context.Context, id string, pre Precondition) error {
	actor, now := Actor(ctx), s.now()
	return s.userWrite(ctx, func(tx pgx.Tx) error {
		it, err := lockToChange(ctx, tx, id, pre)
		if err != nil {
			return err
		}
		if err := store.DeleteInteraction(ctx, tx, it); err != nil {
			return err
		}
		if _, err := s.settleFollowUp(ctx, tx, store.Type(it.PartyType), it.PartyID); err != nil {
			return err
		}
		if err := store.InsertHistory(ctx, tx, store.Type(it.PartyType), it.PartyID, actor, now,
			[]store.Change{{Field: "interaction", Old: it, New: nil}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, it.PartyID, contract.InteractionDeleted{ID: it.ID, PartyType: it.PartyType, PartyID: it.PartyID, DeletedBy: actor})
	})
}

// lockToChange locks the interaction id for the caller to correct or
// delete, as ownership.MayCorrect allows, and only on a version pre
// allows.
func lockToChange(ctx context.Context, tx pgx.Tx, id string, pre Precondition) (store.Interaction, error) {
	it, err := store.LockInteraction(ctx, tx, id)
	if err != nil {
		return it, err
	}
	if err := ownership.MayCorrect(caller(ctx), it.LoggedBy, it.StaffID); err != nil {
		return it, err
	}
	return it, pre.check(id, it.Version)
}

// logged is the event payload of an interaction as it stands.
func logged(it store.Interaction) contract.InteractionLogged {
	return contract.InteractionLogged{ID: it.ID, PartyType: it.PartyType, PartyID: it.PartyID, Kind: it.Kind,
		StaffID: it.StaffID, OccurredAt: it.OccurredAt, Outcome: it.Outcome, NextActionOn: it.NextAction, FollowUpDone: it.FollowUpDone}
}
