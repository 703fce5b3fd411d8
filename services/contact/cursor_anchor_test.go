package contact_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// startAgain is the 422 of a cursor ending on a record gone from its list.
const startAgain = "no longer in this list"

// A cursor names the party its page ended on by id, and the next page
// starts from where that party is now: renamed, it goes on from its new
// name, as a rename moves a party in any list by name (the names between
// are skipped, or listed again). Merged or deleted, its place is unknown:
// a 422 to start again, by name, in a name search's tiers and by the
// follow-ups' day alike (where, without a check, the days after its own
// would be listed and the rest of its own skipped).
func TestACursorPagesOnFromARenamedPartysNewPlaceAndNotFromAGoneOne(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	ids := map[string]string{}
	for _, n := range []string{"Hoa An", "Hoa Bình", "Hoa Cường", "Hoa Dung"} {
		ids[n] = create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"tags":["w"]}`, n))
	}
	// By name (the general query), a name search (the word lists) and a
	// name search with a filter (the general query, in tiers).
	lists := []string{people + "?tag=w&limit=2&", people + "?q=hoa&limit=2&", people + "?q=hoa&tag=w&limit=2&"}
	var cursors []string
	for _, l := range lists {
		cursors = append(cursors, nextCursor(t, h, tok, l)) // after Hoa Bình
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+ids["Hoa Bình"], tok, `{"full_name":"Hoa Đào"}`), 200)
	for i, l := range lists {
		if got := names(t, h, tok, l+cursors[i]); !slices.Equal(got, []string{"Hoa Dung"}) {
			t.Errorf("%s after a party renamed from Bình to Đào: %q, want the names after Đào", l, got)
		}
	}

	cursors = cursors[:0]
	for _, l := range lists {
		cursors = append(cursors, nextCursor(t, h, tok, l)) // after Hoa Cường
	}
	mustStatus(t, h.Do(t, "DELETE", people+"/"+ids["Hoa Cường"], tok, nil), 204)
	for i, l := range lists {
		mustName(t, h.Do(t, "GET", l+cursors[i], tok, nil), "cursor", startAgain)
		mustName(t, h.Do(t, "GET", l+cursors[i], tok, nil), "cursor", "start again without a cursor")
	}

	cursors = cursors[:0]
	for _, l := range lists {
		cursors = append(cursors, nextCursor(t, h, tok, l[:len(l)-2]+"1&")) // after Hoa An
	}
	mustStatus(t, h.Do(t, "POST", people+"/"+ids["Hoa Dung"]+"/merge", tok,
		fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, ids["Hoa An"])), 200)
	for i, l := range lists {
		mustName(t, h.Do(t, "GET", l[:len(l)-2]+"1&"+cursors[i], tok, nil), "cursor", startAgain)
	}

	// The follow-ups due, by day: the page after a deleted one's is not
	// the next day's.
	var due []string
	for i, name := range []string{"Trường X", "Trường Y", "Trường Z"} {
		due = append(due, create(t, h, tok, orgs, fmt.Sprintf(`{"name":%q,"kinds":["school"]}`, name)))
		logInteraction(t, h, tok, due[i], fmt.Sprintf(`{"kind":"call","occurred_at":"2026-10-29T08:00:00+07:00","next_action_on":"2026-10-%d"}`, 30+min(i, 1)))
	}
	afterX := nextCursor(t, h, tok, orgs+"?next_action_due=today&limit=1")
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+due[0], tok, nil), 204)
	mustName(t, h.Do(t, "GET", orgs+"?next_action_due=today&"+afterX, tok, nil), "cursor", startAgain)
}

// The people whose dates fall within a window are listed by the day the
// soonest falls on, which their cursor does not hold (a birthday is
// personal): it is read from the person. A date moved within the window
// pages on from its new day; one moved out of it, or a person deleted,
// leaves the list, and its cursor is a 422 to start again. A deleted
// segment's cursor is too.
func TestACursorOfTheDatesWithinAWindowPagesOnFromThePersonsDayNow(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	ids := map[string]string{}
	for name, birthday := range map[string]string{"Lê Năm": "1990-11-05", "Lê Bảy": "1985-11-07", "Lê Chín": "1979-11-09"} {
		ids[name] = create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"birthday":%q}`, name, birthday))
	}
	const within = people + "?dates_within=30&"
	afterNam := nextCursor(t, h, tok, within+"limit=1")
	mustStatus(t, h.Do(t, "PATCH", people+"/"+ids["Lê Năm"], tok, `{"birthday":"1990-11-08"}`), 200)
	if got := names(t, h, tok, within+afterNam); !slices.Equal(got, []string{"Lê Chín"}) {
		t.Errorf("after a birthday moved from 5 to 8 November: %q, want those after the 8th", got)
	}
	afterNam = nextCursor(t, h, tok, within+"limit=2") // Lê Bảy, Lê Năm
	mustStatus(t, h.Do(t, "PATCH", people+"/"+ids["Lê Năm"], tok, `{"birthday":"1990-05-01"}`), 200)
	mustName(t, h.Do(t, "GET", within+afterNam, tok, nil), "cursor", startAgain)
	afterBay := nextCursor(t, h, tok, within+"limit=1")
	mustStatus(t, h.Do(t, "DELETE", people+"/"+ids["Lê Bảy"], tok, nil), 204)
	mustName(t, h.Do(t, "GET", within+afterBay, tok, nil), "cursor", startAgain)

	const segments = "/api/contact/v1/segments"
	var segs []string
	for _, name := range []string{"Một", "Hai", "Ba"} {
		r := h.Do(t, "POST", segments, tok, fmt.Sprintf(`{"name":%q,"resource":"people","filter":{"q":"lê"}}`, name))
		mustStatus(t, r, 201)
		var s struct{ ID string }
		r.JSON(t, &s)
		segs = append(segs, s.ID)
	}
	afterBa := nextCursor(t, h, tok, segments+"?limit=1")
	mustStatus(t, h.Do(t, "DELETE", segments+"/"+segs[2], tok, nil), 204)
	mustName(t, h.Do(t, "GET", segments+"?"+afterBa, tok, nil), "cursor", startAgain)
}
