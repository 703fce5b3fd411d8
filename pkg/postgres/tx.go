package postgres

import (
	"context"
	"errors"
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
