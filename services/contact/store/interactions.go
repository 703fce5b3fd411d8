package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

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
