package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Unit is an organisation named in a chain of supervising units.
type Unit struct {
	ID   string
	Name string
}

// SupervisingChain returns organisation id and the units above it, nearest
// first: id, its supervising unit, that unit's, up to the top. It stops at
// a unit already listed, so a loop stored before loops were refused ends.
func SupervisingChain(ctx context.Context, db DB, id string) ([]Unit, error) {
	rows, err := db.Query(ctx, `WITH RECURSIVE up(id, name, next, depth, seen) AS (
 SELECT o.id, o.name, o.supervising_unit_id, 1, ARRAY[o.id] FROM organization o WHERE o.id = $1
 UNION ALL
 SELECT o.id, o.name, o.supervising_unit_id, up.depth + 1, up.seen || o.id
 FROM up JOIN organization o ON o.id = up.next
 WHERE NOT o.id = ANY(up.seen))
SELECT id::text, name FROM up ORDER BY depth`, id)
	if err != nil {
		return nil, fmt.Errorf("supervising units above %s: %w", id, err)
	}
	units, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Unit])
	if err != nil {
		return nil, fmt.Errorf("supervising units above %s: %w", id, err)
	}
	return units, nil
}

// LockSupervision serialises, until tx ends, the writes that give stored
// organisations another supervising unit: two edits made at once (A under
// B, B under A) would each find no loop in what the other has not yet
// committed.
func LockSupervision(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('contact.supervising_unit'))`); err != nil {
		return fmt.Errorf("lock supervising units: %w", err)
	}
	return nil
}
