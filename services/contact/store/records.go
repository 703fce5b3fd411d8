package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Repoint moves everything recorded about merged to survivor and leaves an
// alias, so the survivor keeps history, interactions and old ids resolve.
// The survivor's follow-up is then to be set again (SetFollowUp) from all
// the interactions it now has.
func Repoint(ctx context.Context, db DB, t Type, mergedID, survivorID string, now time.Time) error {
	stmts := []struct {
		sql  string
		args []any
	}{
		{`UPDATE party_alias SET survivor_id=$2 WHERE survivor_id=$1`, []any{mergedID, survivorID}},
		{`INSERT INTO party_alias (alias_id, party_type, survivor_id, merged_at) VALUES ($1, $3, $2, $4)`, []any{mergedID, survivorID, string(t), now}},
		{`UPDATE interaction SET party_id=$2, version=version+1 WHERE party_id=$1`, []any{mergedID, survivorID}},
		{`UPDATE history SET party_id=$2 WHERE party_id=$1`, []any{mergedID, survivorID}},
		{`UPDATE owner_audit SET party_id=$2 WHERE party_id=$1`, []any{mergedID, survivorID}},
		// An event about both parties is already on the survivor's timeline.
		{`DELETE FROM timeline_entry m USING timeline_entry s WHERE m.party_id=$1 AND s.party_id=$2 AND s.event_id=m.event_id`, []any{mergedID, survivorID}},
		{`UPDATE timeline_entry SET party_id=$2 WHERE party_id=$1`, []any{mergedID, survivorID}},
	}
	for _, s := range stmts {
		if _, err := db.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("re-point %s to %s: %w", mergedID, survivorID, err)
		}
	}
	return nil
}

// Change is one history row. An owner change carries its reason, and
// the hand-over it was part of, if any; a bulk change's rows its id.
type Change struct {
	Field      string
	Old        any
	New        any
	Reason     string
	HandoverID string
	BulkID     string
}

// HistoryEntry is one field change as read back.
type HistoryEntry struct {
	ID         int64           `json:"-" db:"id"`
	Actor      string          `json:"actor" db:"actor"`
	At         time.Time       `json:"at" db:"at"`
	Field      string          `json:"field" db:"field"`
	Old        json.RawMessage `json:"old" db:"old_value"`
	New        json.RawMessage `json:"new" db:"new_value"`
	Reason     string          `json:"reason,omitempty" db:"reason"`
	HandoverID string          `json:"handover_id,omitempty" db:"handover_id"`
	// BulkID names the bulk change that wrote the entry, which its other
	// entries share.
	BulkID string `json:"bulk_id,omitempty" db:"bulk_id"`
}

// InsertHistory writes field-level change rows.
func InsertHistory(ctx context.Context, db DB, t Type, id, actor string, at time.Time, changes []Change) error {
	return InsertHistories(ctx, db, t, actor, at, "", map[string][]Change{id: changes})
}

// InsertHistories writes the field-level change rows of many parties, by
// id, in one statement. importID, if not empty, names the import whose
// class list's links, or whose undo taking them back, the changes are.
func InsertHistories(ctx context.Context, db DB, t Type, actor string, at time.Time, importID string, changes map[string][]Change) error {
	var ids, fields, olds, news, reasons, handovers, bulks []string
	for id, cs := range changes {
		for _, c := range cs {
			o, _ := json.Marshal(c.Old)
			n, _ := json.Marshal(c.New)
			ids, fields, olds, news = append(ids, id), append(fields, c.Field), append(olds, string(o)), append(news, string(n))
			reasons, handovers, bulks = append(reasons, c.Reason), append(handovers, c.HandoverID), append(bulks, c.BulkID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := db.Exec(ctx, `INSERT INTO history (party_type, party_id, actor, at, field, old_value, new_value, import_id, reason, handover_id, bulk_id)
SELECT $1, i, $2, $3, f, o::jsonb, n::jsonb, NULLIF($8, '')::uuid, NULLIF(r, ''), NULLIF(h, '')::uuid, NULLIF(b, '')::uuid
FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $9::text[], $10::text[], $11::text[]) AS u(i, f, o, n, r, h, b)`,
		string(t), actor, at, ids, fields, olds, news, importID, reasons, handovers, bulks)
	if err != nil {
		return fmt.Errorf("insert history of %d parties: %w", len(changes), err)
	}
	return nil
}

// InsertOwnerAudit records an owner change.
func InsertOwnerAudit(ctx context.Context, db DB, t Type, id string, oldOwner *string, newOwner, actor, reason string, handoverID *string, at time.Time) error {
	_, err := db.Exec(ctx, `INSERT INTO owner_audit (party_type, party_id, old_owner, new_owner, actor, at, reason, handover_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		string(t), id, oldOwner, newOwner, actor, at, reason, handoverID)
	if err != nil {
		return fmt.Errorf("owner audit of %s: %w", id, err)
	}
	return nil
}

// OwnerChange is an owner-audit row as read back: who gave the party to
// its owner, when and why. The service's own reasons are created,
// imported and merged.
type OwnerChange struct {
	OldOwnerID string    `json:"old_owner_id,omitempty" db:"old_owner"`
	ChangedBy  string    `json:"changed_by" db:"actor"`
	ChangedAt  time.Time `json:"changed_at" db:"at"`
	Reason     string    `json:"reason" db:"reason"`
	HandoverID string    `json:"handover_id,omitempty" db:"handover_id"`
}

// LatestOwnerChange returns the last owner change of party id, nil if none
// is recorded.
func LatestOwnerChange(ctx context.Context, db DB, id string) (*OwnerChange, error) {
	rows, err := db.Query(ctx, `SELECT coalesce(old_owner, '') AS old_owner, actor, at, reason, coalesce(handover_id::text, '') AS handover_id
FROM owner_audit WHERE party_id=$1 ORDER BY id DESC LIMIT 1`, id)
	if err != nil {
		return nil, fmt.Errorf("owner change of %s: %w", id, err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[OwnerChange])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("owner change of %s: %w", id, err)
	}
	return &c, nil
}

// Deletion is who deleted a party and when, as its history says.
type Deletion struct {
	Type      Type
	DeletedBy string
	DeletedAt time.Time
}

// Deleted returns the deletion of the party id, which no live party has:
// ErrNotFound if it was never deleted (never issued, or merged away).
func Deleted(ctx context.Context, db DB, id string) (Deletion, error) {
	var d Deletion
	err := db.QueryRow(ctx, `SELECT party_type, actor, at FROM history WHERE party_id=$1 AND field='deleted' ORDER BY id DESC LIMIT 1`, id).
		Scan(&d.Type, &d.DeletedBy, &d.DeletedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("deletion of %s: %w", id, err)
	}
	return d, nil
}

// Supervised lists up to limit live organisations whose supervising unit is id.
func Supervised(ctx context.Context, db DB, id string, limit int) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT id::text FROM organization WHERE supervising_unit_id=$1 ORDER BY id LIMIT $2`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("organisations supervised by %s: %w", id, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// LinkedTo lists, in id order and locked for an update, the live parties of
// type t that link to any of ids: organisations through their supervising
// unit, people through their relationships.
func LinkedTo(ctx context.Context, db DB, t Type, ids []string) ([]string, error) {
	where := `supervising_unit_id = ANY($1::uuid[])`
	if t == Person {
		// The expression of person_links_idx.
		where = `jsonb_path_query_array(doc, '$.relationships[*].party_id') ?| $1::text[]`
	}
	rows, err := db.Query(ctx, `SELECT id::text FROM `+string(t)+` WHERE `+where+` ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, fmt.Errorf("%s linked to %v: %w", t, ids, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Interaction is a logged call, email, meeting, Zalo message or note.
type Interaction struct {
	ID           string     `json:"id" db:"id"`
	PartyType    string     `json:"party_type" db:"party_type"`
	PartyID      string     `json:"party_id" db:"party_id"`
	Kind         string     `json:"kind" db:"kind"`
	StaffID      string     `json:"staff_id" db:"staff_id"`
	OccurredAt   time.Time  `json:"occurred_at" db:"occurred_at"`
	Outcome      string     `json:"outcome" db:"outcome"`
	Notes        string     `json:"notes" db:"notes"`
	NextActionOn *time.Time `json:"-" db:"next_action_on"`
	NextAction   string     `json:"next_action_on,omitempty" db:"-"`
	// FollowUpDone says it completed the party's follow-up before that
	// follow-up's day (party.FollowUp).
	FollowUpDone bool      `json:"follow_up_done" db:"follow_up_done"`
	LoggedBy     string    `json:"logged_by" db:"logged_by"`
	LoggedAt     time.Time `json:"logged_at" db:"logged_at"`
	// Version counts its writes, from 1; answered as its ETag.
	Version int64 `json:"-" db:"version"`
}

// InsertInteraction stores an interaction and records its staff member as
// the last to work on the party. It locks the party first, as every write
// of its interactions does, so that the follow-up set afterwards in the
// same transaction (SetFollowUp) is read from every interaction the party
// has, none being written at the same time.
func InsertInteraction(ctx context.Context, db DB, in Interaction) error {
	tag, err := db.Exec(ctx, `SELECT FROM `+in.PartyType+` WHERE id=$1 FOR NO KEY UPDATE`, in.PartyID)
	if err != nil {
		return fmt.Errorf("lock %s: %w", in.PartyID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("lock %s: %w", in.PartyID, ErrNotFound)
	}
	_, err = db.Exec(ctx, `INSERT INTO interaction (id, party_type, party_id, kind, staff_id, occurred_at, outcome, notes, next_action_on,
 follow_up_done, logged_by, logged_at)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, in.ID, in.PartyType, in.PartyID, in.Kind, in.StaffID, in.OccurredAt, in.Outcome, in.Notes,
		in.NextActionOn, in.FollowUpDone, in.LoggedBy, in.LoggedAt)
	if err != nil {
		return fmt.Errorf("insert interaction: %w", err)
	}
	_, err = db.Exec(ctx, `UPDATE `+in.PartyType+` SET last_touched_by=$2, last_touched_at=$3 WHERE id=$1`, in.PartyID, in.StaffID, in.LoggedAt)
	if err != nil {
		return fmt.Errorf("touch %s: %w", in.PartyID, err)
	}
	return nil
}

// FollowUpFact is what the follow-up rule (party.FollowUp) reads of one
// of a party's interactions.
type FollowUpFact struct {
	ID           string     `db:"id"`
	OccurredAt   time.Time  `db:"occurred_at"`
	LoggedAt     time.Time  `db:"logged_at"`
	NextActionOn *time.Time `db:"next_action_on"` // the day at midnight UTC
	FollowUpDone bool       `db:"follow_up_done"`
}

// FollowUpFacts reads what the follow-up rule needs of every interaction
// of the party id, in the order they happened.
func FollowUpFacts(ctx context.Context, db DB, id string) ([]FollowUpFact, error) {
	rows, err := db.Query(ctx, `SELECT id::text, occurred_at, logged_at, next_action_on, follow_up_done FROM interaction
 WHERE party_id=$1 ORDER BY occurred_at, logged_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("follow-ups of %s: %w", id, err)
	}
	facts, err := pgx.CollectRows(rows, pgx.RowToStructByName[FollowUpFact])
	if err != nil {
		return nil, fmt.Errorf("follow-ups of %s: %w", id, err)
	}
	return facts, nil
}

// SetFollowUp sets the follow-up (next action) of the party id of type t,
// nil for none, and reports whether it changed. A party whose follow-up
// stands is not written: settling every party once after an upgrade
// (SettleFollowUps) leaves most as they were.
func SetFollowUp(ctx context.Context, db DB, t Type, id string, on *time.Time) (bool, error) {
	tag, err := db.Exec(ctx, `UPDATE `+string(t)+` SET next_action_on=$2::date WHERE id=$1 AND next_action_on IS DISTINCT FROM $2::date`, id, on)
	if err != nil {
		return false, fmt.Errorf("set the follow-up of %s: %w", id, err)
	}
	return tag.RowsAffected() > 0, nil
}

// ListInteractions pages a party's interactions, newest first.
func ListInteractions(ctx context.Context, db DB, partyID string, before time.Time, beforeID string, limit int) ([]Interaction, error) {
	out, err := queryInteractions(ctx, db, `WHERE party_id=$1 AND (occurred_at, id::text) < ($2, $3) ORDER BY occurred_at DESC, id::text DESC LIMIT $4`,
		partyID, before, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list interactions: %w", err)
	}
	return out, nil
}

// queryInteractions reads the interactions the rest of a query selects.
func queryInteractions(ctx context.Context, db DB, rest string, args ...any) ([]Interaction, error) {
	rows, err := db.Query(ctx, `SELECT id::text, party_type, party_id::text, kind, staff_id, occurred_at, outcome, notes, next_action_on,
 follow_up_done, logged_by, logged_at, version FROM interaction `+rest, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Interaction])
	for i := range out {
		if d := out[i].NextActionOn; d != nil {
			out[i].NextAction = d.Format(time.DateOnly)
		}
	}
	return out, err
}

// LockInteraction locks a logged interaction and its party for a
// correction, party first as InsertInteraction and merges lock them.
func LockInteraction(ctx context.Context, db DB, id string) (Interaction, error) {
	// A merge may move the interaction to another party between the read
	// of its party and the lock; a few tries see it settled.
	for range 3 {
		var t, partyID string
		err := db.QueryRow(ctx, `SELECT party_type, party_id::text FROM interaction WHERE id=$1`, id).Scan(&t, &partyID)
		if errors.Is(err, pgx.ErrNoRows) {
			return Interaction{}, ErrNotFound
		}
		if err != nil {
			return Interaction{}, fmt.Errorf("interaction %s: %w", id, err)
		}
		if _, err := db.Exec(ctx, `SELECT FROM `+t+` WHERE id=$1 FOR NO KEY UPDATE`, partyID); err != nil {
			return Interaction{}, fmt.Errorf("lock %s: %w", partyID, err)
		}
		found, err := queryInteractions(ctx, db, `WHERE id=$1 AND party_id=$2 FOR UPDATE`, id, partyID)
		if err != nil {
			return Interaction{}, fmt.Errorf("lock interaction %s: %w", id, err)
		}
		if len(found) == 1 {
			return found[0], nil
		}
	}
	return Interaction{}, fmt.Errorf("lock interaction %s: it keeps moving between parties", id)
}

// GetInteraction reads one logged interaction.
func GetInteraction(ctx context.Context, db DB, id string) (Interaction, error) {
	found, err := queryInteractions(ctx, db, `WHERE id=$1`, id)
	if err != nil {
		return Interaction{}, fmt.Errorf("interaction %s: %w", id, err)
	}
	if len(found) == 0 {
		return Interaction{}, ErrNotFound
	}
	return found[0], nil
}

// UpdateInteraction stores a corrected interaction as its next version.
// Its party's follow-up is to be set again (SetFollowUp): the correction
// may have moved it.
func UpdateInteraction(ctx context.Context, db DB, in Interaction) error {
	_, err := db.Exec(ctx, `UPDATE interaction SET kind=$2, staff_id=$3, occurred_at=$4, outcome=$5, notes=$6, next_action_on=$7,
 follow_up_done=$8, version=version+1 WHERE id=$1`,
		in.ID, in.Kind, in.StaffID, in.OccurredAt, in.Outcome, in.Notes, in.NextActionOn, in.FollowUpDone)
	if err != nil {
		return fmt.Errorf("update interaction %s: %w", in.ID, err)
	}
	return nil
}

// DeleteInteraction removes a logged interaction. Its party's follow-up is
// to be set again (SetFollowUp): it may have been this one's.
func DeleteInteraction(ctx context.Context, db DB, in Interaction) error {
	if _, err := db.Exec(ctx, `DELETE FROM interaction WHERE id=$1`, in.ID); err != nil {
		return fmt.Errorf("delete interaction %s: %w", in.ID, err)
	}
	return nil
}

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
