package contact_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

type historyEntry struct {
	Actor string
	At    time.Time
	Field string
	Old   json.RawMessage
	New   json.RawMessage
}

// historyPages walks a party's history page by page from query and
// returns every entry.
func historyPages(t *testing.T, h *servicetest.Harness, tok, path, query string) []historyEntry {
	t.Helper()
	var all []historyEntry
	cursor := ""
	for range 50 {
		r := h.Do(t, "GET", path+"/history?"+query+cursor, tok, nil)
		mustStatus(t, r, 200)
		var page struct {
			Items      []historyEntry
			NextCursor string `json:"next_cursor"`
		}
		r.JSON(t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = "&cursor=" + page.NextCursor
	}
	t.Fatalf("the history of %s never ends: %d entries read", path, len(all))
	return nil
}

func fieldsOfHistory(entries []historyEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Field)
	}
	return out
}

// A history opens with who created the party, when, and how (an import,
// a forced duplicate); it reads newest first as well, and one field's
// entries alone, a page at a time either way.
func TestAHistoryOpensWithTheCreationAndReadsEitherWayByField(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Phạm Văn Cường","phones":["0912345678"]}`)
	path := people + "/" + p.ID
	h.Clock.Advance(time.Hour)
	mustStatus(t, h.Do(t, "PATCH", path, lan, `{"zalo_id":"z123","tags":["vip"]}`), 200)
	mustStatus(t, h.Do(t, "PATCH", path, lan, `{"consents":{"sms":{"granted":true,"at":"2026-11-02T09:30:00+07:00","source":"call"}}}`), 200)
	mustStatus(t, h.Do(t, "POST", path+"/owner", lan, `{"owner_id":"user-minh","reason":"Minh phụ trách khu vực"}`), 200)

	oldest := historyPages(t, h, lan, path, "limit=2")
	want := []string{"created", "zalo_id", "tags", "consents.sms", "owner_id"}
	if got := fieldsOfHistory(oldest); !slices.Equal(got, want) {
		t.Fatalf("oldest first: %q, want %q", got, want)
	}
	if c := oldest[0]; c.Actor != "user-lan" || !c.At.Equal(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)) || string(c.Old) != "null" || string(c.New) != "{}" {
		t.Errorf("the creation: %+v %s %s", c, c.Old, c.New)
	}
	for _, limit := range []string{"1", "2", "50"} {
		newest := historyPages(t, h, lan, path, "order=newest&limit="+limit)
		reversed := slices.Clone(want)
		slices.Reverse(reversed)
		if got := fieldsOfHistory(newest); !slices.Equal(got, reversed) {
			t.Errorf("newest first, %s a page: %q", limit, got)
		}
	}
	for query, want := range map[string][]string{
		"field=owner_id":                      {"owner_id"},
		"field=consents,tags":                 {"tags", "consents.sms"},
		"field=created&order=newest&limit=1":  {"created"},
		"field=owner_id,created&order=newest": {"owner_id", "created"},
	} {
		if got := fieldsOfHistory(historyPages(t, h, lan, path, query)); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", query, got, want)
		}
	}
	for query, field := range map[string]string{"field=owner": "field", "order=latest": "order", "field=tags&field=notes": "field"} {
		r := h.Do(t, "GET", path+"/history?"+query, lan, nil)
		mustStatus(t, r, 422)
		mustName(t, r, field, "")
	}
	r := h.Do(t, "GET", orgs+"/"+create(t, h, lan, orgs, `{"name":"Trường A","kinds":["school"]}`)+"/history?field=full_name", lan, nil)
	mustStatus(t, r, 422)
	mustName(t, r, "field", `"full_name" is no field`)

	// A forced duplicate says why; an imported party names its import.
	forced := create(t, h, lan, people, `{"full_name":"Phạm Văn Cường","phones":["0912345678"],"force":true,"force_reason":"hai anh em dùng chung số"}`)
	if c := historyPages(t, h, lan, people+"/"+forced, "field=created"); len(c) != 1 || string(c[0].New) != `{"force_reason":"hai anh em dùng chung số"}` {
		t.Errorf("the forced creation: %+v", c)
	}
	job := importFile(t, h, lan, "khach.csv", []byte("Họ và tên,Điện thoại\nLê Thị Hoa,0987654321\n"), "people", 30*time.Second)
	r = h.Do(t, "GET", people+"?q=0987654321", lan, nil)
	var found struct{ Items []struct{ ID string } }
	r.JSON(t, &found)
	if len(found.Items) != 1 {
		t.Fatalf("the imported person: %s (import %+v)", r.Body, job)
	}
	c := historyPages(t, h, lan, people+"/"+found.Items[0].ID, "")
	if len(c) != 1 || c[0].Field != "created" || string(c[0].New) != fmt.Sprintf(`{"import_id":%q}`, job.ID) {
		t.Errorf("the imported person's history: %+v", c)
	}
}
