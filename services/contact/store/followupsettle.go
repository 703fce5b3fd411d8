package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// FollowUpsToSettle counts the parties whose follow-up is still to be set
// by the rule of migration 00030 (the rows of follow_up_settle, 00036).
func FollowUpsToSettle(ctx context.Context, db DB) (int64, error) {
	var n int64
	if err := db.QueryRow(ctx, `SELECT count(*) FROM follow_up_settle`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the follow-ups to settle: %w", err)
	}
	return n, nil
}

// TakeFollowUpsToSettle locks up to limit parties of type t whose
// follow-up is still to be set, in id order, skipping those another
// replica has taken, and returns their ids. They stay listed until
// SettledFollowUps deletes them in the same transaction, so a crash
// before its commit gives them back.
func TakeFollowUpsToSettle(ctx context.Context, tx pgx.Tx, t Type, limit int) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT party_id::text FROM follow_up_settle WHERE party_type=$1
 ORDER BY party_id LIMIT $2 FOR UPDATE SKIP LOCKED`, string(t), limit)
	if err != nil {
		return nil, fmt.Errorf("take the %s follow-ups to settle: %w", t, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("take the %s follow-ups to settle: %w", t, err)
	}
	return ids, nil
}

// LockLive locks those of ids that are live parties of type t, in id
// order, with the lock a write of their interactions takes
// (InsertInteraction), and returns them. A party deleted or merged into
// another is not returned.
func LockLive(ctx context.Context, tx pgx.Tx, t Type, ids []string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT id::text FROM `+string(t)+` WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, ids)
	if err != nil {
		return nil, fmt.Errorf("lock %d %s: %w", len(ids), t, err)
	}
	live, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("lock %d %s: %w", len(ids), t, err)
	}
	return live, nil
}

// SettledFollowUps takes the parties ids of type t off the list of
// follow-ups to settle.
func SettledFollowUps(ctx context.Context, tx pgx.Tx, t Type, ids []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM follow_up_settle WHERE party_type=$1 AND party_id = ANY($2::uuid[])`, string(t), ids); err != nil {
		return fmt.Errorf("take %d %s off the follow-ups to settle: %w", len(ids), t, err)
	}
	return nil
}
