// Package consumer holds the contact service's event handlers.
package consumer

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// TimelineSubjects are this service's events the timeline is built from.
var TimelineSubjects = []string{"contact.interaction.logged", "contact.interaction.corrected", "contact.interaction.deleted"}

// TimelineStream is the stream the subjects above live on.
const TimelineStream = "CONTACT"

// Timeline records each event about a party as an entry of its timeline.
// The entry is keyed by the event id and party, so a redelivery adds nothing.
func Timeline(ctx context.Context, tx pgx.Tx, e event.Event) error {
	switch e.Subject {
	case "contact.interaction.logged":
		in, err := contract.Decode[contract.InteractionLogged](e)
		if err != nil {
			return err
		}
		if err := store.HoldParties(ctx, tx, []string{in.PartyID}); err != nil {
			return err
		}
		if err := store.InsertTimeline(ctx, tx, in.PartyID, store.TimelineEntry{EventID: e.ID.String(), OccurredAt: in.OccurredAt,
			Type: e.Type, Source: "contact", Summary: interactionSummary(in, "")}); err != nil {
			return fmt.Errorf("timeline entry for %s: %w", e.ID, err)
		}
	case "contact.interaction.corrected":
		in, err := contract.Decode[contract.InteractionCorrected](e)
		if err != nil {
			return err
		}
		if err := store.HoldParties(ctx, tx, []string{in.PartyID}); err != nil {
			return err
		}
		if err := store.UpdateInteractionEntry(ctx, tx, in.PartyID, in.ID, in.OccurredAt, interactionSummary(in.InteractionLogged, in.CorrectedBy)); err != nil {
			return fmt.Errorf("correct the timeline entry of interaction %s: %w", in.ID, err)
		}
	case "contact.interaction.deleted":
		in, err := contract.Decode[contract.InteractionDeleted](e)
		if err != nil {
			return err
		}
		if err := store.HoldParties(ctx, tx, []string{in.PartyID}); err != nil {
			return err
		}
		if err := store.DeleteInteractionEntry(ctx, tx, in.PartyID, in.ID); err != nil {
			return fmt.Errorf("drop the timeline entry of interaction %s: %w", in.ID, err)
		}
	}
	return nil
}

// interactionSummary is what an interaction's timeline entry shows of it,
// and who corrected it, if anyone did.
func interactionSummary(in contract.InteractionLogged, correctedBy string) json.RawMessage {
	summary := map[string]any{"interaction_id": in.ID, "kind": in.Kind, "staff_id": in.StaffID,
		"outcome": in.Outcome, "next_action_on": in.NextActionOn, "follow_up_done": in.FollowUpDone}
	if correctedBy != "" {
		summary["corrected_by"] = correctedBy
	}
	out, _ := json.Marshal(summary)
	return out
}
