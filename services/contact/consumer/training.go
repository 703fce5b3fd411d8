package consumer

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// TrainingTimelineSubjects are the training events that matter to whoever
// cares for a unit: the request, the course's dates and life, the unit's
// registration and attendance, and the complaints and opinions raised for
// it with their outcome. Survey responses and messages sent are added, with
// a stream and a handler of their own, when those services' contracts land.
var TrainingTimelineSubjects = []string{
	"training.request.submitted",
	"training.course.scheduled", "training.course.rescheduled", "training.course.started",
	"training.course.completed", "training.course.cancelled",
	"training.participant.registered", "training.participant.confirmed", "training.participant.declined",
	"training.attendance.recorded",
	"training.feedback.raised", "training.feedback.resolved", "training.feedback.reopened",
}

// TrainingStream is the stream of the training service's events.
const TrainingStream = "TRAINING"

// TrainingGapWait is how long a training event waits for an earlier event
// of its aggregate before the timeline takes it without it (consumer
// Config.GapWait). Each event is an entry of its own, so a feedback item's
// resolution is worth showing without the raising the consumer never read
// (published before its subjects included feedback); the wait keeps the
// order of events only overtaken on the way.
const TrainingGapWait = 10 * time.Second

// TrainingTimeline puts a training event on the timeline of every party it
// concerns (TrainingEntry).
func TrainingTimeline(ctx context.Context, tx pgx.Tx, e event.Event) error {
	parties, summary, err := TrainingEntry(e)
	if err != nil || len(parties) == 0 {
		return err
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

// TrainingEntry says whose timelines a training event goes on and what its
// entry shows; an event the timeline does not show names no party.
//
// A participant's events and its attendance go to its unit and the unit's
// contact people; the request and the course's own life to every unit of
// the course and the course's contact people. A feedback item raised for a
// unit goes to that unit alone: the course's contact people are those of
// every unit, and the event does not say who at the unit raised it. One
// raised for no unit is about the course, and goes to each of its units.
func TrainingEntry(e event.Event) (parties []string, summary map[string]any, err error) {
	switch e.Subject {
	case "training.participant.registered", "training.participant.confirmed", "training.participant.declined":
		p, err := contract.Decode[contract.Participant](e)
		if err != nil {
			return nil, nil, err
		}
		return append([]string{p.UnitID}, p.ContactPersonIDs...), map[string]any{"course_id": p.Course.CourseID,
			"module_code": p.Course.ModuleCode, "module_name": p.Course.ModuleName, "first_session": p.Course.FirstSession,
			"status": p.Status, "attendees": p.Attendees, "unit_id": p.UnitID, "note": p.Note}, nil
	case "training.attendance.recorded":
		a, err := contract.Decode[contract.AttendanceRecorded](e)
		if err != nil {
			return nil, nil, err
		}
		summary := map[string]any{"course_id": a.CourseID, "module_code": a.ModuleCode,
			"session_date": a.SessionDate, "half_day": a.HalfDay, "present": a.Present, "reason": a.Reason, "unit_id": a.UnitID}
		if a.Corrects != nil {
			// A unit has one attendance per session: this entry corrects the
			// earlier one, which stays on the timeline as what was first said.
			summary["corrects"] = map[string]any{"present": a.Corrects.Present, "reason": a.Corrects.Reason, "recorded_at": a.Corrects.RecordedAt}
		}
		return append([]string{a.UnitID}, a.ContactPersonIDs...), summary, nil
	case "training.course.rescheduled":
		c, err := contract.Decode[contract.CourseRescheduled](e)
		if err != nil {
			return nil, nil, err
		}
		// The dates it left, so the entry reads "5 Dec → 12 Dec".
		summary := courseSummary(c.Course)
		maps.Copy(summary, map[string]any{"reason": c.Reason, "previous_first_session": c.PreviousFirstSession,
			"previous_last_session": c.PreviousLastSession})
		return courseParties(c.Course), summary, nil
	case "training.course.scheduled", "training.course.started",
		"training.course.completed", "training.course.cancelled":
		c, err := contract.Decode[contract.CourseChange](e)
		if err != nil {
			return nil, nil, err
		}
		summary := courseSummary(c.Course)
		summary["reason"] = c.Reason
		return courseParties(c.Course), summary, nil
	case "training.request.submitted":
		r, err := contract.Decode[contract.RequestSubmitted](e)
		if err != nil {
			return nil, nil, err
		}
		summary := courseSummary(r.Course)
		maps.Copy(summary, map[string]any{"request_id": r.RequestID, "mode": r.Course.Mode, "proposed_dates": r.ProposedDates,
			"submitted_by": r.SubmittedBy})
		if r.Exception != nil { // a late request a manager admitted, and why
			summary["exception_reason"] = r.Exception.Reason
		}
		return courseParties(r.Course), summary, nil
	case "training.feedback.raised", "training.feedback.resolved", "training.feedback.reopened":
		f, err := contract.Decode[contract.Feedback](e)
		if err != nil {
			return nil, nil, err
		}
		summary := courseSummary(f.Course)
		maps.Copy(summary, map[string]any{"feedback_id": f.FeedbackID, "unit_id": f.UnitID, "text": f.Text, "urgent": f.Urgent,
			"status": f.Status, "by": f.By, "note": f.Note})
		if f.UnitID != "" {
			return []string{f.UnitID}, summary, nil
		}
		return slices.Clone(f.Course.UnitIDs), summary, nil
	}
	return nil, nil, nil
}

// courseSummary is what every course entry shows of the course.
func courseSummary(c contract.CourseInfo) map[string]any {
	return map[string]any{"course_id": c.CourseID, "module_code": c.ModuleCode, "module_name": c.ModuleName,
		"first_session": c.FirstSession, "last_session": c.LastSession}
}

// courseParties are the units of a course and its contact people.
func courseParties(c contract.CourseInfo) []string {
	return append(slices.Clone(c.UnitIDs), c.ContactPersonIDs...)
}
