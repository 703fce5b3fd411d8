package contact_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// walkNames pages through GET path (a query string ending in "&" or "?")
// and returns the names of every page in order.
func walkNames(t *testing.T, h *servicetest.Harness, tok, path string) []string {
	t.Helper()
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatalf("%s: the cursor never ends", path)
		}
		r := h.Do(t, "GET", path+cursor, tok, nil)
		mustStatus(t, r, 200)
		var pg struct {
			Items      []item
			NextCursor string `json:"next_cursor"`
		}
		r.JSON(t, &pg)
		for _, it := range pg.Items {
			got = append(got, it.Name+it.FullName)
		}
		if pg.NextCursor == "" {
			return got
		}
		cursor = "&cursor=" + url.QueryEscape(pg.NextCursor)
	}
}

// exportedNames are the names (column col) of a CSV export, in order.
func exportedNames(t *testing.T, h *servicetest.Harness, tok, path, col string) []string {
	t.Helper()
	rows := readCSV(t, h.Do(t, "GET", path, tok, nil))
	i := slices.Index(rows[0], col)
	var out []string
	for _, row := range rows[1:] {
		out = append(out, row[i])
	}
	return out
}

// rankedPeople creates the people of the "hoa" searches, tagged "k", and
// returns Lê Hòa's id.
func rankedPeople(t *testing.T, h *servicetest.Harness, tok string) string {
	t.Helper()
	var le string
	for _, name := range []string{"Hoàng Văn Minh", "Hoàng Thị Lan", "Hoài An", "Hoàng Thị Hoa", "Lê Hòa", "Nguyễn Thị Hoa",
		"Trần Hóa", "Đặng Thị Hoài", "Phạm Văn Bình"} {
		p := createPerson(t, h, tok, fmt.Sprintf(`{"full_name":%q,"tags":["k"]}`, name))
		if name == "Lê Hòa" {
			le = p.ID
		}
	}
	return le
}

// Staff looking for a Hoa type "hoa": "Hoa", "Hòa" and "Hóa" come first,
// then the far more common "Hoàng" and "Hoài" the word only begins, each
// by name. Before, everything was by name and the Hoa was on page 37.
func TestAWholeWordIsListedBeforeTheLongerWordsItBegins(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	rankedPeople(t, h, tok)
	hoa := []string{"Hoàng Thị Hoa", "Lê Hòa", "Nguyễn Thị Hoa", "Trần Hóa", "Đặng Thị Hoài", "Hoài An", "Hoàng Thị Lan", "Hoàng Văn Minh"}
	// Two words: the first always whole, the second whole first.
	thiHoa := []string{"Hoàng Thị Hoa", "Nguyễn Thị Hoa", "Đặng Thị Hoài", "Hoàng Thị Lan"}
	for q, want := range map[string][]string{"hoa": hoa, "HÒA": hoa, "thị hoa": thiHoa, "thi hoa": thiHoa} {
		// The name alone (the word lists) and with another filter (the
		// general query) list alike.
		for _, path := range []string{people + "?q=" + url.QueryEscape(q), people + "?tag=k&q=" + url.QueryEscape(q)} {
			if got := names(t, h, tok, path); !slices.Equal(got, want) {
				t.Errorf("%s: %q, want %q", path, got, want)
			}
		}
	}

	// Organisations too, and the follow-ups due, whose days order each tier.
	hoangLong := create(t, h, tok, orgs, `{"name":"Công ty Hoàng Long","kinds":["partner"]}`)
	hoaMai := create(t, h, tok, orgs, `{"name":"Trường Mầm non Hoa Mai","kinds":["school"]}`)
	logInteraction(t, h, tok, hoangLong, `{"kind":"call","occurred_at":"2026-10-19T08:00:00+07:00","next_action_on":"2026-10-20"}`)
	logInteraction(t, h, tok, hoaMai, `{"kind":"call","occurred_at":"2026-10-30T08:00:00+07:00","next_action_on":"2026-11-01"}`)
	for path, want := range map[string][]string{
		orgs + "?q=hoa":                          {"Trường Mầm non Hoa Mai", "Công ty Hoàng Long"},
		orgs + "?q=hoa&next_action_due=today":    {"Trường Mầm non Hoa Mai", "Công ty Hoàng Long"},
		orgs + "?q=truong&next_action_due=today": {"Trường Mầm non Hoa Mai"},
		orgs + "?next_action_due=today":          {"Công ty Hoàng Long", "Trường Mầm non Hoa Mai"}, // no q: by day
	} {
		if got := names(t, h, tok, path); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}

// Pages of every size list each party once, in order, whether the
// boundary between the tiers falls between two pages or inside one; so do
// the exports of the same search.
func TestANameSearchPagesAcrossItsTiersWithoutGapsOrRepeats(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	rankedPeople(t, h, tok)
	want := []string{"Hoàng Thị Hoa", "Lê Hòa", "Nguyễn Thị Hoa", "Trần Hóa", "Đặng Thị Hoài", "Hoài An", "Hoàng Thị Lan", "Hoàng Văn Minh"}
	for _, query := range []string{"?q=hoa", "?tag=k&q=hoa"} {
		for limit := 1; limit <= 5; limit++ {
			path := fmt.Sprintf("%s%s&limit=%d", people, query, limit)
			if got := walkNames(t, h, tok, path); !slices.Equal(got, want) {
				t.Errorf("%s: %q, want %q", path, got, want)
			}
		}
		if got := exportedNames(t, h, tok, people+"/export?format=csv&"+query[1:], "full_name"); !slices.Equal(got, want) {
			t.Errorf("export %s: %q, want %q", query, got, want)
		}
	}
	// A saved search exports in the same order.
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Hoa","resource":"people","filter":{"q":"hoa"}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	if got := exportedNames(t, h, tok, "/api/contact/v1/segments/"+seg.ID+"/export?format=csv", "full_name"); !slices.Equal(got, want) {
		t.Errorf("segment export: %q, want %q", got, want)
	}
}

// A cursor taken among the whole-word matches pages on into the others,
// with any page size and as often as it is used; one taken among the
// others pages only them; and a cursor of a release that carried no tier
// reads as one among the whole-word matches, which is where its list
// began.
func TestACursorOfEitherTierPagesOn(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	le := rankedPeople(t, h, tok)
	for _, query := range []string{"?q=hoa", "?tag=k&q=hoa"} {
		whole := nextCursor(t, h, tok, people+query+"&limit=2")
		for range 2 {
			if got := names(t, h, tok, people+query+"&limit=4&"+whole); !slices.Equal(got, []string{"Nguyễn Thị Hoa", "Trần Hóa", "Đặng Thị Hoài", "Hoài An"}) {
				t.Errorf("%s from the whole-word matches: %q", query, got)
			}
		}
		if got := names(t, h, tok, people+query+"&limit=1&"+whole); !slices.Equal(got, []string{"Nguyễn Thị Hoa"}) {
			t.Errorf("%s from the whole-word matches, one: %q", query, got)
		}
		prefix := nextCursor(t, h, tok, people+query+"&limit=5")
		if got := names(t, h, tok, people+query+"&"+prefix); !slices.Equal(got, []string{"Hoài An", "Hoàng Thị Lan", "Hoàng Văn Minh"}) {
			t.Errorf("%s from the prefix matches: %q", query, got)
		}
	}
	pr, _ := page.Parse(url.Values{"q": {"hoa"}}, "q")
	old := pr.Within(people).Encode(map[string]string{"n": "le hoa", "i": le})
	if got := names(t, h, tok, people+"?q=hoa&limit=3&cursor="+url.QueryEscape(old)); !slices.Equal(got, []string{"Nguyễn Thị Hoa", "Trần Hóa", "Đặng Thị Hoài"}) {
		t.Errorf("a cursor without a tier: %q", got)
	}
}
