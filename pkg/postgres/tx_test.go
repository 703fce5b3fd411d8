package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// Two transactions lock two rows in opposite orders. Postgres aborts one to
// break the deadlock; InTx runs it again, so both complete, each committed once.
func TestATransactionThatLosesADeadlockIsRunAgain(t *testing.T) {
	ctx := context.Background()
	pool := testkit.NewDatabase(t).Pool(t)
	if _, err := pool.Exec(ctx, `CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL);
INSERT INTO counter VALUES (1, 0), (2, 0); SET deadlock_timeout = '100ms'`); err != nil {
		t.Fatal(err)
	}
	var both sync.WaitGroup
	both.Add(2)
	firstLocks := func(tx pgx.Tx, first int) error {
		_, err := tx.Exec(ctx, `UPDATE counter SET n = n + 1 WHERE id = $1`, first)
		return err
	}
	run := func(first, second int, calls *int) error {
		return postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
			*calls++
			if err := firstLocks(tx, first); err != nil {
				return err
			}
			if *calls == 1 {
				// Both hold their first row before either asks for its second.
				both.Done()
				both.Wait()
			}
			return firstLocks(tx, second)
		})
	}
	var callsA, callsB int
	errs := make(chan error, 2)
	go func() { errs <- run(1, 2, &callsA) }()
	go func() { errs <- run(2, 1, &callsB) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction failed: %v", err)
		}
	}
	// A retry may lose again on a busy machine: when the aborted one runs
	// again before the winner is woken, it takes the row back first. What
	// counts is that one was run again and each committed once (below).
	if callsA+callsB < 3 {
		t.Fatalf("ran %d and %d times, want one of them run again", callsA, callsB)
	}
	if n := testkit.Count(t, pool, `SELECT sum(n) FROM counter WHERE n = 2`); n != 4 {
		t.Fatalf("the rows were incremented to a sum of %d, want each to 2", n)
	}
}

func TestAnOrdinaryErrorIsNotRetried(t *testing.T) {
	pool := testkit.NewDatabase(t).Pool(t)
	calls := 0
	err := postgres.InTx(context.Background(), pool, func(tx pgx.Tx) error {
		calls++
		_, err := tx.Exec(context.Background(), `SELECT 1/0`)
		return err
	})
	if err == nil || postgres.LostRace(err) || calls != 1 {
		t.Fatalf("err %v after %d calls, want a division error after one", err, calls)
	}
	if postgres.LostRace(errors.New("40P01")) {
		t.Fatal("a plain error reported as a lost race")
	}
}

// A row another transaction holds is waited for only as long as
// InTxWaiting allows; the failure says the lock timed out.
func TestATransactionGivesUpOnALockHeldLongerThanItWaits(t *testing.T) {
	ctx := context.Background()
	pool := testkit.NewDatabase(t).Pool(t)
	if _, err := pool.Exec(ctx, `CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	holder, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx)
	if _, err := holder.Exec(ctx, `SELECT 1 FROM counter WHERE id = 1 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = postgres.InTxWaiting(ctx, pool, 200*time.Millisecond, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE counter SET n = n + 1 WHERE id = 1`)
		return err
	})
	if !postgres.LockTimedOut(err) || time.Since(start) > 5*time.Second {
		t.Fatalf("after %s: %v, want the lock timed out after 200ms", time.Since(start), err)
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// The setting was the transaction's: the pool's next one waits as long as it must.
	var timeout string
	if err := pool.QueryRow(ctx, `SHOW lock_timeout`).Scan(&timeout); err != nil || timeout != "0" {
		t.Fatalf("lock_timeout after the transaction: %q %v", timeout, err)
	}
}
