package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
