package contact_test

import (
	"encoding/base64"
	"fmt"
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
	}
	for _, c := range cases {
		mustName(t, h.Do(t, "GET", people+"?"+c.list, tok, nil), c.field, "")
		mustName(t, h.Do(t, "POST", segments, tok, fmt.Sprintf(`{"name":"x","resource":"people","filter":%s}`, c.filter)), "filter."+c.field, "")
		mustName(t, h.Do(t, "POST", people+"/bulk-changes", tok, fmt.Sprintf(`{"filter":%s,"add_tags":["x"]}`, c.filter)), "filter."+c.field, "")
	}
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
