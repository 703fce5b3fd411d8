package contact_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// nextCursor is the next_cursor of the 200 answer to GET path.
func nextCursor(t *testing.T, h *servicetest.Harness, tok, path string) string {
	t.Helper()
	r := h.Do(t, "GET", path, tok, nil)
	mustStatus(t, r, 200)
	var pg struct {
		NextCursor string `json:"next_cursor"`
	}
	r.JSON(t, &pg)
	if pg.NextCursor == "" {
		t.Fatalf("%s: no next page", path)
	}
	return "cursor=" + url.QueryEscape(pg.NextCursor)
}

// A cursor is a position in the list it came from. Sent with other
// filters it would start the new list there and skip records without a
// word, as a UI that keeps the cursor when the user picks another tag
// would; so it is a 422 naming cursor, and only limit may change.
func TestACursorPagesOnlyTheQueryItCameFrom(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	for _, n := range []string{"Nguyễn Văn An", "Nguyễn Thị Bình", "Nguyễn Chi"} {
		create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"tags":["a","b"]}`, n))
	}
	cursor := nextCursor(t, h, tok, people+"?tag=a&q=Nguyễn&limit=1")
	for _, other := range []string{
		people + "?tag=b&q=Nguyễn&limit=1&",    // another tag
		people + "?tag=a&q=Nguyen&limit=1&",    // another q
		people + "?tag=a&limit=1&",             // q left out
		people + "?tag=a&q=Nguyễn&stage=lead&", // a filter added
		orgs + "?tag=a&q=Nguyễn&limit=1&",      // another list
	} {
		mustName(t, h.Do(t, "GET", other+cursor, tok, nil), "cursor", "belongs to another query")
		mustName(t, h.Do(t, "GET", other+cursor, tok, nil), "cursor", "start again without a cursor")
	}
	// The same filters in another order, and another page size, page on.
	if got := names(t, h, tok, people+"?q=Nguyễn&"+cursor+"&tag=a&limit=1"); len(got) != 1 || got[0] != "Nguyễn Thị Bình" {
		t.Fatalf("the same query reordered: %q", got)
	}
	if got := names(t, h, tok, people+"?tag=a&q=Nguyễn&limit=10&"+cursor); len(got) != 2 {
		t.Fatalf("another limit: %q", got)
	}
	// An empty q lists what no q lists: its cursor pages that list.
	all := nextCursor(t, h, tok, people+"?limit=1&q=")
	if got := names(t, h, tok, people+"?"+all); len(got) != 2 {
		t.Fatalf("the list without q, paged by the cursor of q=: %q", got)
	}

	// A cursor of the follow-ups due (by day, then name) does not page the
	// list by name; a forged one that carries the query's fingerprint is
	// still checked for a day.
	for _, name := range []string{"Trường A", "Trường B"} {
		id := create(t, h, tok, orgs, fmt.Sprintf(`{"name":%q,"kinds":["school"]}`, name))
		logInteraction(t, h, tok, id, `{"kind":"call","next_action_on":"2026-11-02"}`)
	}
	due := nextCursor(t, h, tok, orgs+"?next_action_due=today&limit=1")
	mustName(t, h.Do(t, "GET", orgs+"?limit=1&"+due, tok, nil), "cursor", "belongs to another query")
	pr, _ := page.Parse(url.Values{"next_action_due": {"today"}}, "next_action_due")
	forged := pr.Within(orgs).Encode(map[string]string{"d": "tomorrow", "n": "Trường A", "i": "0190a000-0000-7000-8000-000000000000"})
	mustName(t, h.Do(t, "GET", orgs+"?next_action_due=today&cursor="+forged, tok, nil), "cursor", "is not a cursor this API returned for this list")
}

// The lists under a path (a party's history) and those filtered by a
// party (its interactions) or a resource (segments) page only their own.
func TestACursorOfOnePartysListDoesNotPageAnothers(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p1 := create(t, h, tok, people, `{"full_name":"Trần Văn Một","notes":"a"}`)
	p2 := create(t, h, tok, people, `{"full_name":"Trần Văn Hai","notes":"a"}`)
	for _, p := range []string{p1, p2} {
		for range 2 {
			mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"ok"}`, p)), 201)
		}
		mustStatus(t, h.Do(t, "PATCH", people+"/"+p, tok, `{"notes":"b"}`), 200)
	}
	history := nextCursor(t, h, tok, people+"/"+p1+"/history?limit=1")
	mustName(t, h.Do(t, "GET", people+"/"+p2+"/history?limit=1&"+history, tok, nil), "cursor", "belongs to another query")
	mustName(t, h.Do(t, "GET", people+"/"+p1+"/history?order=newest&"+history, tok, nil), "cursor", "belongs to another query")
	mustStatus(t, h.Do(t, "GET", people+"/"+p1+"/history?limit=3&"+history, tok, nil), 200)

	const interactions = "/api/contact/v1/interactions"
	logged := nextCursor(t, h, tok, interactions+"?party_id="+p1+"&limit=1")
	mustName(t, h.Do(t, "GET", interactions+"?party_id="+p2+"&limit=1&"+logged, tok, nil), "cursor", "belongs to another query")
	mustStatus(t, h.Do(t, "GET", interactions+"?"+logged+"&party_id="+p1, tok, nil), 200)

	const segments = "/api/contact/v1/segments"
	for _, name := range []string{"Một", "Hai"} {
		mustStatus(t, h.Do(t, "POST", segments, tok, fmt.Sprintf(`{"name":%q,"resource":"people","filter":{"q":"Trần"}}`, name)), 201)
	}
	saved := nextCursor(t, h, tok, segments+"?resource=people&limit=1")
	mustName(t, h.Do(t, "GET", segments+"?limit=1&"+saved, tok, nil), "cursor", "belongs to another query")
	mustStatus(t, h.Do(t, "GET", segments+"?resource=people&"+saved, tok, nil), 200)
}
