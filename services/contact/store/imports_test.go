package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact/migrations"
)

// TestATakenOverImportRefusesItsFormerHolder: once a job's heartbeat is
// stale another worker claims it, and every write of the former holder
// (chunk, heartbeat, finish) is refused, so the two never both write.
func TestATakenOverImportRefusesItsFormerHolder(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	ctx := context.Background()
	var job Import
	var inserted bool
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) (err error) {
		job, _, inserted, err = InsertImport(ctx, tx, Import{ID: event.NewID().String(), Resource: "people", Format: "csv", Fingerprint: "fp",
			CreatedBy: "user-sales", CreatedAt: time.Now()}, []byte("Họ và tên\n"), nil)
		return err
	})
	if err != nil || !inserted {
		t.Fatal(inserted, err)
	}
	chunk := func(token string, no int) error {
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			return ChunkWritten(ctx, tx, job.ID, token, no, ChunkCounts{Processed: 10, Created: 8, AlreadyStored: 1, Failed: 1})
		})
	}
	a, b := event.NewID().String(), event.NewID().String()
	if _, _, _, _, err := ClaimImport(ctx, pool, a, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := chunk(a, 0); err != nil {
		t.Fatal(err)
	}
	// While a's heartbeat is fresh, nobody else can take the job.
	if _, _, _, _, err := ClaimImport(ctx, pool, b, time.Minute); !errors.Is(err, ErrNotFound) {
		t.Fatalf("claimed a live job: %v", err)
	}
	if _, err := pool.Exec(ctx, `UPDATE import_job SET heartbeat_at = now() - interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}
	got, _, _, done, err := ClaimImport(ctx, pool, b, time.Minute)
	if err != nil || got.ID != job.ID {
		t.Fatalf("take over: %v %v", got.ID, err)
	}
	if len(done) != 1 || done[0] != 0 || got.Processed != 10 || got.Created != 8 || got.AlreadyStored != 1 || got.Failed != 1 {
		t.Errorf("taken over with chunks %v and progress %+v", done, got)
	}
	if err := chunk(a, 1); !errors.Is(err, ErrLostClaim) {
		t.Errorf("former holder wrote a chunk: %v", err)
	}
	if err := Heartbeat(ctx, pool, job.ID, a); !errors.Is(err, ErrLostClaim) {
		t.Errorf("former holder's heartbeat: %v", err)
	}
	if err := FinishImport(ctx, pool, job.ID, a, "done", "", time.Now()); !errors.Is(err, ErrLostClaim) {
		t.Errorf("former holder finished the job: %v", err)
	}
	if err := chunk(b, 1); err != nil {
		t.Fatal(err)
	}
	if err := chunk(b, 1); err == nil {
		t.Error("a chunk was recorded twice")
	}
	if err := FinishImport(ctx, pool, job.ID, b, "done", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := testkit.Count(t, pool, `SELECT processed FROM import_job`); n != 20 {
		t.Errorf("processed %d, want 20", n)
	}
}
