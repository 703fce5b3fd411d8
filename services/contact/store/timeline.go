package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TimelineEntry is something that happened with a party, from any service.
type TimelineEntry struct {
	EventID    string          `json:"event_id" db:"event_id"`
	OccurredAt time.Time       `json:"occurred_at" db:"occurred_at"`
	Type       string          `json:"type" db:"type"`
	Source     string          `json:"source" db:"source"`
	Summary    json.RawMessage `json:"summary" db:"summary"`
	// PartyID is the party the entry is about: on an organisation's
	// timeline with its people, the organisation or one of them.
	PartyID string `json:"party_id" db:"party_id"`
}

// HoldParties takes a key-share lock on the parties ids name, people or
// organisations, until tx ends: organisations first, then people, each in
// id order, as a merge of organisations locks them before the people it
// relinks. A merge locks its two parties FOR UPDATE and moves the merged
// one's timeline to the survivor in its transaction, so a timeline entry
// written for the merged party while a merge is under way would be left
// behind under an id no timeline reads. Held, the entry waits for the
// merge and then lands on the survivor by its alias, or the merge waits
// for the entry and moves it. Writes of a party's own fields take FOR NO
// KEY UPDATE, which a key-share lock does not wait for.
func HoldParties(ctx context.Context, db DB, ids []string) error {
	valid := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return uuid.Validate(id) != nil })
	slices.Sort(valid)
	valid = slices.Compact(valid)
	if len(valid) == 0 {
		return nil
	}
	for _, t := range []Type{Organization, Person} {
		if _, err := db.Exec(ctx, `SELECT FROM `+string(t)+` WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE`, valid); err != nil {
			return fmt.Errorf("hold %s %v: %w", t, valid, err)
		}
	}
	return nil
}

// InsertTimeline records a timeline entry once per event and party. An
// event naming a merged party's old id lands on the survivor; the caller
// holds the party (HoldParties) so that a merge under way cannot leave the
// entry behind.
func InsertTimeline(ctx context.Context, db DB, partyID string, e TimelineEntry) error {
	_, err := db.Exec(ctx, `INSERT INTO timeline_entry (event_id, party_id, occurred_at, type, source, summary)
SELECT $1, coalesce((SELECT survivor_id FROM party_alias WHERE alias_id = $2::uuid), $2::uuid), $3, $4, $5, $6
ON CONFLICT DO NOTHING`,
		e.EventID, partyID, e.OccurredAt, e.Type, e.Source, []byte(e.Summary))
	return err
}

// interactionEntry is the timeline entry of the interaction $2 of the
// party $1, which may have been merged into another since.
const interactionEntry = `party_id = coalesce((SELECT survivor_id FROM party_alias WHERE alias_id = $1::uuid), $1::uuid)
 AND source = 'contact' AND summary->>'interaction_id' = $2`

// UpdateInteractionEntry shows a corrected interaction on the timeline.
func UpdateInteractionEntry(ctx context.Context, db DB, partyID, interactionID string, occurredAt time.Time, summary json.RawMessage) error {
	_, err := db.Exec(ctx, `UPDATE timeline_entry SET occurred_at=$3, summary=$4 WHERE `+interactionEntry,
		partyID, interactionID, occurredAt, []byte(summary))
	return err
}

// DeleteInteractionEntry drops a deleted interaction from the timeline.
func DeleteInteractionEntry(ctx context.Context, db DB, partyID, interactionID string) error {
	_, err := db.Exec(ctx, `DELETE FROM timeline_entry WHERE `+interactionEntry, partyID, interactionID)
	return err
}

// ListTimeline pages the timeline of party id, newest first, with, for
// an organisation, what happened with its staff while they worked there.
// An event about several of them (a course registration names the unit
// and its contact people) is listed once, as the party's if it is about
// it.
func ListTimeline(ctx context.Context, db DB, id string, staff []Tenure, before time.Time, beforeID string, limit int) ([]TimelineEntry, error) {
	ids, people, froms, tos := []string{id}, make([]string, len(staff)), make([]*time.Time, len(staff)), make([]*time.Time, len(staff))
	for i, s := range staff {
		ids, people[i] = append(ids, s.PersonID), s.PersonID
		if !s.From.IsZero() {
			froms[i] = &s.From
		}
		if !s.To.IsZero() {
			tos[i] = &s.To
		}
	}
	rows, err := db.Query(ctx, `SELECT DISTINCT ON (occurred_at, event_id::text) event_id::text, occurred_at, type, source, summary, party_id::text
FROM timeline_entry e WHERE party_id = ANY($1::uuid[]) AND (occurred_at, event_id::text) < ($2, $3)
 AND (party_id = $5 OR EXISTS (SELECT 1 FROM unnest($6::uuid[], $7::timestamptz[], $8::timestamptz[]) AS s(id, since, until)
  WHERE s.id = e.party_id AND (s.since IS NULL OR e.occurred_at >= s.since) AND (s.until IS NULL OR e.occurred_at < s.until)))
ORDER BY occurred_at DESC, event_id::text DESC, party_id = $5 DESC LIMIT $4`, ids, before, beforeID, limit, id, people, froms, tos)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[TimelineEntry])
}
