// Package consumer holds the contact service's event handlers.
package consumer

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// TimelineSubjects are this service's events the timeline is built from.
var TimelineSubjects = []string{"contact.interaction.logged", "contact.interaction.corrected", "contact.interaction.deleted"}

// TimelineStream is the stream the subjects above live on.
const TimelineStream = "CONTACT"

// TrainingTimelineSubjects are the training events that concern a unit or
// its contact people. Survey responses and messages sent are added, with a
// stream and a handler of their own, when those services' contracts land.
var TrainingTimelineSubjects = []string{
	"training.participant.registered", "training.participant.confirmed", "training.participant.declined",
	"training.attendance.recorded", "training.course.completed", "training.course.cancelled",
}

// TrainingStream is the stream of the training service's events.
const TrainingStream = "TRAINING"

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

// TrainingTimeline puts a training event on the timeline of every party it
// names: the unit (or units, for a course) and their contact people.
func TrainingTimeline(ctx context.Context, tx pgx.Tx, e event.Event) error {
	var parties []string
	var summary map[string]any
	switch e.Subject {
	case "training.participant.registered", "training.participant.confirmed", "training.participant.declined":
		p, err := contract.Decode[contract.Participant](e)
		if err != nil {
			return err
		}
		parties = append([]string{p.UnitID}, p.ContactPersonIDs...)
		summary = map[string]any{"course_id": p.Course.CourseID, "module_code": p.Course.ModuleCode, "module_name": p.Course.ModuleName,
			"first_session": p.Course.FirstSession, "status": p.Status, "attendees": p.Attendees, "unit_id": p.UnitID, "note": p.Note}
	case "training.attendance.recorded":
		a, err := contract.Decode[contract.AttendanceRecorded](e)
		if err != nil {
			return err
		}
		parties = append([]string{a.UnitID}, a.ContactPersonIDs...)
		summary = map[string]any{"course_id": a.CourseID, "module_code": a.ModuleCode, "session_date": a.SessionDate,
			"half_day": a.HalfDay, "present": a.Present, "reason": a.Reason, "unit_id": a.UnitID}
	case "training.course.completed", "training.course.cancelled":
		c, err := contract.Decode[contract.CourseChange](e)
		if err != nil {
			return err
		}
		parties = append(slices.Clone(c.Course.UnitIDs), c.Course.ContactPersonIDs...)
		summary = map[string]any{"course_id": c.Course.CourseID, "module_code": c.Course.ModuleCode, "module_name": c.Course.ModuleName,
			"first_session": c.Course.FirstSession, "last_session": c.Course.LastSession, "reason": c.Reason}
	default:
		return nil
	}
	body, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	entry := store.TimelineEntry{EventID: e.ID.String(), OccurredAt: e.Time, Type: e.Type, Source: "training", Summary: body}
	if err := store.HoldParties(ctx, tx, parties); err != nil {
		return err
	}
	for _, id := range parties {
		// Only contact's own parties have a timeline here; any other id
		// (an empty one, a unit known only to a test) is not ours to keep.
		if !party.ValidID(id) {
			continue
		}
		if err := store.InsertTimeline(ctx, tx, id, entry); err != nil {
			return fmt.Errorf("timeline entry of %s for %s: %w", id, e.ID, err)
		}
	}
	return nil
}
