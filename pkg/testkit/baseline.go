package testkit

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BaselineTxRate is the raw figure benchmarks compare against: plain pgx
// transactions per second, one INSERT each into a scratch table, from
// writers goroutines, on the same database and machine in the same run.
func BaselineTxRate(tb testing.TB, pool *pgxpool.Pool, n, writers int) float64 {
	tb.Helper()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "CREATE TABLE IF NOT EXISTS baseline_scratch (id bigint, note text)"); err != nil {
		tb.Fatal(err)
	}
	begin := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += writers {
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					_, err := tx.Exec(ctx, "INSERT INTO baseline_scratch (id, note) VALUES ($1, 'baseline')", i)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	rate := float64(n) / time.Since(begin).Seconds()
	if _, err := pool.Exec(ctx, "DROP TABLE baseline_scratch"); err != nil {
		tb.Fatal(err)
	}
	return rate
}
