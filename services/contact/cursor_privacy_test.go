package contact_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/party"
)

// walkPages pages through GET path (a query string ending in "&" or "?")
// limit items at a time and returns every item, as answered, and every
// cursor it was given.
func walkPages(t *testing.T, h *servicetest.Harness, tok, path string, limit int) (items []string, cursors []string) {
	t.Helper()
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 50 {
			t.Fatalf("%s: the cursor never ends", path)
		}
		r := h.Do(t, "GET", fmt.Sprintf("%slimit=%d%s", path, limit, cursor), tok, nil)
		mustStatus(t, r, 200)
		var pg struct {
			Items      []json.RawMessage
			NextCursor string `json:"next_cursor"`
		}
		r.JSON(t, &pg)
		for _, it := range pg.Items {
			items = append(items, string(it))
		}
		if pg.NextCursor == "" {
			return items, cursors
		}
		cursors = append(cursors, pg.NextCursor)
		cursor = "&cursor=" + url.QueryEscape(pg.NextCursor)
	}
}

// positionOf is the position a cursor carries, decoded: the base64 JSON
// before the query's fingerprint.
func positionOf(t *testing.T, cursor string) string {
	t.Helper()
	pos, _, _ := strings.Cut(cursor, ".")
	b, err := base64.RawURLEncoding.DecodeString(pos)
	if err != nil {
		t.Fatalf("cursor %q: %v", cursor, err)
	}
	return string(b)
}

// A cursor lands in URLs, browser histories and proxy logs: no cursor of
// any list holds a name (as written or folded), a phone, an email, a tax
// code, a birthday or an important date, nor the day one falls on; only
// ids, tiers, the follow-ups' days and the instants and numbers of
// records. Paged one item at a time, every list still lists each record
// once, as one page does.
func TestNoCursorOfAnyListHoldsCustomerData(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok, manager := h.Token(t, auth.Sales), h.Token(t, auth.Manager)
	school := create(t, h, tok, orgs, `{"name":"Trường Mầm non Hoa Mai","kinds":["school"],"tax_code":"0101 234 567","phones":["0243 888 1234"]}`)
	create(t, h, tok, orgs, `{"name":"Công ty Hoàng Long","kinds":["partner"],"emails":["lienhe@hoanglong.vn"]}`)
	create(t, h, tok, orgs, `{"name":"Trường Tiểu học Xuân Phương","kinds":["school"]}`)
	persons := []struct{ name, phone, email, birthday string }{
		{"Hoàng Đức Lan", "0912 000 101", "lan.hoang@example.vn", "1990-11-05"},
		{"Hoàng Thị Hoa", "0922 000 101", "hoa.thi@example.vn", "1985-11-07"},
		{"Lê Hòa", "0932 000 101", "le.hoa@mailbox.vn", "1979-11-09"},
		{"Nguyễn Văn Hoài", "0942 000 101", "hoai.nguyen@example.vn", "2001-11-03"},
		{"Phạm Thu Hoa", "0952 000 101", "thu.pham@example.vn", "1995-11-11"},
	}
	forbidden := []string{"anh duong", "0101234567", "234567", "8881234", "lienhe", "hoanglong", "1990-11", "2010-11", "-11-12"}
	var ids []string
	for i, p := range persons {
		ids = append(ids, create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"phones":[%q],"emails":[%q],"birthday":%q,"tags":["k"],
 "important_dates":[{"label":"Ngày cưới","date":"2010-11-12"}],"relationships":[{"kind":"works_at","party_id":%q}]}`,
			p.name, p.phone, p.email, p.birthday, school)))
		forbidden = append(forbidden, p.name, party.Fold(p.name), strings.ReplaceAll(p.phone, " ", "")[1:], p.email, strings.Split(p.email, "@")[0], p.birthday,
			"2026"+p.birthday[4:])
		for _, w := range strings.Fields(party.Fold(p.name)) {
			forbidden = append(forbidden, `"`+w, w+`"`, w+" ")
		}
		// Follow-ups due on two days, two on one, so pages break inside a day.
		logInteraction(t, h, tok, ids[i], fmt.Sprintf(`{"kind":"call","occurred_at":"2026-10-29T08:00:00+07:00","next_action_on":"2026-10-%d"}`, 30+i%2))
		mustStatus(t, h.Do(t, "PATCH", people+"/"+ids[i], tok, fmt.Sprintf(`{"notes":"gọi lại %s"}`, p.name)), 200)
	}
	logInteraction(t, h, tok, school, `{"kind":"meeting","occurred_at":"2026-10-29T10:00:00+07:00","next_action_on":"2026-10-31"}`)
	logInteraction(t, h, tok, ids[0], `{"kind":"meeting","outcome":"hẹn gặp"}`)
	logInteraction(t, h, tok, create(t, h, tok, orgs, `{"name":"Trung tâm Ánh Dương","kinds":["partner"]}`), `{"kind":"call","occurred_at":"2026-10-29T11:00:00+07:00","next_action_on":"2026-10-30"}`)
	for _, seg := range []string{"Khách của Hoàng Đức Lan", "Phụ huynh Lê Hòa", "Hoa Mai"} {
		mustStatus(t, h.Do(t, "POST", "/api/contact/v1/segments", tok, fmt.Sprintf(`{"name":%q,"resource":"people","filter":{"q":"hoa"}}`, seg)), 201)
	}
	forbidden = append(forbidden, "Khách của", "khach cua", "phu huynh", "Hoa Mai", "hoa mai")
	for i := range 2 {
		csv := fmt.Sprintf("full_name,phones\nĐỗ Minh Hải %d,0977 000 00%d\nVũ Thị Mai %d,0977 000 01%d\n", i, i, i, i)
		importFile(t, h, tok, fmt.Sprintf("khach-%d.csv", i), []byte(csv), "people", 30*time.Second)
		forbidden = append(forbidden, fmt.Sprintf("do minh hai %d", i), fmt.Sprintf("vu thi mai %d", i), fmt.Sprintf("97700000%d", i))
	}
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/handovers", manager, `{"from_owner_id":"user-sales","to_owner_id":"user-lead","reason":"nghỉ phép"}`), 201)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/handovers", manager, `{"from_owner_id":"user-lead","to_owner_id":"user-sales","reason":"đi làm lại"}`), 201)
	for _, level := range []string{`"THCS"`, `"THCS","THPT"`} {
		mustStatus(t, h.Do(t, "PUT", "/api/contact/v1/field-definitions", h.Token(t, auth.Admin),
			`{"school":[{"name":"level","type":"string","allowed":[`+level+`]}]}`), 200)
	}

	lists := []string{
		people + "?", people + "?q=hoa&", people + "?q=hoang&", people + "?q=hoa&tag=k&", people + "?q=...0101&", people + "?q=example.vn&",
		people + "?tag=k&", people + "?next_action_due=today&", people + "?q=hoa&next_action_due=today&", people + "?dates_within=30&",
		people + "?linked_to=" + school + "&", people + "?missing=zalo_id&",
		orgs + "?", orgs + "?q=truong&", orgs + "?next_action_due=today&",
		people + "/" + ids[0] + "/history?", people + "/" + ids[0] + "/history?order=newest&", people + "/" + ids[0] + "/timeline?",
		orgs + "/" + school + "/timeline?with=people&", "/api/contact/v1/interactions?party_id=" + ids[0] + "&",
		"/api/contact/v1/handovers?", "/api/contact/v1/segments?", "/api/contact/v1/segments?resource=people&", imports + "?",
		"/api/contact/v1/field-definitions/versions?",
	}
	fields := regexp.MustCompile(`"([a-z]+)":`)
	for _, list := range lists {
		reader := tok
		if strings.Contains(list, "handovers") {
			reader = manager
		}
		all, _ := walkPages(t, h, reader, list, 500)
		if len(all) < 2 {
			t.Errorf("%s: %d items, too few to page", list, len(all))
		}
		for _, limit := range []int{1, 2} {
			items, cursors := walkPages(t, h, reader, list, limit)
			if !slices.Equal(items, all) {
				t.Errorf("%s limit %d: pages list %d items, one page %d:\n%q\n%q", list, limit, len(items), len(all), items, all)
			}
			for _, c := range cursors {
				pos := positionOf(t, c)
				for _, f := range forbidden {
					if strings.Contains(strings.ToLower(pos), strings.ToLower(f)) {
						t.Errorf("%s: cursor %s holds %q", list, pos, f)
					}
				}
				for _, m := range fields.FindAllStringSubmatch(pos, -1) {
					if !slices.Contains([]string{"p", "d", "i", "t"}, m[1]) {
						t.Errorf("%s: cursor %s holds a member %q", list, pos, m[1])
					}
				}
			}
		}
	}
}
