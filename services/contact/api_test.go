package contact_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const people = "/api/contact/v1/people"
const orgs = "/api/contact/v1/organizations"

type item struct {
	ID       string   `json:"id"`
	FullName string   `json:"full_name"`
	Name     string   `json:"name"`
	Phones   []string `json:"phones"`
	OwnerID  string   `json:"owner_id"`
}

func mustStatus(t testing.TB, r servicetest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	if want >= 400 && r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d is not problem+json: %s", r.Status, r.Header.Get("Content-Type"))
	}
}

func createPerson(t *testing.T, h *servicetest.Harness, tok, body string) item {
	t.Helper()
	r := h.Do(t, "POST", people, tok, body)
	mustStatus(t, r, 201)
	var p item
	r.JSON(t, &p)
	return p
}

func TestAPersonIsCreatedFoundWithoutDiacriticsAndPublished(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Đặng Nguyễn Văn Ánh","phones":["0912 345 678"],"emails":["An@Example.vn"]}`)
	if p.Phones[0] != "+84912345678" || p.OwnerID != "user-sales" {
		t.Fatalf("not normalised or no default owner: %+v", p)
	}
	for _, q := range []string{"dang nguyen van anh", "DANG", "nguyen van a", "+84 912 345 678", "84912345678", "an@example.vn"} {
		var pg struct{ Items []item }
		r := h.Do(t, "GET", people+"?q="+strings.ReplaceAll(strings.ReplaceAll(q, " ", "%20"), "+", "%2B"), h.Token(t, auth.Director), nil)
		mustStatus(t, r, 200)
		r.JSON(t, &pg)
		if len(pg.Items) != 1 || pg.Items[0].ID != p.ID {
			t.Fatalf("search %q found %+v", q, pg.Items)
		}
	}
	r := h.Do(t, "GET", people+"/"+p.ID, tok, nil)
	mustStatus(t, r, 200)
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.created", 10*time.Second, nil)
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}
}

func TestBadInputIsAProblemAndWritesNothing(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	cases := []struct {
		name, path, body string
		status           int
	}{
		{"invalid phone", people, `{"full_name":"An","phones":["12"]}`, 422},
		{"invalid email", people, `{"full_name":"An","emails":["not-an-email"]}`, 422},
		{"unknown field", people, `{"full_name":"An","shoe_size":42}`, 422},
		{"missing name", people, `{"phones":["0912345678"]}`, 422},
		{"invalid json", people, `{"full_name":`, 400},
		{"organisation without name", orgs, `{"kinds":["unit"]}`, 422},
		{"invalid tax code", orgs, `{"name":"Trường A","kinds":["school"],"tax_code":"12"}`, 422},
		{"force without reason", people, `{"full_name":"An","force":true}`, 422},
		{"interaction of unknown kind", "/api/contact/v1/interactions", `{"party_id":"01900000-0000-7000-8000-000000000000","kind":"fax"}`, 422},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { mustStatus(t, h.Do(t, "POST", c.path, tok, c.body), c.status) })
	}
	if n := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM organization) + (SELECT count(*) FROM outbox)"); n != 0 {
		t.Fatalf("%d rows written by bad input", n)
	}
}

func TestRolesAreChecked(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	p := createPerson(t, h, h.Token(t, auth.Trainer), `{"full_name":"Lê Thị Hoa"}`)
	mustStatus(t, h.Do(t, "POST", people, h.Token(t, auth.Director), `{"full_name":"X"}`), 403)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, h.Token(t, auth.Manager), `{"tags":["vip"]}`), 403)
	r := h.Do(t, "POST", "/api/contact/v1/handovers", h.Token(t, auth.Sales), `{"from_owner_id":"a","to_owner_id":"b"}`)
	mustStatus(t, r, 403)
	if !strings.Contains(string(r.Body), "[manager admin]") {
		t.Errorf("the denial does not name every role allowed: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "GET", people+"/"+p.ID, h.Token(t, auth.Director), nil), 200)
	mustStatus(t, h.Do(t, "GET", people, "", nil), 401)
}

func TestADuplicateIsRefusedWithTheMatchUnlessForced(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	first := createPerson(t, h, tok, `{"full_name":"Trần Văn Bình","phones":["0912345678"]}`)
	r := h.Do(t, "POST", people, tok, `{"full_name":"Binh Tran","phones":["+84 912 345 678"]}`)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), first.ID) {
		t.Fatalf("409 does not name the match: %s", r.Body)
	}
	forced := createPerson(t, h, tok, `{"full_name":"Binh Tran","phones":["+84 912 345 678"],"force":true,"force_reason":"two people share the school phone"}`)
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM person WHERE force_reason IS NOT NULL"); n != 1 {
		t.Fatalf("%d forced rows", n)
	}
	// Both stay editable: only a key an edit adds is checked.
	mustStatus(t, h.Do(t, "PATCH", people+"/"+forced.ID, tok, `{"tags":["phụ huynh"]}`), 200)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+first.ID, tok, `{"emails":["binh@example.vn"]}`), 200)
	r = h.Do(t, "PATCH", people+"/"+forced.ID, tok, `{"emails":["binh@example.vn"]}`)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), first.ID) {
		t.Fatalf("409 does not name the match: %s", r.Body)
	}
}

func TestAnUpdateWritesFieldHistory(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Phạm Văn Cường"}`)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"zalo_id":"z123","tags":["vip"]}`), 200)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"emails":["bad"]}`), 422)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"unknown":1}`), 422)
	var hist struct {
		Items []struct{ Actor, Field string }
	}
	r := h.Do(t, "GET", people+"/"+p.ID+"/history", tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &hist)
	// The creation opens it, then one entry per field changed.
	if len(hist.Items) != 3 || hist.Items[0].Field != "created" || hist.Items[1].Actor != "user-sales" {
		t.Fatalf("history %+v", hist.Items)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.updated", 10*time.Second, nil)
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}
}

func TestMergeKeepsTheSurvivorAndResolvesTheOldID(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := createPerson(t, h, tok, `{"full_name":"Võ Thị Lan","phones":["0912000001"]}`)
	b := createPerson(t, h, tok, `{"full_name":"Vo Thi Lan","emails":["lan@x.vn"]}`)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"ok"}`, b.ID)), 201)
	mustStatus(t, h.Do(t, "POST", people+"/"+a.ID+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, a.ID)), 422)
	mustStatus(t, h.Do(t, "POST", people+"/"+a.ID+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, b.ID)), 200)
	var got item
	r := h.Do(t, "GET", people+"/"+b.ID, tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &got)
	if got.ID != a.ID {
		t.Fatalf("old id resolved to %s, want %s", got.ID, a.ID)
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM interaction WHERE party_id=$1", a.ID); n != 1 {
		t.Fatalf("survivor has %d interactions", n)
	}
	mustStatus(t, h.Do(t, "POST", people+"/"+a.ID+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b.ID)), 422)
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.merged", 10*time.Second, nil)
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}
}

func TestInteractionsReachTheTimelineAndOwnersAreAudited(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	o := h.Do(t, "POST", orgs, tok, `{"name":"Trường THCS Đống Đa","kinds":["school"],"tax_code":"0101234567","province":"Hà Nam"}`)
	mustStatus(t, o, 201)
	var org item
	o.JSON(t, &org)
	p := createPerson(t, h, tok, `{"full_name":"Ngô Văn Đức"}`)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", h.Token(t, auth.Trainer),
		fmt.Sprintf(`{"party_id":%q,"kind":"zalo","outcome":"hẹn gọi lại","next_action_on":"2026-11-05"}`, p.ID)), 201)
	testkit.Eventually(t, 10*time.Second, "the timeline entry", func() bool {
		var tl struct{ Items []struct{ Type string } }
		h.Do(t, "GET", people+"/"+p.ID+"/timeline", tok, nil).JSON(t, &tl)
		return len(tl.Items) == 1 && tl.Items[0].Type == "rapport.contact.interaction.logged.v1"
	})
	var due struct{ Items []item }
	h.Do(t, "GET", people+"?next_action_due=2026-11-06", tok, nil).JSON(t, &due)
	if len(due.Items) != 1 {
		t.Fatalf("next action filter found %d", len(due.Items))
	}
	r := h.Do(t, "GET", people+"/"+p.ID+"/care", tok, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `"last_touched_by":"user-trainer"`) {
		t.Fatalf("care: %s", r.Body)
	}
	r = h.Do(t, "POST", "/api/contact/v1/handovers", h.Token(t, auth.Manager), `{"from_owner_id":"user-sales","to_owner_id":"user-lead","reason":"left"}`)
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), `"organizations":1,"people":1`) {
		t.Fatalf("hand-over: %s", r.Body)
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM owner_audit WHERE handover_id IS NOT NULL"); n != 2 {
		t.Fatalf("%d audit rows", n)
	}
	var byProvince struct{ Items []item }
	h.Do(t, "GET", orgs+"?province=Ninh%20B%C3%ACnh&kind=school", tok, nil).JSON(t, &byProvince)
	if len(byProvince.Items) != 1 {
		t.Fatalf("province filter (Hà Nam is Ninh Bình now) found %d", len(byProvince.Items))
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.owner_changed", 10*time.Second, nil)
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}
}

func TestSegmentsCountWhatTheySelect(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	createPerson(t, h, tok, `{"full_name":"Hồ Văn Em","tags":["phụ huynh"]}`)
	createPerson(t, h, tok, `{"full_name":"Hồ Thị Gấm"}`)
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Họ Hồ","resource":"people","filter":{"q":"ho"}}`)
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), `"count":2`) {
		t.Fatalf("segment: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"","resource":"cats","filter":{}}`), 422)
	// The team shares one list: a name that folds alike is taken, for that resource.
	r = h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":" họ HO ","resource":"people","filter":{"tag":"x"}}`)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), "already named so") {
		t.Errorf("a segment named alike: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Họ Hồ","resource":"organizations","filter":{"q":"ho"}}`), 201)
}

func TestTheOpenAPIDocumentIsServed(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	r := h.Do(t, "GET", "/api/contact/openapi.json", "", nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `"/api/contact/v1/people"`) {
		t.Fatalf("document lacks the people resource")
	}
}

func TestANameIsFoundByWordsNextToItsPunctuation(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	names := []string{"Công ty TNHH Sao Mai (Việt Nam)", "Phòng GD&ĐT Ba Đình", "Trường Tiểu học Lê Lợi, cơ sở 2"}
	for _, n := range names {
		create(t, h, tok, orgs, fmt.Sprintf(`{"name":%q,"kinds":["unit"]}`, n))
	}
	for q, want := range map[string]string{
		"viet":                   names[0],
		"viet nam":               names[0],
		"sao mai (Việt Nam)":     names[0],
		"dt":                     names[1],
		"GD&ĐT":                  names[1],
		"Phòng GD&ĐT Ba Đình":    names[1],
		"loi, co":                names[2],
		"Lê Lợi, cơ sở 2":        names[2],
		"truong tieu hoc le loi": names[2],
	} {
		var list struct{ Items []struct{ Name string } }
		r := h.Do(t, "GET", orgs+"?q="+url.QueryEscape(q), tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].Name != want {
			t.Errorf("q=%s found %s, want %s", q, r.Body, want)
		}
	}
}
