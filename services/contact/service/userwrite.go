package service

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/postgres"
)

// LockWait is how long a staff member's write to one party or interaction
// waits for a lock another operation holds on it (a hand-over, a bulk
// change, a colleague's write) before it is refused as busy.
const LockWait = 5 * time.Second

// userWrite runs fn as the write of a staff member at a screen to one
// party or interaction: one that waits longer than LockWait for a lock
// fails (postgres.LockTimedOut), and the transport tells them to try
// again, rather than leaving them hanging while a large hand-over runs.
// Merges, bulk changes, imports, their undoing and hand-overs wait as long
// as they must: they take the advisory locks of many keys, or the rows of
// many parties, which another job may hold for longer, and a user who
// asked for them expects them to take their time.
func (s *Service) userWrite(ctx context.Context, fn func(pgx.Tx) error) error {
	return postgres.InTxWaiting(ctx, s.Pool, LockWait, fn)
}
