package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// DeletedRecord is a party's latest deletion as its history keeps it,
// with the record as it was: JSON null or false when the deletion kept
// none (an import undo's, the rows being in the job's file).
type DeletedRecord struct {
	Deletion
	// HistoryID is the deletion's history entry.
	HistoryID int64
	Record    json.RawMessage
}

// LockDeletion returns the latest deletion of party id, locked until the
// transaction ends so that of two restores of it the second waits and then
// finds it live; ErrNotFound if it was never deleted.
func LockDeletion(ctx context.Context, db DB, id string) (DeletedRecord, error) {
	var d DeletedRecord
	err := db.QueryRow(ctx, `SELECT id, party_type, actor, at, old_value FROM history
WHERE party_id=$1 AND field='deleted' ORDER BY id DESC LIMIT 1 FOR UPDATE`, id).
		Scan(&d.HistoryID, &d.Type, &d.DeletedBy, &d.DeletedAt, &d.Record)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("deletion of %s: %w", id, err)
	}
	return d, nil
}

// DroppedLink is a relationship a person lost when the party it named was
// deleted; PersonID is where the person's history is now (a survivor, if
// the person was merged since).
type DroppedLink struct {
	PersonID string
	Link     json.RawMessage
}

// DroppedLinks returns the relationships to any of ids that people lost
// when d deleted the party: the deletion dropped them in its own
// transaction, so each person's history entry of relationships has the
// deletion's time and actor, and comes after the deletion's entry.
func DroppedLinks(ctx context.Context, db DB, d DeletedRecord, ids []string) ([]DroppedLink, error) {
	rows, err := db.Query(ctx, `SELECT h.party_id::text, l.link FROM history h
 CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(h.old_value) WHEN 'array' THEN h.old_value ELSE '[]' END) AS l(link)
WHERE h.id > $1 AND h.party_type = 'person' AND h.field = 'relationships' AND h.at = $2 AND h.actor = $3
 AND l.link->>'party_id' = ANY($4::text[])
ORDER BY h.id`, d.HistoryID, d.DeletedAt, d.DeletedBy, ids)
	if err != nil {
		return nil, fmt.Errorf("links dropped by the deletion of %v: %w", ids, err)
	}
	links, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DroppedLink])
	if err != nil {
		return nil, fmt.Errorf("links dropped by the deletion of %v: %w", ids, err)
	}
	return links, nil
}
