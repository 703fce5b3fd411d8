package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Handover is one hand-over of every party of a staff member to another:
// who did it, when, why, and how many parties of each type it moved.
type Handover struct {
	ID            string    `json:"id" db:"id"`
	FromOwnerID   string    `json:"from_owner_id" db:"from_owner"`
	ToOwnerID     string    `json:"to_owner_id" db:"to_owner"`
	Reason        string    `json:"reason" db:"reason"`
	HandedOverBy  string    `json:"handed_over_by" db:"actor"`
	HandedOverAt  time.Time `json:"handed_over_at" db:"at"`
	Organizations int       `json:"organizations" db:"organizations"`
	People        int       `json:"people" db:"people"`
}

// HandoverPosition is where a page of hand-overs, newest first, ends.
type HandoverPosition struct {
	At time.Time `json:"t"`
	ID string    `json:"i"`
}

// InsertHandover records a hand-over done.
func InsertHandover(ctx context.Context, db DB, h Handover) error {
	_, err := db.Exec(ctx, `INSERT INTO handover (id, from_owner, to_owner, reason, actor, at, organizations, people)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, h.ID, h.FromOwnerID, h.ToOwnerID, h.Reason, h.HandedOverBy, h.HandedOverAt, h.Organizations, h.People)
	if err != nil {
		return fmt.Errorf("record hand-over %s: %w", h.ID, err)
	}
	return nil
}

const handoverColumns = `SELECT id::text, from_owner, to_owner, reason, actor, at, organizations, people FROM handover `

// ListHandovers pages the hand-overs before a position, newest first.
func ListHandovers(ctx context.Context, db DB, before HandoverPosition, limit int) ([]Handover, error) {
	rows, err := db.Query(ctx, handoverColumns+`WHERE (at, id::text) < ($1, $2) ORDER BY at DESC, id::text DESC LIMIT $3`, before.At, before.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("list hand-overs: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Handover])
	if err != nil {
		return nil, fmt.Errorf("list hand-overs: %w", err)
	}
	return out, nil
}

// LatestHandoverFrom returns the latest hand-over that moved parties of
// owner, and false if none did.
func LatestHandoverFrom(ctx context.Context, db DB, owner string) (Handover, bool, error) {
	rows, err := db.Query(ctx, handoverColumns+`WHERE from_owner=$1 AND organizations + people > 0 ORDER BY at DESC, id DESC LIMIT 1`, owner)
	if err != nil {
		return Handover{}, false, fmt.Errorf("the hand-overs of %s: %w", owner, err)
	}
	h, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Handover])
	if errors.Is(err, pgx.ErrNoRows) {
		return h, false, nil
	}
	if err != nil {
		return h, false, fmt.Errorf("the hand-overs of %s: %w", owner, err)
	}
	return h, true, nil
}

// GetHandover reads one hand-over and the ids of the parties it moved, by
// type, in id order (the survivor's, for a party merged since).
func GetHandover(ctx context.Context, db DB, id string) (Handover, map[Type][]string, error) {
	rows, err := db.Query(ctx, handoverColumns+`WHERE id=$1`, id)
	if err != nil {
		return Handover{}, nil, fmt.Errorf("hand-over %s: %w", id, err)
	}
	h, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Handover])
	if errors.Is(err, pgx.ErrNoRows) {
		return h, nil, ErrNotFound
	}
	if err != nil {
		return h, nil, fmt.Errorf("hand-over %s: %w", id, err)
	}
	rows, err = db.Query(ctx, `SELECT DISTINCT party_type, party_id::text FROM owner_audit WHERE handover_id=$1 ORDER BY 1, 2`, id)
	if err != nil {
		return h, nil, fmt.Errorf("the parties of hand-over %s: %w", id, err)
	}
	moved := map[Type][]string{Organization: {}, Person: {}}
	var t, pid string
	_, err = pgx.ForEachRow(rows, []any{&t, &pid}, func() error {
		moved[Type(t)] = append(moved[Type(t)], pid)
		return nil
	})
	if err != nil {
		return h, nil, fmt.Errorf("the parties of hand-over %s: %w", id, err)
	}
	return h, moved, nil
}

// LockOwnedBy locks, in id order, the parties of type t that owner owns,
// as a bulk change locks the parties it selects, so that the two cannot
// deadlock. It returns how many it locked.
func LockOwnedBy(ctx context.Context, db DB, t Type, owner string) (int64, error) {
	tag, err := db.Exec(ctx, `SELECT 1 FROM `+string(t)+` WHERE owner_id = $1 ORDER BY id FOR UPDATE`, owner)
	if err != nil {
		return 0, fmt.Errorf("lock the %s parties of %s: %w", t, owner, err)
	}
	return tag.RowsAffected(), nil
}

// HandOverParties gives the parties of type t owned by h.FromOwnerID to
// h.ToOwnerID, with one statement for all of them, and returns their ids
// in id order. Each keeps one history entry and one owner-audit row naming
// the hand-over, at h.HandedOverAt; the caller appends the events.
func HandOverParties(ctx context.Context, db DB, t Type, h Handover) ([]string, error) {
	rows, err := db.Query(ctx, `WITH moved AS (
  UPDATE `+string(t)+` p SET owner_id = $2, doc = jsonb_set(p.doc, '{owner_id}', to_jsonb($2::text)), updated_at = $3, version = p.version + 1
  WHERE p.owner_id = $1
  RETURNING p.id
), logged AS (
  INSERT INTO history (party_type, party_id, actor, at, field, old_value, new_value, reason, handover_id)
  SELECT $4, id, $5, $3, 'owner_id', to_jsonb($1::text), to_jsonb($2::text), $6, $7::uuid FROM moved
), audited AS (
  INSERT INTO owner_audit (party_type, party_id, old_owner, new_owner, actor, at, reason, handover_id)
  SELECT $4, id, $1, $2, $5, $3, $6, $7::uuid FROM moved
)
SELECT id::text FROM moved ORDER BY id`, h.FromOwnerID, h.ToOwnerID, h.HandedOverAt, string(t), h.HandedOverBy, h.Reason, h.ID)
	if err != nil {
		return nil, fmt.Errorf("hand over the %s parties of %s: %w", t, h.FromOwnerID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("hand over the %s parties of %s: %w", t, h.FromOwnerID, err)
	}
	return ids, nil
}
