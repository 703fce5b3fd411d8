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

func TestMain(m *testing.M) { testkit.Main(m) }

// TestNameSearchAgreesWithAFullScanOnEveryPath loads enough people for every
// strategy of the name search to run (rare word, walk of a common word, GIN
// fallback, merge of a common prefix) and compares each page of each tier
// (the words whole, the last a prefix only) with what a full scan of the
// names finds.
func TestNameSearchAgreesWithAFullScanOnEveryPath(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	ctx := context.Background()
	family := []string{"nguyen", "le", "len", "tran"}
	middle := []string{"van", "thi", "minh"}
	given := []string{"an", "anh", "binh", "lan", "hai"}
	var names []string
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"person"}, []string{"id", "doc", "name", "search_name", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() func() ([]any, error) {
			i := 0
			return func() ([]any, error) {
				if i == 48_000 {
					return nil, nil
				}
				name := fmt.Sprintf("%s %s %s", family[i%4], middle[(i/4)%3], given[(i/12)%5])
				if i%1000 == 0 {
					name += " hiem" // a rare word
				}
				if i%4 == 1 || i%4000 == 0 {
					name += " phu" // common, but rarely with nguyen: the walk gives up, GIN finds them
				}
				if i%7 == 3 {
					name += " anh" // "an" whole and as a prefix in one name
				}
				i++
				names = append(names, name)
				return []any{event.NewID().String(), `{}`, name, name, time.Now(), time.Now()}, nil
			}
		}()))
	if err != nil {
		t.Fatal(err)
	}
	var all []Position
	rows, _ := pool.Query(ctx, "SELECT search_name, id::text FROM person")
	for rows.Next() {
		var p Position
		_ = rows.Scan(&p.Name, &p.ID)
		all = append(all, p)
	}
	slices.SortFunc(all, comparePos)

	queries := []string{"hiem", "nguyen van an", "tran thi", "le", "l", "le minh hai hiem", "an", "nguyen lan", "zzz", "nguyen phu", "nguyen an", "van a"}
	for _, query := range queries {
		words := strings.Fields(query)
		for tier, q := range map[string]nameQuery{"any": newNameQuery(words), "whole": wholeWords(words), "prefix": prefixOnly(words)} {
			var want []Position
			for _, p := range all {
				if q.matches(p.Name) {
					want = append(want, p)
				}
			}
			after := Position{ID: "00000000-0000-0000-0000-000000000000"}
			for page := range 3 {
				got, err := searchByName(ctx, pool, Person, q, &after, 50)
				if err != nil {
					t.Fatalf("%q %s: %v", query, tier, err)
				}
				from := min(page*50, len(want))
				exp := want[from:min(from+50, len(want))]
				if !slices.Equal(got, exp) {
					t.Fatalf("%q %s page %d: got %d results, want %d (first got %v, want %v)", query, tier, page, len(got), len(exp), head(got), head(exp))
				}
				if len(got) < 50 {
					break
				}
				// As a cursor names it: by id, its name read from its row.
				after = Position{ID: got[len(got)-1].ID, unread: true}
			}
		}
	}
}

// TestTheTiersOfANameSearchSplitItsMatches checks, without a database, that
// a name the search matches is in exactly one tier: its words all whole, or
// its last word only the start of a longer one.
func TestTheTiersOfANameSearchSplitItsMatches(t *testing.T) {
	for _, c := range []struct {
		query, name string
		want        string // "whole", "prefix" or "" (no match)
	}{
		{"hoa", "hoa", "whole"},
		{"hoa", "nguyen thi hoa", "whole"},
		{"hoa", "hoang van binh", "prefix"},
		{"hoa", "hoang thi hoa", "whole"}, // whole in one word, a prefix of another
		{"hoa", "hoai-an", "prefix"},
		{"hoa", "hoa-binh", "whole"},
		{"hoa", "thanh", ""},
		{"thi hoa", "nguyen thi hoa", "whole"},
		{"thi hoa", "hoang thi lan", "prefix"},
		{"thi hoa", "nguyen thi hoai", "prefix"},
		{"thi hoa", "nguyen van hoa", ""}, // a word before the last is always whole
		{"thi hoa", "thien hoa", ""},
		{"123", "lop 123", "whole"},
		{"123", "lop 1234", "prefix"},
	} {
		words := strings.Fields(c.query)
		whole, prefix := wholeWords(words).matches(c.name), prefixOnly(words).matches(c.name)
		got := map[[2]bool]string{{true, false}: "whole", {false, true}: "prefix", {false, false}: ""}[[2]bool{whole, prefix}]
		if whole && prefix {
			got = "both"
		}
		if got != c.want {
			t.Errorf("%q finding %q: %q, want %q", c.query, c.name, got, c.want)
		}
		if any := newNameQuery(words).matches(c.name); any != (c.want != "") {
			t.Errorf("%q finding %q: matched %v, but its tier is %q", c.query, c.name, any, c.want)
		}
	}
	for _, c := range []struct {
		q    nameQuery
		want string
	}{
		{newNameQuery([]string{"thi", "hoa"}), "thi & hoa:*"},
		{wholeWords([]string{"thi", "hoa"}), "thi & hoa"},
		{prefixOnly([]string{"thi", "hoa"}), "thi & hoa:* & !hoa"},
	} {
		if got := c.q.tsquery(); got != c.want {
			t.Errorf("tsquery %q, want %q", got, c.want)
		}
	}
}

func head(ps []Position) any {
	if len(ps) == 0 {
		return nil
	}
	return ps[0]
}

// TestTheWordListsFollowEveryWrite inserts, renames, edits without a rename
// and deletes people and organisations, and checks after each step that the
// word lists hold exactly the words of the live names.
func TestTheWordListsFollowEveryWrite(t *testing.T) {
	pool := testkit.NewDatabase(t).Service(t, "contact", migrations.FS)
	ctx := context.Background()
	check := func(step string) {
		t.Helper()
		for _, table := range []string{"person", "organization"} {
			var extra, missing int
			err := pool.QueryRow(ctx, fmt.Sprintf(`
WITH expected AS (SELECT w AS word, search_name, id FROM %[1]s, unnest(tsvector_to_array(to_tsvector('simple', search_name))) AS w)
SELECT (SELECT count(*) FROM (SELECT word, search_name, id FROM %[1]s_word EXCEPT ALL SELECT * FROM expected) x),
       (SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT word, search_name, id FROM %[1]s_word) y)`, table)).Scan(&extra, &missing)
			if err != nil {
				t.Fatal(err)
			}
			if extra != 0 || missing != 0 {
				t.Fatalf("after %s, %s_word has %d entries too many and misses %d", step, table, extra, missing)
			}
		}
	}
	for _, table := range []string{"person", "organization"} {
		_, err := pool.CopyFrom(ctx, pgx.Identifier{table}, []string{"id", "doc", "name", "search_name", "created_at", "updated_at"},
			pgx.CopyFromSlice(300, func(i int) ([]any, error) {
				name := fmt.Sprintf("nguyen van-an %d", i%7)
				if i%2 == 0 {
					name = fmt.Sprintf("truong thcs le loi %d", i)
				}
				return []any{event.NewID(), `{}`, name, name, time.Now(), time.Now()}, nil
			}))
		if err != nil {
			t.Fatal(err)
		}
	}
	check("a COPY")
	for _, step := range []struct{ name, sql string }{
		{"a rename", `UPDATE %s SET search_name = replace(search_name, 'nguyen', 'tran') || ' moi' WHERE search_name LIKE 'nguyen%%'`},
		{"an edit that keeps the name", `UPDATE %s SET tags = '{vip}' WHERE search_name LIKE 'truong%%'`},
		{"renames that add a word", `UPDATE %s SET search_name = 'le ' || search_name WHERE search_name LIKE '%%1'`},
		{"deletes", `DELETE FROM %s WHERE search_name LIKE '%%3' OR search_name LIKE '%%moi'`},
	} {
		for _, table := range []string{"person", "organization"} {
			if _, err := pool.Exec(ctx, fmt.Sprintf(step.sql, table)); err != nil {
				t.Fatal(err)
			}
		}
		check(step.name)
	}
}
