package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Beginner starts transactions: a pool or a connection.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// attempts is how many times InTx runs a transaction that lost a race.
const attempts = 3

// InTx runs fn in a transaction and commits it. A transaction that Postgres
// aborted to break a deadlock, or for a serialization failure, is run again
// from the start, up to three times in all: both mean another transaction
// won a race, not that the request was wrong, and the caller should not
// see a 500 for it. fn must therefore keep nothing from a failed attempt.
func InTx(ctx context.Context, db Beginner, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, db, fn)
		if attempt == attempts || !LostRace(err) {
			return err
		}
		// A short random pause, so the two losers of a deadlock do not
		// meet again in the same order.
		pause := time.Duration(attempt) * time.Duration(5+rand.IntN(20)) * time.Millisecond
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// LostRace reports whether err is Postgres ending a transaction because of
// a concurrent one: a deadlock (40P01) or a serialization failure (40001).
func LostRace(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// InTxWaiting is InTx whose statements wait at most wait for each lock
// (SET LOCAL lock_timeout), then fail with LockTimedOut. It is for the
// short writes of a user at a screen, who is better told that someone
// else is changing the record than left hanging; a job that may wait
// behind another job uses InTx.
func InTxWaiting(ctx context.Context, db Beginner, wait time.Duration, fn func(pgx.Tx) error) error {
	return InTx(ctx, db, func(tx pgx.Tx) error {
		// SET takes no parameters; the number is formatted from an int.
		if _, err := tx.Exec(ctx, fmt.Sprintf("SET LOCAL lock_timeout = %d", max(wait.Milliseconds(), 1))); err != nil {
			return fmt.Errorf("set lock timeout: %w", err)
		}
		return fn(tx)
	})
}

// LockTimedOut reports whether err is Postgres giving up on a lock it
// waited for longer than lock_timeout (55P03, lock_not_available).
func LockTimedOut(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55P03"
}
