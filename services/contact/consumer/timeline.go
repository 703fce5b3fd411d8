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

// TimelineSubjects are the events the timeline is built from. Other
// services' events (training attendance, survey responses, notifications
// sent) are added here, with a case in Timeline, when their contracts land
// in the catalogue.
var TimelineSubjects = []string{"contact.interaction.logged"}

// TimelineStream is the stream the subjects above live on.
const TimelineStream = "CONTACT"

// Timeline records each event about a party as an entry of its timeline.
// The entry is keyed by the event id, so a redelivery adds nothing.
func Timeline(ctx context.Context, tx pgx.Tx, e event.Event) error {
	switch e.Subject {
	case "contact.interaction.logged":
		in, err := contract.Decode[contract.InteractionLogged](e)
		if err != nil {
			return err
		}
		summary, _ := json.Marshal(map[string]any{"interaction_id": in.ID, "kind": in.Kind, "staff_id": in.StaffID,
			"outcome": in.Outcome, "next_action_on": in.NextActionOn})
		if err := store.InsertTimeline(ctx, tx, in.PartyID, store.TimelineEntry{EventID: e.ID.String(), OccurredAt: in.OccurredAt,
			Type: e.Type, Source: "contact", Summary: summary}); err != nil {
			return fmt.Errorf("timeline entry for %s: %w", e.ID, err)
		}
	}
	return nil
}
