package contact_test

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// fieldErrors returns the field errors of a problem answer.
func fieldErrors(t *testing.T, r servicetest.Response) []struct{ Field, Message string } {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Message string }
	}
	r.JSON(t, &p)
	return p.Errors
}

// mustName fails t unless r is a 422 naming field with a message holding want.
func mustName(t *testing.T, r servicetest.Response, field, want string) {
	t.Helper()
	mustStatus(t, r, 422)
	for _, e := range fieldErrors(t, r) {
		if e.Field == field && strings.Contains(e.Message, want) {
			return
		}
	}
	t.Fatalf("422 does not name %s with %q: %s", field, want, r.Body)
}

func TestTextWithTheNULCharacterIsRefusedNamingWhereItIs(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := create(t, h, tok, people, `{"full_name":"Lê Văn Nul"}`)
	const interactions = "/api/contact/v1/interactions"
	bodies := []struct{ method, path, body, field string }{
		{"POST", people, `{"full_name":"A\u0000B"}`, "full_name"},
		{"POST", orgs, `{"name":"A\u0000B","kinds":["school"]}`, "name"},
		{"POST", people, `{"full_name":"An","notes":"x\u0000"}`, "notes"},
		{"POST", people, `{"full_name":"An","tags":["ok","\u0000"]}`, "tags[1]"},
		{"POST", people, `{"full_name":"An","zalo_id":"\u0000"}`, "zalo_id"},
		{"POST", people, `{"full_name":"An","force":true,"force_reason":"\u0000"}`, "force_reason"},
		{"PATCH", people + "/" + p, `{"notes":"a\u0000"}`, "notes"},
		{"POST", interactions, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"\u0000"}`, p), "outcome"},
		{"POST", interactions, fmt.Sprintf(`{"party_id":%q,"kind":"call","notes":"\u0000"}`, p), "notes"},
		{"POST", "/api/contact/v1/segments", `{"name":"\u0000","resource":"people","filter":{}}`, "name"},
	}
	for _, c := range bodies {
		mustName(t, h.Do(t, c.method, c.path, tok, c.body), c.field, "NUL character")
	}
	cursor := base64.RawURLEncoding.EncodeToString([]byte(`{"n":"a\u0000","i":"` + p + `"}`))
	queries := []struct{ path, field string }{
		{people + "?tag=%00", "tag"},
		{orgs + "?province=%00", "province"},
		{people + "?owner=%00", "owner"},
		{people + "?q=a%00", "q"},
		{people + "/export?tag=%00", "tag"},
		{interactions + "?party_id=" + p + "&cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"i":"\u0000"}`)), "cursor"},
		{people + "?cursor=" + cursor, "cursor"},
	}
	for _, c := range queries {
		mustName(t, h.Do(t, "GET", c.path, tok, nil), c.field, "NUL character")
	}
	up := uploadForm(t, h, tok, "staff.csv", []byte("Họ tên\nAn\n"), map[string]string{"resource": "people", "defaults": `{"tags":"\u0000"}`})
	mustName(t, up, "defaults.tags", "NUL character")
	if n := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM organization) + (SELECT count(*) FROM interaction) + (SELECT count(*) FROM import_job)"); n != 1 {
		t.Fatalf("%d rows, want only the person created first", n)
	}
}

func TestASegmentOrBulkFilterIsCheckedAsTheListsQueryIs(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	create(t, h, tok, people, `{"full_name":"Hồ Văn Em","tags":["phụ huynh"]}`)
	const segments = "/api/contact/v1/segments"
	cases := []struct{ filter, list, field string }{
		{`{"dates_within":0}`, "dates_within=0", "dates_within"},
		{`{"dates_within":-3}`, "dates_within=-3", "dates_within"},
		{`{"tag":"phụ huynh","dates_within":0}`, "tag=x&dates_within=0", "dates_within"},
		{`{"stauts":"lead"}`, "stauts=lead", "stauts"},
		{`{"relationship":"boss_of"}`, "relationship=boss_of", "relationship"},
		{`{"linked_to":"zzz"}`, "linked_to=zzz", "linked_to"},
		{`{"next_action_due":"tomorrow"}`, "next_action_due=tomorrow", "next_action_due"},
		// An empty value, as a form sends a field left blank, would drop
		// the filter and select everyone the others select.
		{`{"tag":""}`, "tag=", "tag"},
		{`{"owner":"user-hoa","relationship":""}`, "owner=user-hoa&relationship=", "relationship"},
		{`{"missing":""}`, "missing=", "missing"},
		{`{"owner":""}`, "owner=", "owner"},
	}
	for _, c := range cases {
		mustName(t, h.Do(t, "GET", people+"?"+c.list, tok, nil), c.field, "")
		mustName(t, h.Do(t, "POST", segments, tok, fmt.Sprintf(`{"name":"x","resource":"people","filter":%s}`, c.filter)), "filter."+c.field, "")
		mustName(t, h.Do(t, "POST", people+"/bulk-changes", tok, fmt.Sprintf(`{"filter":%s,"add_tags":["x"]}`, c.filter)), "filter."+c.field, "")
	}
	// A province no party may hold would list none of them, as if none were there.
	mustName(t, h.Do(t, "GET", orgs+"?province=Hanoi", tok, nil), "province", "is no province of Vietnam")
	mustName(t, h.Do(t, "POST", segments, tok, `{"name":"x","resource":"organizations","filter":{"province":"Xyz"}}`), "filter.province", "is no province")
	mustName(t, h.Do(t, "POST", orgs+"/bulk-changes", tok, `{"filter":{"province":"Hà Bắc"},"add_tags":["x"]}`), "filter.province", "is no province")
	mustStatus(t, h.Do(t, "GET", orgs+"?province="+url.QueryEscape("tp. Hồ Chí Minh"), tok, nil), 200)
	for filter, field := range map[string]string{`{"kind":"","province":"Hà Nội"}`: "kind", `{"stage":"","province":"Hà Nội"}`: "stage", `{"q":""}`: "q"} {
		mustName(t, h.Do(t, "POST", orgs+"/bulk-changes", tok, `{"filter":`+filter+`,"add_tags":["x"]}`), "filter."+field, "is empty")
	}
	mustStatus(t, h.Do(t, "GET", people+"?q=", tok, nil), 200) // a search box left blank lists all
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM segment"); n != 0 {
		t.Fatalf("%d segments saved from bad filters", n)
	}
	r := h.Do(t, "POST", segments, tok, `{"name":"Sắp sinh nhật","resource":"people","filter":{"dates_within":7,"tag":"phụ huynh"}}`)
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), `"filter":{"tag":"phụ huynh","dates_within":7}`) {
		t.Fatalf("segment: %s", r.Body)
	}
}

func TestUnknownRoutesAndWrongMethodsAreProblems(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	for _, c := range []struct {
		method, path string
		status       int
		detail       string
	}{
		{"GET", "/api/contact/v1/peoples", 404, "no route /api/contact/v1/peoples"},
		{"GET", "/api/nothing", 404, "no route /api/nothing"},
		{"PUT", people, 405, "PUT is not allowed on " + people},
		{"DELETE", "/api/contact/v1/segments", 405, "it allows GET, HEAD, POST"},
	} {
		r := h.Do(t, c.method, c.path, tok, nil)
		mustStatus(t, r, c.status)
		if !strings.Contains(string(r.Body), c.detail) {
			t.Errorf("%s %s: %s", c.method, c.path, r.Body)
		}
	}
}

func TestErrorsSayWhatIsWrongWithWhichField(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const interactions = "/api/contact/v1/interactions"
	a := create(t, h, tok, people, `{"full_name":"Trần Thị Mai"}`)
	b := create(t, h, tok, people, `{"full_name":"Tran Thi Mai"}`)
	org := create(t, h, tok, orgs, `{"name":"Trường Mai","kinds":["school"]}`)

	// A title or a label a link's kind has no place for would be lost on
	// an export's round trip.
	r := h.Do(t, "PATCH", people+"/"+a, tok, fmt.Sprintf(`{"relationships":[{"kind":"parent_of","party_id":%q,"title":"Bố"}]}`, b))
	mustStatus(t, r, 422)
	mustName(t, r, "relationships[0].title", "for works_at links only")

	// A date-time not in RFC 3339 names its field and the form, not Go's layout.
	for _, r := range []servicetest.Response{
		h.Do(t, "POST", interactions, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-11-20 10:00"}`, a)),
		h.Do(t, "POST", people, tok, `{"full_name":"An","consents":{"zalo":{"granted":true,"at":"yesterday"}}}`),
		h.Do(t, "PATCH", people+"/"+a, tok, `{"consents":{"email":{"granted":true,"at":"hôm qua"}}}`),
		// A number (seconds since 1970, as some clients send) is no date-time either.
		h.Do(t, "POST", interactions, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":1763600000}`, a)),
		h.Do(t, "PATCH", people+"/"+a, tok, `{"consents":{"email":{"granted":true,"at":1763600000}}}`),
	} {
		if strings.Contains(string(r.Body), "2006-01-02") {
			t.Errorf("the answer shows Go's layout: %s", r.Body)
		}
		mustStatus(t, r, 422)
		if errs := fieldErrors(t, r); len(errs) != 1 || !strings.Contains(errs[0].Message, "RFC 3339") ||
			!slices.Contains([]string{"occurred_at", "consents.zalo.at", "consents.email.at"}, errs[0].Field) {
			t.Errorf("not named with its form: %s", r.Body)
		}
	}

	// A value of the wrong type inside a list or a map is named as itself.
	mustName(t, h.Do(t, "PATCH", people+"/"+a, tok, `{"phones":["0913 999 003", 913999004]}`), "phones[1]", "must be a string")
	mustName(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, `{"merged_id":"01900000-0000-7000-8000-000000000000","keep":{"full_name":1}}`),
		"keep.full_name", "must be a string")

	// A phone's extension has no place in E.164: refused, not dropped.
	mustName(t, h.Do(t, "POST", orgs, tok, `{"name":"Sở GD&ĐT","kinds":["unit"],"phones":["024 3825 1234","0243 825 1235 ext 105"]}`),
		"phones[1]", "has an extension (105)")
	mustName(t, h.Do(t, "PATCH", people+"/"+a, tok, `{"phones":["0913 999 003 x5"]}`), "phones[0]", "has an extension (5)")

	// A ";" in a query string would drop its pair unseen and widen the list.
	mustName(t, h.Do(t, "GET", orgs+"?tag=vip;hn", tok, nil), "tag", `";"`)
	mustName(t, h.Do(t, "GET", people+"/export?format=csv&q=khoa;x", tok, nil), "q", `";"`)

	// A year long past is a typo, not a call.
	mustName(t, h.Do(t, "POST", interactions, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"1800-11-20T10:00:00+07:00"}`, a)),
		"occurred_at", "must not be before 2000-01-01")
	// So is a client's unset time: year 1 is sent, not left out, so it is
	// no "now", and a correction cannot slip it past the check either.
	const unset = `"occurred_at":"0001-01-01T00:00:00Z"`
	mustName(t, h.Do(t, "POST", interactions, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call",%s}`, a, unset)),
		"occurred_at", "must not be before 2000-01-01")
	logged := create(t, h, tok, interactions, fmt.Sprintf(`{"party_id":%q,"kind":"call"}`, a))
	mustName(t, h.Do(t, "PATCH", interactions+"/"+logged, tok, "{"+unset+"}"), "occurred_at", "must not be before 2000-01-01")
	mustName(t, h.Do(t, "PATCH", interactions+"/"+logged, tok, `{"occurred_at":null}`), "occurred_at", "cannot be removed")

	// An id that is no id is not missing.
	mustName(t, h.Do(t, "POST", interactions, tok, `{"party_id":"zzz","kind":"call"}`), "party_id", "is not an id")
	mustName(t, h.Do(t, "POST", interactions, tok, `{"kind":"call"}`), "party_id", "is required")
	mustName(t, h.Do(t, "GET", interactions+"?party_id=zzz", tok, nil), "party_id", "is not an id")
	mustName(t, h.Do(t, "GET", interactions, tok, nil), "party_id", "is required")

	// A merge names the merged_id it cannot take, and why.
	mustName(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, `{"merged_id":"zzz"}`), "merged_id", "is not an id")
	unknown := "01900000-0000-7000-8000-000000000000"
	mustName(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, unknown)), "merged_id", "is not an existing person")
	mustName(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, org)), "merged_id", "is not an existing person")
	mustStatus(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, b)), 200)
	mustName(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b)), "merged_id", "was already merged into "+a)
	mustName(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, a)), "merged_id", "must name another party")
}

func TestAForcedCreationShowsWhyItWasForced(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	create(t, h, tok, people, `{"full_name":"Trần Văn Bình","phones":["0912345678"]}`)
	forced := create(t, h, tok, people, `{"full_name":"Binh Tran","phones":["0912345678"],"force":true,"force_reason":"hai người dùng chung số trường"}`)
	plain := create(t, h, tok, people, `{"full_name":"Lê Văn Cường"}`)
	create(t, h, tok, orgs, `{"name":"Trường A","kinds":["school"],"tax_code":"0101234567"}`)
	forcedOrg := create(t, h, tok, orgs, `{"name":"Trường A (cơ sở 2)","kinds":["school"],"tax_code":"0101234567","force":true,"force_reason":"cơ sở 2 dùng chung mã số thuế"}`)

	var p struct {
		ForceReason *string `json:"force_reason"`
	}
	for path, want := range map[string]string{people + "/" + forced: "hai người dùng chung số trường", orgs + "/" + forcedOrg: "cơ sở 2 dùng chung mã số thuế"} {
		p.ForceReason = nil
		h.Do(t, "GET", path, tok, nil).JSON(t, &p)
		if p.ForceReason == nil || *p.ForceReason != want {
			t.Errorf("GET %s: force_reason %v, want %q", path, p.ForceReason, want)
		}
	}
	p.ForceReason = nil
	if h.Do(t, "GET", people+"/"+plain, tok, nil).JSON(t, &p); p.ForceReason != nil {
		t.Errorf("a party created without force shows force_reason %q", *p.ForceReason)
	}
	// It is the record's history, not something to edit.
	mustName(t, h.Do(t, "PATCH", people+"/"+forced, tok, `{"force_reason":"khác"}`), "force_reason", "cannot be changed")
	r := h.Do(t, "PATCH", people+"/"+forced, tok, `{"tags":["phụ huynh"]}`)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `"force_reason":"hai người dùng chung số trường"`) {
		t.Errorf("a PATCH answer lacks force_reason: %s", r.Body)
	}
}

// dates_within refused as 0, out of range or no number says the same
// bounds wherever it is read, and the activity report's window says its
// own as the README does: at most 366 days, both included.
func TestEveryRefusalOfADaysWindowSaysItsBounds(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	const want = "must be a whole number of days from 1 to 366"
	for _, v := range []string{"0", "-1", "400", "abc", "7.5"} {
		r := h.Do(t, "GET", people+"?dates_within="+v, tok, nil)
		if errs := fieldErrors(t, r); r.Status != 422 || len(errs) != 1 || errs[0].Field != "dates_within" || errs[0].Message != want {
			t.Errorf("dates_within=%s: %d %s", v, r.Status, r.Body)
		}
	}
	for _, v := range []string{"0", "400", `"7"`} {
		r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"sinh nhật","resource":"people","filter":{"dates_within":`+v+`}}`)
		if errs := fieldErrors(t, r); r.Status != 422 || len(errs) != 1 || errs[0].Field != "filter.dates_within" || errs[0].Message != want {
			t.Errorf("a segment's dates_within %s: %d %s", v, r.Status, r.Body)
		}
	}
	mustName(t, h.Do(t, "GET", "/api/contact/v1/activity?from=2025-11-01&to=2026-11-02", tok, nil), "to",
		"must be at most 365 days after from: the window holds at most 366 days, both included")
	mustStatus(t, h.Do(t, "GET", "/api/contact/v1/activity?from=2025-11-02&to=2026-11-02", tok, nil), 200) // 366 days
}
