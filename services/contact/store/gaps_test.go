package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact/migrations"
)

// The people without a Zalo id are few, so their list by name is read
// through the partial index of migration 00045, which holds only them, not
// by walking every name past those who have one; and it lists them all.
func TestPeopleMissingAZaloIDAreReadThroughTheirOwnIndex(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	ctx := context.Background()
	var want []string
	batch := &pgx.Batch{}
	now := time.Now()
	for i := range 300 {
		id, name := event.NewID().String(), fmt.Sprintf("nguoi %03d", i)
		doc := fmt.Sprintf(`{"id":%q,"full_name":%q,"zalo_id":"zl%d"}`, id, name, i)
		if i%50 == 7 {
			doc = fmt.Sprintf(`{"id":%q,"full_name":%q}`, id, name)
			want = append(want, id)
		}
		batch.Queue(`INSERT INTO person (id, doc, name, search_name, created_at, updated_at) VALUES ($1, $2, $3, $3, $4, $4)`, id, doc, name, now)
	}
	if err := pool.SendBatch(ctx, batch).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE person`); err != nil {
		t.Fatal(err)
	}
	f := Filter{Missing: []string{"zalo_id"}}
	docs, _, err := Search(ctx, pool, Person, f, nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		var p struct{ ID string }
		if err := json.Unmarshal(d, &p); err != nil {
			t.Fatal(err)
		}
		got = append(got, p.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("missing=zalo_id lists %d people, want the %d without one, by name", len(got), len(want))
	}

	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	// A generic plan, as a statement cached by the pool may be given, knows
	// no parameter's value: the gap must be in the query's text.
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	l := f.listing(Person)
	if _, err := conn.Exec(ctx, `PREPARE missing_page AS SELECT p.id FROM `+l.from+` WHERE `+l.where+` ORDER BY `+l.order()+` LIMIT 50`); err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, a := range l.args {
		values = append(values, "'"+a.(string)+"'")
	}
	explain := `EXPLAIN EXECUTE missing_page`
	if len(values) > 0 {
		explain += "(" + strings.Join(values, ", ") + ")"
	}
	rows, err := conn.Query(ctx, explain)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "person_missing_zalo_idx") {
		t.Errorf("missing=zalo_id is not read through person_missing_zalo_idx:\n%s", strings.Join(plan, "\n"))
	}
}
