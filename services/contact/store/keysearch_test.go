package store

import (
	"context"
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

// TestKeySearchAgreesWithAFullScanAndReadsItsIndexes stores parties with
// phones, emails, tax codes and Zalo ids chosen to sit next to each other
// in the indexes of migration 00031 (ends carried past a 9, a domain under
// another, a tax code ending as a phone does), and checks that the end of
// a phone, an email domain and a Zalo id select what a scan of the values
// selects, with their holders looked up first or in the query, through
// those indexes.
func TestKeySearchAgreesWithAFullScanAndReadsItsIndexes(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	ctx := context.Background()
	type stored struct {
		id, zalo      string
		phones, mails []string
	}
	var people []stored
	phones := []string{"+84912344567", "+84981234567", "+84914567000", "+84999999999", "+8424567", "+84909994567", "+84912340999",
		"+84913999999", "+12025550143", "+84912345670"}
	domains := []string{"truong.edu.vn", "xtruong.edu.vn", "sub.truong.edu.vn", "truong.edu.vn.com", "edu.vn", "gmail.com"}
	for i := range 120 {
		p := stored{id: event.NewID().String(), phones: []string{phones[i%len(phones)]}, mails: []string{fmt.Sprintf("p%d@%s", i, domains[i%len(domains)])}}
		if i%3 == 0 {
			p.phones = append(p.phones, phones[(i/3)%len(phones)])
		}
		if i%4 == 0 {
			p.zalo = fmt.Sprintf("zl%04d", i%7)
		}
		people = append(people, p)
	}
	batch := &pgx.Batch{}
	now := time.Now()
	for _, p := range people {
		doc := fmt.Sprintf(`{"id":%q,"full_name":"P","zalo_id":%q}`, p.id, p.zalo)
		batch.Queue(`INSERT INTO person (id, doc, name, search_name, created_at, updated_at) VALUES ($1, $2, 'P', 'p', $3, $3)`, p.id, doc, now)
		for _, k := range slices.Concat(prefixed("phone:", p.phones), prefixed("email:", p.mails)) {
			batch.Queue(`INSERT INTO party_key VALUES ('person', $1, $2) ON CONFLICT DO NOTHING`, k, p.id)
		}
		// Tax codes are organisations' keys, and end in digits too.
		batch.Queue(`INSERT INTO party_key VALUES ('person', $1, $2)`, "tax_code:01"+strings.TrimPrefix(p.phones[0][len(p.phones[0])-8:], "+"), p.id)
	}
	if err := pool.SendBatch(ctx, batch).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE person; ANALYZE party_key`); err != nil {
		t.Fatal(err)
	}

	check := func(f Filter, index, bound string, holds func(stored) bool) {
		t.Helper()
		got, err := Select(ctx, pool, Person, f)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, p := range people {
			if holds(p) {
				want = append(want, p.id)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%+v selects %d parties, a scan %d", f, len(got), len(want))
		}
		// Without the holders looked up first, as for more than fewHolders.
		where, args := f.where(Person)
		rows, err := pool.Query(ctx, `SELECT p.id::text FROM person p WHERE `+where+` ORDER BY 1`, args...)
		if err != nil {
			t.Fatal(err)
		}
		if in, err := pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || !slices.Equal(in, want) {
			t.Errorf("%+v selects %d parties in one query, a scan %d (%v)", f, len(in), len(want), err)
		}
		conn, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		rows, err = conn.Query(ctx, `EXPLAIN SELECT p.id FROM person p WHERE `+where, args...)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		// The index's own expression bounds the scan, not a filter after it.
		read := false
		for i, line := range plan[:len(plan)-1] {
			read = read || strings.Contains(line, " "+index+" ") && strings.Contains(plan[i+1], "Index Cond: ") && strings.Contains(plan[i+1], bound)
		}
		if !read {
			t.Errorf("%+v is not read through %s by %s:\n%s", f, index, bound, strings.Join(plan, "\n"))
		}
	}
	for _, digits := range []string{"4567", "34567", "1234567", "9999", "99999999", "0999", "7000", "0143", "5670", "0000"} {
		check(Filter{PhoneEnd: digits}, "party_key_phone_end_idx", "reverse(key)", func(p stored) bool {
			return slices.ContainsFunc(p.phones, func(ph string) bool { return strings.HasSuffix(ph, digits) })
		})
	}
	for _, d := range append(slices.Clone(domains), "vn", "truong") {
		check(Filter{EmailDomain: d}, "party_key_email_domain_idx", "split_part(key", func(p stored) bool {
			return slices.ContainsFunc(p.mails, func(m string) bool { return strings.HasSuffix(m, "@"+d) })
		})
	}
	for _, z := range []string{"zl0000", "zl0003", "zl000", "zl0009"} {
		check(Filter{ZaloID: z}, "person_zalo_idx", "zalo_id", func(p stored) bool { return p.zalo == z })
	}
}

func prefixed(prefix string, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = prefix + v
	}
	return out
}
