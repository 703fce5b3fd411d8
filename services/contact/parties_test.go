package contact_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// create posts body to path and returns the new record's id.
func create(t *testing.T, h *servicetest.Harness, tok, path, body string) string {
	t.Helper()
	r := h.Do(t, "POST", path, tok, body)
	mustStatus(t, r, 201)
	var v struct{ ID string }
	r.JSON(t, &v)
	return v.ID
}

// names lists the name (organisations) or full name (people) of a search page.
func names(t *testing.T, h *servicetest.Harness, tok, path string) []string {
	t.Helper()
	r := h.Do(t, "GET", path, tok, nil)
	mustStatus(t, r, 200)
	var pg struct{ Items []item }
	r.JSON(t, &pg)
	out := []string{}
	for _, it := range pg.Items {
		out = append(out, it.Name+it.FullName)
	}
	return out
}

// fieldsOf returns the field names of a 422 problem's errors.
func fieldsOf(t *testing.T, r servicetest.Response) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string }
	}
	r.JSON(t, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func TestAnOrganisationLivesThroughCreateSearchUpdateMergeAndDelete(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	so := create(t, h, tok, orgs, `{"name":"Sở Giáo dục và Đào tạo Hà Nội","kinds":["supervising_unit"],"province":"Hà Nội"}`)
	school := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường Tiểu học Đoàn Thị Điểm","kinds":["school","unit"],
 "tax_code":"0101 234 567","province":"Hà Nội","district":"Nam Từ Liêm","ward":"Mỹ Đình 1","address":"Số 1 Lê Đức Thọ",
 "phones":["024 3765 4321"],"emails":["VanPhong@DTD.edu.vn"],"website":"https://dtd.edu.vn","supervising_unit_id":%q,
 "stage":"prospect","tags":["tiểu học"],"notes":"Hiệu trưởng thích gọi buổi sáng","custom_fields":{"student_count":1200,"budget_chapter":"422"}}`, so))

	var got struct {
		TaxCode              string `json:"tax_code"`
		Website, Ward, Stage string
		Phones, Emails       []string
		CustomFields         map[string]any `json:"custom_fields"`
		SupervisingUnitID    string         `json:"supervising_unit_id"`
	}
	r := h.Do(t, "GET", orgs+"/"+school, tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &got)
	if got.TaxCode != "0101234567" || got.Phones[0] != "+842437654321" || got.Emails[0] != "vanphong@dtd.edu.vn" ||
		got.SupervisingUnitID != so || got.CustomFields["student_count"] != 1200.0 || got.Stage != "prospect" {
		t.Fatalf("stored organisation: %+v", got)
	}

	for q, want := range map[string][]string{
		"?q=0101234567":                                         {"Trường Tiểu học Đoàn Thị Điểm"},
		"?q=%2B84%2024%203765%204321":                           {"Trường Tiểu học Đoàn Thị Điểm"},
		"?q=doan%20thi%20diem":                                  {"Trường Tiểu học Đoàn Thị Điểm"},
		"?q=SO%20GIAO%20DUC":                                    {"Sở Giáo dục và Đào tạo Hà Nội"},
		"?supervising_unit=" + so:                               {"Trường Tiểu học Đoàn Thị Điểm"},
		"?kind=unit&stage=prospect":                             {"Trường Tiểu học Đoàn Thị Điểm"},
		"?tag=ti%E1%BB%83u%20h%E1%BB%8Dc":                       {"Trường Tiểu học Đoàn Thị Điểm"},
		"?tag=TIEU++HOC":                                        {"Trường Tiểu học Đoàn Thị Điểm"},
		"?tag=tie%CC%82%CC%89u%20ho%CC%A3c":                     {"Trường Tiểu học Đoàn Thị Điểm"}, // decomposed (NFD)
		"?province=H%C3%A0%20N%E1%BB%99i&kind=supervising_unit": {"Sở Giáo dục và Đào tạo Hà Nội"},
		"?stage=customer":                                       {},
		"?owner=user-lead&kind=vendor":                          {},
	} {
		if found := names(t, h, tok, orgs+q); !slices.Equal(found, want) {
			t.Errorf("search %s found %q, want %q", q, found, want)
		}
	}

	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+school, tok, `{"stage":"customer","website":null}`), 200)
	var hist struct {
		Items []struct {
			Field    string
			Old, New any
		}
	}
	h.Do(t, "GET", orgs+"/"+school+"/history", tok, nil).JSON(t, &hist)
	changed := map[string][2]any{}
	for _, c := range hist.Items {
		changed[c.Field] = [2]any{c.Old, c.New}
	}
	if changed["stage"] != [2]any{"prospect", "customer"} || changed["website"][0] != "https://dtd.edu.vn" {
		t.Fatalf("history: %+v", hist.Items)
	}

	// A second record of the same school, forced past the duplicate check,
	// is merged into the first: its id resolves to the survivor.
	dup := h.Do(t, "POST", orgs, tok, `{"name":"TH Đoàn Thị Điểm","kinds":["school"],"tax_code":"0101234567"}`)
	mustStatus(t, dup, 409)
	copyID := create(t, h, tok, orgs, `{"name":"TH Đoàn Thị Điểm","kinds":["school"],"tax_code":"0101234567","phones":["0243 765 4000"],"force":true,"force_reason":"nhập từ file cũ"}`)
	r = h.Do(t, "POST", orgs+"/"+school+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor","force_reason":"survivor"}}`, copyID))
	mustStatus(t, r, 200)
	var merged struct {
		Phones    []string
		MergedIDs []string `json:"merged_ids"`
	}
	r.JSON(t, &merged)
	if len(merged.Phones) != 2 || !slices.Contains(merged.MergedIDs, copyID) {
		t.Fatalf("merged organisation: %s", r.Body)
	}
	var viaOld item
	h.Do(t, "GET", orgs+"/"+copyID, tok, nil).JSON(t, &viaOld)
	if viaOld.ID != school {
		t.Fatalf("merged id resolves to %s, want %s", viaOld.ID, school)
	}

	// A supervising unit is not deleted from under the units it supervises.
	r = h.Do(t, "DELETE", orgs+"/"+so, tok, nil)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), school) {
		t.Fatalf("409 does not name the supervised unit: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+school, tok, fmt.Sprintf(`{"supervising_unit_id":%q}`, school)), 422)

	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+school, tok, nil), 204)
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+so, tok, nil), 204)
	mustStatus(t, h.Do(t, "GET", orgs+"/"+school, tok, nil), 404)
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+school, tok, nil), 404)
	if found := names(t, h, tok, orgs+"?q=0101234567"); len(found) != 0 {
		t.Fatalf("a deleted organisation is still found by its tax code: %q", found)
	}
	// Its tax code is free again.
	create(t, h, tok, orgs, `{"name":"Trường Tiểu học Đoàn Thị Điểm (mới)","kinds":["school"],"tax_code":"0101234567"}`)

	for _, subject := range []string{"created", "updated", "merged", "deleted"} {
		e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization."+subject, 10*time.Second, nil)
		if err := contract.Rapport().Check(e); err != nil {
			t.Fatal(err)
		}
	}
	up := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization.updated", 10*time.Second, nil)
	body, _ := contract.Decode[contract.OrganizationUpdated](up)
	if body.Organization.Stage != "customer" || !sameSet(body.ChangedFields, []string{"stage", "website"}) {
		t.Fatalf("updated event: %s", up.Data)
	}
}

func TestBadOrganisationsAreProblemsNamingTheirFields(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	unknownID := event.NewID().String()
	person := create(t, h, tok, people, `{"full_name":"Mai Anh"}`)
	cases := []struct {
		name, body string
		fields     []string
	}{
		{"unknown kind", `{"name":"A","kinds":["bank"]}`, []string{"kinds[0]"}},
		{"no kind", `{"name":"A","kinds":[]}`, []string{"kinds"}},
		{"unknown stage", `{"name":"A","kinds":["unit"],"stage":"hot"}`, []string{"stage"}},
		{"unknown custom field", `{"name":"A","kinds":["school"],"custom_fields":{"student_count":1,"mascot":"cat"}}`, []string{"custom_fields.mascot"}},
		{"custom field of another kind", `{"name":"A","kinds":["vendor"],"custom_fields":{"student_count":1}}`, []string{"custom_fields.student_count"}},
		{"mistyped custom field", `{"name":"A","kinds":["school"],"custom_fields":{"student_count":"many"}}`, []string{"custom_fields.student_count"}},
		{"bad website", `{"name":"A","kinds":["unit"],"website":"not a url"}`, []string{"website"}},
		{"unknown supervising unit", fmt.Sprintf(`{"name":"A","kinds":["unit"],"supervising_unit_id":%q}`, unknownID), []string{"supervising_unit_id"}},
		{"supervising unit not an id", `{"name":"A","kinds":["unit"],"supervising_unit_id":"Sở GD"}`, []string{"supervising_unit_id"}},
		{"supervised by a person", fmt.Sprintf(`{"name":"A","kinds":["unit"],"supervising_unit_id":%q}`, person), []string{"supervising_unit_id"}},
		{"wrong type", `{"name":"A","kinds":"unit"}`, nil},
		{"several bad fields", `{"name":"","kinds":["unit"],"phones":["123"],"emails":["a@"]}`, []string{"name", "phones[0]", "emails[0]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.Do(t, "POST", orgs, tok, c.body)
			mustStatus(t, r, 422)
			if got := fieldsOf(t, r); c.fields != nil && !sameSet(got, c.fields) {
				t.Fatalf("fields %q, want %q: %s", got, c.fields, r.Body)
			}
		})
	}
	if n := testkit.Count(t, h.Pool, "SELECT (SELECT count(*) FROM organization) + (SELECT count(*) FROM outbox WHERE aggregate_type='organization') + (SELECT count(*) FROM party_key)"); n != 0 {
		t.Fatalf("%d rows written by bad organisations", n)
	}
	mustStatus(t, h.Do(t, "GET", orgs+"/"+unknownID, tok, nil), 404)
	mustStatus(t, h.Do(t, "GET", orgs+"/not-an-id", tok, nil), 404)
	mustStatus(t, h.Do(t, "GET", orgs+"/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", tok, nil), 404)
	mustStatus(t, h.Do(t, "GET", orgs+"/urn:uuid:"+unknownID, tok, nil), 404)
	// A merged_id that is no id is named, whatever the path names.
	mustStatus(t, h.Do(t, "POST", orgs+"/"+unknownID+"/merge", tok, `{"merged_id":"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}`), 422)
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+unknownID, tok, `{"stage":"lead"}`), 404)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+unknownID+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, event.NewID())), 404)
	mustStatus(t, h.Do(t, "GET", orgs+"?stage=hot", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", orgs+"?stag=lead", tok, nil), 422)
	repeated := h.Do(t, "GET", orgs+"?tag=a&stage=lead&tag=b", tok, nil)
	if mustStatus(t, repeated, 422); !sameSet(fieldsOf(t, repeated), []string{"tag"}) {
		t.Fatalf("a repeated filter: %s", repeated.Body)
	}
	if blank := h.Do(t, "GET", orgs+"?tag=%20%20", tok, nil); blank.Status != 422 || !sameSet(fieldsOf(t, blank), []string{"tag"}) {
		t.Fatalf("a blank tag: %d %s", blank.Status, blank.Body)
	}
	mustStatus(t, h.Do(t, "GET", orgs+"?supervising_unit=S%E1%BB%9F", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", orgs+"/export?format=pdf", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", orgs+"/export?kinds=unit", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", orgs+"?limit=0", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", orgs+"?cursor=%25%25%25", tok, nil), 422)
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"n":"a","i":"not-an-id"}`))
	mustStatus(t, h.Do(t, "GET", orgs+"?stage=lead&cursor="+forged, tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", orgs+"?q=truong&cursor="+forged, tok, nil), 422)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestAPersonCarriesRelationshipsConsentsAndDatesIntoItsEvents(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THPT Chu Văn An","kinds":["school"]}`)
	student := create(t, h, tok, people, `{"full_name":"Lý Gia Hân"}`)
	parent := create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Lý Văn Đạt","phones":["0983 111 222"],"zalo_id":"dat.ly",
 "birthday":"02/03/1985","important_dates":[{"label":"Ngày cưới","date":"2010-10-10"}],
 "consents":{"zalo":{"granted":true,"at":"2026-01-05T08:00:00Z","source":"phiếu đăng ký"},"email":{"granted":false,"at":"2026-01-05T08:00:00Z","source":"gọi điện"}},
 "relationships":[{"kind":"works_at","party_id":%q,"title":"Kế toán trưởng"},{"kind":"parent_of","party_id":%q}],
 "tags":["phụ huynh"]}`, school, student))

	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.created", 10*time.Second,
		func(e event.Event) bool { return e.AggregateID == parent })
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}
	created, _ := contract.Decode[contract.PersonCreated](e)
	p := created.Person
	if p.GivenName != "Đạt" || p.Birthday != "1985-03-02" || p.ZaloID != "dat.ly" || p.Phones[0] != "+84983111222" ||
		!slices.Equal(p.OrganizationIDs, []string{school}) ||
		!slices.Equal(p.Relationships, []contract.ContactRelationship{{Kind: "works_at", PartyID: school, Title: "Kế toán trưởng"}, {Kind: "parent_of", PartyID: student}}) ||
		len(p.ImportantDates) != 1 || p.ImportantDates[0].Date != "2010-10-10" ||
		!p.Consents["zalo"].Granted || p.Consents["zalo"].Source != "phiếu đăng ký" || p.Consents["email"].Granted {
		t.Fatalf("person.created carries %s", e.Data)
	}

	// Withdrawing Zalo consent is an update whose event says so; the patch
	// merges into the consents, so the email decision stays.
	mustStatus(t, h.Do(t, "PATCH", people+"/"+parent, tok,
		`{"consents":{"zalo":{"granted":false,"at":"2026-06-01T08:00:00Z","source":"phụ huynh nhắn tin từ chối"}}}`), 200)
	e = testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.updated", 10*time.Second, nil)
	updated, _ := contract.Decode[contract.PersonUpdated](e)
	if updated.Person.Consents["zalo"].Granted || !slices.Equal(updated.ChangedFields, []string{"consents.zalo"}) ||
		!updated.Person.Consents["email"].At.Equal(time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("person.updated carries %s", e.Data)
	}

	cases := []struct {
		name, body string
		fields     []string
	}{
		{"consent without source", `{"full_name":"A","consents":{"sms":{"granted":true,"at":"2026-01-05T08:00:00Z"}}}`, []string{"consents.sms.source"}},
		{"consent without time", `{"full_name":"A","consents":{"sms":{"granted":true,"source":"web"}}}`, []string{"consents.sms.at"}},
		{"unknown channel", `{"full_name":"A","consents":{"fax":{"granted":true,"at":"2026-01-05T08:00:00Z","source":"web"}}}`, []string{"consents.fax"}},
		{"impossible birthday", `{"full_name":"A","birthday":"2025-02-30"}`, []string{"birthday"}},
		{"birthday tomorrow", `{"full_name":"A","birthday":"2026-11-03"}`, []string{"birthday"}}, // the clock says 2 November
		{"consent given tomorrow", `{"full_name":"A","consents":{"sms":{"granted":true,"at":"2026-11-03T08:00:00+07:00","source":"web"}}}`, []string{"consents.sms.at"}},
		{"date without label", `{"full_name":"A","important_dates":[{"date":"2020-01-01"}]}`, []string{"important_dates[0].label"}},
		{"unknown relationship", fmt.Sprintf(`{"full_name":"A","relationships":[{"kind":"boss_of","party_id":%q}]}`, student), []string{"relationships[0].kind"}},
		{"related without label", fmt.Sprintf(`{"full_name":"A","relationships":[{"kind":"related_to","party_id":%q}]}`, student), []string{"relationships[0].label"}},
		{"works at a missing organisation", fmt.Sprintf(`{"full_name":"A","relationships":[{"kind":"works_at","party_id":%q}]}`, event.NewID()), []string{"relationships[0].party_id"}},
		{"works at a person", fmt.Sprintf(`{"full_name":"A","relationships":[{"kind":"works_at","party_id":%q}]}`, student), []string{"relationships[0].party_id"}},
		{"parent of an organisation", fmt.Sprintf(`{"full_name":"A","relationships":[{"kind":"parent_of","party_id":%q}]}`, school), []string{"relationships[0].party_id"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.Do(t, "POST", people, tok, c.body)
			mustStatus(t, r, 422)
			if got := fieldsOf(t, r); !sameSet(got, c.fields) {
				t.Fatalf("fields %q, want %q: %s", got, c.fields, r.Body)
			}
		})
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM person"); n != 2 {
		t.Fatalf("%d people, want the 2 valid ones", n)
	}

	// A link to a merged organisation is stored as a link to its survivor.
	old := create(t, h, tok, orgs, `{"name":"THPT Chu Văn An (cũ)","kinds":["school"]}`)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+school+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, old)), 200)
	r := h.Do(t, "PATCH", people+"/"+parent, tok, fmt.Sprintf(`{"relationships":[{"kind":"works_at","party_id":%q}]}`, old))
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), school) || strings.Contains(string(r.Body), old) {
		t.Fatalf("link to a merged organisation: %s", r.Body)
	}

	// No new link can be made to a deleted person.
	mustStatus(t, h.Do(t, "DELETE", people+"/"+student, tok, nil), 204)
	r = h.Do(t, "PATCH", people+"/"+parent, tok, fmt.Sprintf(`{"relationships":[{"kind":"parent_of","party_id":%q}]}`, student))
	mustStatus(t, r, 422)
	if got := fieldsOf(t, r); !sameSet(got, []string{"relationships[0].party_id"}) {
		t.Fatalf("a new link to a deleted person: %s", r.Body)
	}
	e = testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.deleted", 10*time.Second, nil)
	if err := contract.Rapport().Check(e); err != nil || e.AggregateID != student {
		t.Fatalf("person.deleted %s: %v", e.Data, err)
	}
}

func TestLinksFollowTheirPartyThroughMergesAndDeletes(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	so := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Thành phố Huế","kinds":["supervising_unit"]}`)
	oldSo := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Thừa Thiên Huế","kinds":["supervising_unit"]}`)
	school := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường THCS Nguyễn Tri Phương","kinds":["school"],"supervising_unit_id":%q}`, oldSo))
	schoolCopy := create(t, h, tok, orgs, `{"name":"THCS Nguyễn Tri Phương","kinds":["school"]}`)
	child := create(t, h, tok, people, `{"full_name":"Hồ Minh Khôi"}`)
	twin := create(t, h, tok, people, `{"full_name":"Hồ Minh Khôi","tags":["nhập trùng"]}`)
	teacher := create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Hồ Thị Lan","relationships":[
 {"kind":"works_at","party_id":%q,"title":"Giáo viên"},{"kind":"works_at","party_id":%q,"title":"Tổ trưởng"},
 {"kind":"parent_of","party_id":%q}]}`, schoolCopy, school, twin))
	type rel struct{ Kind, PartyID, Title string }
	relationships := func() []rel {
		var p struct {
			Relationships []struct {
				Kind    string `json:"kind"`
				PartyID string `json:"party_id"`
				Title   string `json:"title"`
			}
		}
		r := h.Do(t, "GET", people+"/"+teacher, tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &p)
		out := []rel{}
		for _, r := range p.Relationships {
			out = append(out, rel{r.Kind, r.PartyID, r.Title})
		}
		return out
	}
	historyOf := func(path string) []string {
		var hist struct {
			Items []struct{ Actor, Field string }
		}
		r := h.Do(t, "GET", path+"/history", tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &hist)
		var fields []string
		for _, it := range hist.Items {
			if it.Actor != "user-sales" {
				t.Fatalf("history of %s names %q", path, it.Actor)
			}
			fields = append(fields, it.Field)
		}
		return fields
	}

	// Merging the copy of the school into it: the teacher's two jobs there
	// become one, keeping the title she had at the survivor. Merging the
	// twin into the child moves her parent link; merging the old supervising
	// unit into the new one moves the school's.
	mustStatus(t, h.Do(t, "POST", orgs+"/"+school+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, schoolCopy)), 200)
	mustStatus(t, h.Do(t, "POST", people+"/"+child+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, twin)), 200)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+so+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, oldSo)), 200)
	want := []rel{{"works_at", school, "Tổ trưởng"}, {"parent_of", child, ""}}
	if got := relationships(); !slices.Equal(got, want) {
		t.Fatalf("after the merges the teacher links %+v, want %+v", got, want)
	}
	var unit struct {
		SupervisingUnitID string `json:"supervising_unit_id"`
	}
	r := h.Do(t, "GET", orgs+"/"+school, tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &unit)
	if unit.SupervisingUnitID != so {
		t.Fatalf("the school is supervised by %s, want the surviving unit %s", unit.SupervisingUnitID, so)
	}
	if got := historyOf(orgs + "/" + school); !slices.Equal(got, []string{"created", "merged_ids", "merged_from", "merge_conflict.name", "supervising_unit_id"}) {
		t.Fatalf("school history %q", got)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization.updated", 10*time.Second,
		func(e event.Event) bool { return e.AggregateID == school })
	if err := contract.Rapport().Check(e); err != nil {
		t.Fatal(err)
	}
	if u, _ := contract.Decode[contract.OrganizationUpdated](e); u.Organization.SupervisingUnitID != so || !slices.Equal(u.ChangedFields, []string{"supervising_unit_id"}) {
		t.Fatalf("organization.updated carries %s", e.Data)
	}

	// Deleting the school and the child drops the links to them.
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+school, tok, nil), 204)
	mustStatus(t, h.Do(t, "DELETE", people+"/"+child, tok, nil), 204)
	if got := relationships(); len(got) != 0 {
		t.Fatalf("after the deletes the teacher links %+v", got)
	}
	if got := historyOf(people + "/" + teacher); !slices.Equal(got, []string{"created", "relationships", "relationships", "relationships", "relationships"}) {
		t.Fatalf("teacher history %q", got)
	}
	// Each change to her links was published, in order.
	var orgIDs [][]string
	for _, e := range streamEvents(t, h.JS, h.Pool, "CONTACT") {
		if e.Type == "rapport.contact.person.updated.v1" && e.AggregateID == teacher {
			u, _ := contract.Decode[contract.PersonUpdated](e)
			if !slices.Equal(u.ChangedFields, []string{"relationships"}) {
				t.Fatalf("person.updated names %q", u.ChangedFields)
			}
			orgIDs = append(orgIDs, u.Person.OrganizationIDs)
		}
	}
	if want := [][]string{{school}, {school}, {}, {}}; !slices.EqualFunc(orgIDs, want, slices.Equal) {
		t.Fatalf("person.updated events name organisations %q, want %q", orgIDs, want)
	}

	// The teacher can be edited, and linked anew, as before.
	mustStatus(t, h.Do(t, "PATCH", people+"/"+teacher, tok, fmt.Sprintf(`{"relationships":[{"kind":"works_at","party_id":%q}]}`, so)), 200)
}

func TestSearchPagesByCursorWithoutGapsOrRepeats(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	var want []string
	for _, name := range []string{"Phan Văn Đông", "Phan Thị Ánh", "phan văn bảo", "Phan Văn Ðức", "Phan Minh", "Phạm Văn Phan", "Phan Thị Ánh"} {
		create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q}`, name))
		want = append(want, name)
	}
	create(t, h, tok, people, `{"full_name":"Trần Văn Phát"}`) // "phan" is not a prefix of any of his words
	for _, q := range []string{"?q=phan&limit=3", "?owner=user-sales&limit=2"} {
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("%s: the cursor never ends", q)
			}
			r := h.Do(t, "GET", people+q+cursor, tok, nil)
			mustStatus(t, r, 200)
			var pg struct {
				Items      []item
				NextCursor string `json:"next_cursor"`
			}
			r.JSON(t, &pg)
			for _, it := range pg.Items {
				got = append(got, it.FullName)
			}
			if pg.NextCursor == "" {
				break
			}
			cursor = "&cursor=" + url.QueryEscape(pg.NextCursor)
		}
		expect := want
		if strings.Contains(q, "owner") {
			expect = append(slices.Clone(want), "Trần Văn Phát")
		}
		if !sameSet(got, expect) {
			t.Fatalf("%s paged through %q, want %q", q, got, expect)
		}
	}
}

func TestEveryDenialIsAForbiddenProblem(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	p := createPerson(t, h, h.Token(t, auth.Lead), `{"full_name":"Đinh Thị Thu"}`)
	q := createPerson(t, h, h.Token(t, auth.Lead), `{"full_name":"Dinh Thi Thu"}`)
	seg := create(t, h, h.Token(t, auth.Lead), "/api/contact/v1/segments", `{"name":"Thu","resource":"people","filter":{"q":"thu"}}`)
	handover := `{"from_owner_id":"user-lead","to_owner_id":"user-sales","reason":"nghỉ việc"}`
	denied := []struct {
		role         auth.Role
		method, path string
		body         string
	}{
		{auth.Director, "POST", people, `{"full_name":"X"}`},
		{auth.Director, "PATCH", people + "/" + p.ID, `{"tags":["x"]}`},
		{auth.Director, "DELETE", people + "/" + p.ID, ""},
		{auth.Director, "POST", people + "/" + p.ID + "/merge", fmt.Sprintf(`{"merged_id":%q}`, q.ID)},
		{auth.Director, "POST", people + "/" + p.ID + "/owner", `{"owner_id":"user-sales"}`},
		{auth.Director, "POST", "/api/contact/v1/interactions", fmt.Sprintf(`{"party_id":%q,"kind":"call"}`, p.ID)},
		{auth.Director, "POST", "/api/contact/v1/imports", ""},
		{auth.Director, "POST", "/api/contact/v1/handovers", handover},
		{auth.Manager, "POST", orgs, `{"name":"X","kinds":["unit"]}`},
		{auth.Sales, "POST", "/api/contact/v1/handovers", handover},
		{auth.Lead, "POST", "/api/contact/v1/handovers", handover},
		{auth.Trainer, "POST", "/api/contact/v1/handovers", handover},
	}
	for _, d := range denied {
		t.Run(fmt.Sprintf("%s %s %s", d.role, d.method, d.path), func(t *testing.T) {
			var body any
			if d.body != "" {
				body = d.body
			}
			mustStatus(t, h.Do(t, d.method, d.path, h.Token(t, d.role), body), 403)
		})
	}
	// Director reads everything, exports included.
	for _, path := range []string{people + "/" + p.ID + "/history", people + "/" + p.ID + "/care", people + "/" + p.ID + "/timeline",
		"/api/contact/v1/segments/" + seg, "/api/contact/v1/segments/" + seg + "/export", people + "/export?q=thu",
		"/api/contact/v1/interactions?party_id=" + p.ID} {
		mustStatus(t, h.Do(t, "GET", path, h.Token(t, auth.Director), nil), 200)
	}
	// Nothing above changed a thing: both people, one owner each, no hand-over.
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM person WHERE owner_id='user-lead'"); n != 2 {
		t.Fatalf("%d people still owned by user-lead", n)
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM interaction"); n != 0 {
		t.Fatalf("%d interactions logged by denied calls", n)
	}
	r := h.Do(t, "POST", "/api/contact/v1/handovers", h.Token(t, auth.Admin), handover)
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), `"people":2`) {
		t.Fatalf("admin hand-over: %s", r.Body)
	}
}

func TestReassigningOneOwnerIsAuditedAndPublished(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Trainer)
	o := create(t, h, tok, orgs, `{"name":"Công ty Sách Cánh Diều","kinds":["partner","vendor"]}`)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+o+"/owner", tok, `{"owner_id":""}`), 422)
	r := h.Do(t, "POST", orgs+"/"+o+"/owner", tok, `{"owner_id":"user-sales","reason":"phụ trách khu vực phía Bắc"}`)
	mustStatus(t, r, 200)
	var care struct {
		OwnerID    string     `json:"owner_id"`
		OwnerSince *time.Time `json:"owner_since"`
	}
	h.Do(t, "GET", orgs+"/"+o+"/care", tok, nil).JSON(t, &care)
	if care.OwnerID != "user-sales" || care.OwnerSince == nil {
		t.Fatalf("care: %+v", care)
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM owner_audit WHERE party_id=$1 AND old_owner='user-trainer' AND new_owner='user-sales' AND actor='user-trainer'", o); n != 1 {
		t.Fatalf("%d audit rows for the reassignment", n)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization.owner_changed", 10*time.Second, nil)
	changed, err := contract.Decode[contract.OrganizationOwnerChanged](e)
	if err != nil || contract.Rapport().Check(e) != nil || changed.OldOwnerID != "user-trainer" || changed.NewOwnerID != "user-sales" {
		t.Fatalf("owner_changed: %s", e.Data)
	}
}

func TestSegmentsAreListedReadAndDeleted(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Quận Ba Đình","kinds":["supervising_unit"],"stage":"customer"}`)
	create(t, h, tok, orgs, `{"name":"Trường MN Hoa Sen","kinds":["school"],"stage":"lead"}`)
	seg := create(t, h, tok, "/api/contact/v1/segments", `{"name":"Khách hàng","resource":"organizations","filter":{"stage":"customer"}}`)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Bad","resource":"organizations","filter":{"stage":"hot"}}`), 422)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Bad","resource":"organizations","filter":{"colour":"red"}}`), 422)
	var list struct {
		Items []struct {
			ID, Name string
			Count    int
		}
	}
	r := h.Do(t, "GET", "/api/contact/v1/segments", tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != seg || list.Items[0].Count != 1 {
		t.Fatalf("segments: %s", r.Body)
	}
	rows := readCSV(t, h.Do(t, "GET", "/api/contact/v1/segments/"+seg+"/export", tok, nil))
	if len(rows) != 2 || !slices.Contains(rows[1], "Phòng GD&ĐT Quận Ba Đình") {
		t.Fatalf("segment export: %q", rows)
	}

	// A segment is shared: another sales user or a director cannot delete
	// it; its creator and a manager can.
	colleague, err := auth.Issue(runner.DevSecret, "user-sales-2", []auth.Role{auth.Sales}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{colleague, h.Token(t, auth.Director)} {
		r := h.Do(t, "DELETE", "/api/contact/v1/segments/"+seg, other, nil)
		mustStatus(t, r, 403)
		if !strings.Contains(string(r.Body), "user-sales") {
			t.Fatalf("the refusal does not name the creator: %s", r.Body)
		}
	}
	mustStatus(t, h.Do(t, "GET", "/api/contact/v1/segments/"+seg, colleague, nil), 200)
	mustStatus(t, h.Do(t, "DELETE", "/api/contact/v1/segments/"+seg, tok, nil), 204)
	mustStatus(t, h.Do(t, "GET", "/api/contact/v1/segments/"+seg, tok, nil), 404)
	mustStatus(t, h.Do(t, "DELETE", "/api/contact/v1/segments/"+seg, tok, nil), 404)
	other := create(t, h, colleague, "/api/contact/v1/segments", `{"name":"Đầu mối","resource":"organizations","filter":{"stage":"lead"}}`)
	mustStatus(t, h.Do(t, "DELETE", "/api/contact/v1/segments/"+other, h.Token(t, auth.Manager), nil), 204)
}

func TestSegmentsArePagedByNameAndFilteredByResource(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const segments = "/api/contact/v1/segments"
	// Two segments share a name: the id orders them, and paging splits them.
	for _, s := range []struct{ name, resource string }{
		{"Phụ huynh", "people"}, {"Khách hàng", "organizations"}, {"Đầu mối", "organizations"},
		{"Khách hàng", "people"}, {"Trường mầm non", "organizations"},
	} {
		create(t, h, tok, segments, fmt.Sprintf(`{"name":%q,"resource":%q,"filter":{}}`, s.name, s.resource))
	}
	type list struct {
		Items      []struct{ ID, Name, Resource string }
		NextCursor string `json:"next_cursor"`
	}
	walk := func(limit int, query string) (names []string, pages int) {
		seen := map[string]bool{}
		for cursor := ""; ; pages++ {
			var l list
			r := h.Do(t, "GET", segments+"?limit="+strconv.Itoa(limit)+query+cursor, tok, nil)
			mustStatus(t, r, 200)
			r.JSON(t, &l)
			for _, it := range l.Items {
				if seen[it.ID] {
					t.Fatalf("%s listed twice", it.ID)
				}
				seen[it.ID] = true
				names = append(names, it.Name+"/"+it.Resource)
			}
			if l.NextCursor == "" {
				return names, pages + 1
			}
			cursor = "&cursor=" + l.NextCursor
		}
	}
	// Pages of two list what one page lists, in the same order: by name
	// without diacritics or case ("Đầu mối" first, not after "Trường" as
	// bytes would sort it), then id.
	paged, pages := walk(2, "")
	whole, _ := walk(500, "")
	if len(paged) != 5 || pages != 3 || !slices.Equal(paged, whole) {
		t.Fatalf("%d pages: %q, in one page: %q", pages, paged, whole)
	}
	var names []string
	for _, n := range paged {
		name, _, _ := strings.Cut(n, "/")
		names = append(names, name)
	}
	if want := []string{"Đầu mối", "Khách hàng", "Khách hàng", "Phụ huynh", "Trường mầm non"}; !slices.Equal(names, want) {
		t.Fatalf("order %q, want %q", names, want)
	}
	if people, _ := walk(2, "&resource=people"); !sameSet(people, []string{"Phụ huynh/people", "Khách hàng/people"}) {
		t.Fatalf("people's segments: %q", people)
	}
	mustName(t, h.Do(t, "GET", segments+"?resource=schools", tok, nil), "resource", "must be organizations or people")
	mustName(t, h.Do(t, "GET", segments+"?limit=0", tok, nil), "limit", "must be a whole number")
	mustName(t, h.Do(t, "GET", segments+"?cursor=bm9wZQ", tok, nil), "cursor", "is not a cursor")
	mustName(t, h.Do(t, "GET", segments+"?name=Khách", tok, nil), "name", "")
}

func TestALoggedInteractionIsPublishedAndBadOnesAreRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	o := create(t, h, tok, orgs, `{"name":"UBND Phường Tây Hồ","kinds":["unit"]}`)
	const path = "/api/contact/v1/interactions"
	for name, body := range map[string]string{
		"unknown party":      fmt.Sprintf(`{"party_id":%q,"kind":"call"}`, event.NewID()),
		"no party":           `{"kind":"call"}`,
		"party not an id":    `{"party_id":"Trường A","kind":"call"}`,
		"bad next action":    fmt.Sprintf(`{"party_id":%q,"kind":"call","next_action_on":"mai"}`, o),
		"unknown field":      fmt.Sprintf(`{"party_id":%q,"kind":"call","mood":"good"}`, o),
		"unknown kind":       fmt.Sprintf(`{"party_id":%q,"kind":"telegram"}`, o),
		"occurred_at string": fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"yesterday"}`, o),
		// The clock says Monday 2 November, 09:00 in Hanoi.
		"a call tomorrow":           fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-11-03T09:00:00+07:00"}`, o),
		"follow-up before the call": fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-10-30T09:00:00+07:00","next_action_on":"2026-10-29"}`, o),
	} {
		t.Run(name, func(t *testing.T) {
			r := h.Do(t, "POST", path, tok, body)
			if r.Status != 400 && r.Status != 422 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			mustStatus(t, r, r.Status)
		})
	}
	mustStatus(t, h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"meeting","outcome":"đồng ý học thử","next_action_on":"2026-12-01"}`, o)), 201)
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.interaction.logged", 10*time.Second, nil)
	logged, _ := contract.Decode[contract.InteractionLogged](e)
	if err := contract.Rapport().Check(e); err != nil || logged.PartyType != "organization" || logged.PartyID != o || logged.NextActionOn != "2026-12-01" {
		t.Fatalf("interaction.logged %s: %v", e.Data, err)
	}
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM interaction"); n != 1 {
		t.Fatalf("%d interactions", n)
	}

	// A call of last week logged now keeps the follow-up agreed today; so
	// does a note afterwards that agrees none, before the follow-up's day.
	due := func(day string) []string { return names(t, h, tok, orgs+"?next_action_due="+day) }
	mustStatus(t, h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-10-26T10:00:00+07:00","next_action_on":"2026-10-28"}`, o)), 201)
	if got := due("2026-11-30"); len(got) != 0 {
		t.Fatalf("a backfilled call moved the follow-up of 1 December: due by 30 November %q", got)
	}
	if got := due("2026-12-01"); len(got) != 1 {
		t.Fatalf("due by 1 December: %q", got)
	}
	h.Clock.Advance(time.Hour)
	mustStatus(t, h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"note","outcome":"đã gửi hợp đồng"}`, o)), 201)
	if got := due("2026-12-01"); len(got) != 1 {
		t.Fatalf("a note before the follow-up's day dropped it: due by 1 December %q", got)
	}

	// Merging a party keeps its follow-up when its interaction is the
	// latest to agree one.
	dup := create(t, h, tok, orgs, `{"name":"UBND P. Tây Hồ (cũ)","kinds":["unit"]}`)
	h.Clock.Advance(time.Hour)
	mustStatus(t, h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"zalo","next_action_on":"2026-11-20"}`, dup)), 201)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+o+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, dup)), 200)
	if got := due("2026-11-20"); !slices.Equal(got, []string{"UBND Phường Tây Hồ"}) {
		t.Fatalf("after the merge, due by 20 November: %q", got)
	}
}

// TestEveryContactEventIsDocumented drives every write of the API and then
// reads the whole CONTACT stream: every event matches its catalogue entry,
// and every contact entry of the catalogue was seen.
func TestEveryContactEventIsDocumented(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	o1 := create(t, h, tok, orgs, `{"name":"Trường A","kinds":["school"]}`)
	o2 := create(t, h, tok, orgs, `{"name":"Trường A cũ","kinds":["school"]}`)
	p1 := create(t, h, tok, people, `{"full_name":"Nguyễn Văn A"}`)
	p2 := create(t, h, tok, people, `{"full_name":"Nguyen Van A"}`)
	for _, c := range []struct{ base, a, b, name string }{{orgs, o1, o2, "name"}, {people, p1, p2, "full_name"}} {
		mustStatus(t, h.Do(t, "PATCH", c.base+"/"+c.a, tok, `{"tags":["x"]}`), 200)
		mustStatus(t, h.Do(t, "POST", c.base+"/"+c.a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{%q:"survivor"}}`, c.b, c.name)), 200)
		mustStatus(t, h.Do(t, "POST", c.base+"/"+c.a+"/owner", tok, `{"owner_id":"user-lead","reason":"chia lại"}`), 200)
		it := create(t, h, tok, "/api/contact/v1/interactions", fmt.Sprintf(`{"party_id":%q,"kind":"note"}`, c.a))
		mustStatus(t, h.Do(t, "PATCH", "/api/contact/v1/interactions/"+it, tok, `{"kind":"call"}`), 200)
		mustStatus(t, h.Do(t, "DELETE", "/api/contact/v1/interactions/"+it, tok, nil), 204)
		// Its new owner deletes it, and restores it.
		mustStatus(t, h.Do(t, "DELETE", c.base+"/"+c.a, h.Token(t, auth.Lead), nil), 204)
		mustStatus(t, h.Do(t, "POST", c.base+"/"+c.a+"/restore", h.Token(t, auth.Lead), `{"reason":"xoá nhầm"}`), 200)
	}
	want := map[string]bool{}
	for _, e := range contract.Rapport().Entries() {
		if e.Context() == "contact" {
			want[e.Type()] = true
		}
	}
	seen := readStream(t, h.JS, h.Pool, "CONTACT")
	for typ := range want {
		if seen[typ] == 0 {
			t.Errorf("no %s event", typ)
		}
	}
}

// readStream checks every event on stream against the catalogue once the
// outbox is empty, and counts them by type.
// streamEvents waits until the outbox is relayed, then reads every event of
// stream in order, each checked against the catalogue.
func streamEvents(t *testing.T, js jetstream.JetStream, pool *pgxpool.Pool, stream string) []event.Event {
	t.Helper()
	testkit.Eventually(t, 10*time.Second, "an empty outbox", func() bool {
		return testkit.Count(t, pool, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
	})
	ctx := t.Context()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []event.Event
	for range info.State.Msgs {
		msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		e, err := event.Decode(msg.Subject(), msg.Headers(), msg.Data())
		if err != nil {
			t.Fatalf("undecodable event on %s: %v", msg.Subject(), err)
		}
		if err := contract.Rapport().Check(e); err != nil {
			t.Error(err)
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(e.Data, &probe) != nil {
			t.Errorf("%s body is not an object", e.Type)
		}
		out = append(out, e)
	}
	return out
}

// readStream counts the events of stream by type.
func readStream(t *testing.T, js jetstream.JetStream, pool *pgxpool.Pool, stream string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, e := range streamEvents(t, js, pool, stream) {
		seen[e.Type]++
	}
	return seen
}

func TestBirthdaysAndImportantDatesComingUpAreFound(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{}) // today is 2 November 2026 in Vietnam
	tok := h.Token(t, auth.Sales)
	for _, body := range []string{
		`{"full_name":"An Văn Sinh","birthday":"1985-11-05"}`,
		`{"full_name":"Bùi Thị Cưới","important_dates":[{"label":"Ngày cưới","date":"2010-11-08"}]}`,
		`{"full_name":"Cao Văn Muộn","birthday":"1990-11-09"}`,
		`{"full_name":"Dương Thị Hôm Nay","birthday":"02/11/1975"}`,
		`{"full_name":"Đỗ Văn Không"}`,
	} {
		create(t, h, tok, people, body)
	}
	file := "Họ và tên,Ngày sinh\nHoàng Văn Nhập,03/11/1980\nKhúc Thị Xa,03/12/1980\n"
	if job := importFile(t, h, tok, "sinh-nhat.csv", []byte(file), "people", 30*time.Second); job.Progress.Created != 2 {
		t.Fatalf("import: %+v", job)
	}

	// Soonest first: today's birthday, tomorrow's, the 5th's, the 8th's.
	want := []string{"Dương Thị Hôm Nay", "Hoàng Văn Nhập", "An Văn Sinh", "Bùi Thị Cưới"}
	if got := names(t, h, tok, people+"?dates_within=7"); !slices.Equal(got, want) {
		t.Fatalf("dates within 7 days: %q, want %q", got, want)
	}
	if got := names(t, h, tok, people+"?dates_within=1&owner=user-sales"); !slices.Equal(got, []string{"Dương Thị Hôm Nay"}) {
		t.Fatalf("dates today: %q", got)
	}
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Sinh nhật tuần này","resource":"people","filter":{"dates_within":7}}`)
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), `"count":4`) {
		t.Fatalf("segment: %s", r.Body)
	}

	// Moving a birthday moves its reminder.
	var found struct{ Items []item }
	h.Do(t, "GET", people+"?q=an%20van%20sinh", tok, nil).JSON(t, &found)
	if len(found.Items) != 1 {
		t.Fatalf("search An: %+v", found.Items)
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+found.Items[0].ID, tok, `{"birthday":"1985-12-01"}`), 200)
	if got := names(t, h, tok, people+"?dates_within=7"); slices.Contains(got, "An Văn Sinh") {
		t.Fatalf("a moved birthday is still due: %q", got)
	}

	for _, q := range []string{"?dates_within=0", "?dates_within=400", "?dates_within=-3", "?dates_within=week", "?kind=school"} {
		mustStatus(t, h.Do(t, "GET", people+q, tok, nil), 422)
	}
	mustStatus(t, h.Do(t, "GET", orgs+"?dates_within=7", tok, nil), 422)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"X","resource":"organizations","filter":{"dates_within":7}}`), 422)
}

func TestADeploymentDefinesItsOwnCustomFields(t *testing.T) {
	file := filepath.Join(t.TempDir(), "fields.json")
	schema := `{"vendor": [{"name": "contract_no", "type": "string", "required": true},
 {"name": "rating", "type": "string", "allowed": ["A", "B", "C"]}]}`
	if err := os.WriteFile(file, []byte(schema), 0o600); err != nil {
		t.Fatal(err)
	}
	h := servicetest.Start(t, contact.Service(), servicetest.Options{Config: func(cfg *runner.Config) {
		cfg.Env = func(name string) string {
			if name == contact.CustomFieldsVariable {
				return file
			}
			return ""
		}
	}})
	tok := h.Token(t, auth.Lead)
	r := h.Do(t, "GET", "/api/contact/v1/field-definitions", h.Token(t, auth.Director), nil)
	mustStatus(t, r, 200)
	var defs map[string][]struct{ Name string }
	r.JSON(t, &defs)
	if len(defs) != 1 || len(defs["vendor"]) != 2 || defs["vendor"][0].Name != "contract_no" {
		t.Fatalf("field definitions: %s", r.Body)
	}
	for body, fields := range map[string][]string{
		`{"name":"NXB Giáo dục","kinds":["vendor"]}`:                                                      {"custom_fields.contract_no"},
		`{"name":"NXB Giáo dục","kinds":["vendor"],"custom_fields":{"contract_no":"HĐ-12","rating":"D"}}`: {"custom_fields.rating"},
		`{"name":"Trường A","kinds":["school"],"custom_fields":{"student_count":5}}`:                      {"custom_fields.student_count"},
	} {
		r := h.Do(t, "POST", orgs, tok, body)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !sameSet(got, fields) {
			t.Errorf("%s: fields %q, want %q", body, got, fields)
		}
	}
	create(t, h, tok, orgs, `{"name":"NXB Giáo dục","kinds":["vendor"],"custom_fields":{"contract_no":"HĐ-12","rating":"A"}}`)

	// A broken schema stops the service at start, saying why.
	if err := os.WriteFile(file, []byte(`{"vendor": [{"name": "x", "type": "money"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := contact.Service().Build(t.Context(), runner.Deps{Config: runner.Config{Env: func(string) string { return file }}})
	if err == nil || !strings.Contains(err.Error(), `unknown type "money"`) {
		t.Fatalf("a broken schema: %v", err)
	}
}

// A person linked to a twin gains a link to the other while the twin is
// merged into it: the merge locks both and then the people linked to the
// twin, the edit locks the person and then the party it newly links, and
// Postgres breaks the deadlock by aborting one of them. That one is run
// again, so neither request fails, and both orders end the same way.
func TestAnEditRacingAMergeOfItsLinksNeverFails(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const pairs = 8
	var children, twins, parents [pairs]string
	for i := range pairs {
		children[i] = create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Con số %d"}`, i))
		twins[i] = create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Con số %d","tags":["nhập trùng"]}`, i))
		parents[i] = create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Phụ huynh số %d","relationships":[{"kind":"parent_of","party_id":%q}]}`, i, twins[i]))
	}
	type result struct {
		what   string
		status int
		body   string
	}
	results := make(chan result, 2*pairs)
	start := make(chan struct{})
	for i := range pairs {
		go func() {
			<-start
			r := h.Do(t, "POST", people+"/"+children[i]+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, twins[i]))
			results <- result{"merge", r.Status, string(r.Body)}
		}()
		go func() {
			<-start
			r := h.Do(t, "PATCH", people+"/"+parents[i], tok, fmt.Sprintf(
				`{"relationships":[{"kind":"parent_of","party_id":%q},{"kind":"related_to","label":"con nuôi","party_id":%q}]}`, twins[i], children[i]))
			results <- result{"patch", r.Status, string(r.Body)}
		}()
	}
	close(start)
	for range 2 * pairs {
		if r := <-results; r.status != 200 {
			t.Errorf("%s answered %d: %s", r.what, r.status, r.body)
		}
	}
	for i := range pairs {
		var p struct {
			Relationships []struct {
				Kind    string `json:"kind"`
				PartyID string `json:"party_id"`
			}
		}
		r := h.Do(t, "GET", people+"/"+parents[i], tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &p)
		if len(p.Relationships) != 2 || p.Relationships[0].PartyID != children[i] || p.Relationships[1].PartyID != children[i] {
			t.Errorf("parent %d links %+v, want two links to the surviving child", i, p.Relationships)
		}
	}
}

// The fake clock's today is Monday 2026-11-02 (+07), so the default window
// is 27 October to 2 November, counted in the business time zone.
func TestTheActivityReportShowsWhoReallyCallsAndCares(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	sales, lead := h.Token(t, auth.Sales), h.Token(t, auth.Lead)
	school := create(t, h, sales, orgs, `{"name":"Trường TH Kim Đồng","kinds":["school"]}`)
	parent := create(t, h, sales, people, `{"full_name":"Trần Thị Hoa"}`)
	teacher := create(t, h, lead, people, `{"full_name":"Đỗ Văn Nam"}`)
	logged := func(tok, partyID, kind, at, next string) {
		mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok, fmt.Sprintf(
			`{"party_id":%q,"kind":%q,"occurred_at":%q,"next_action_on":%q}`, partyID, kind, at, next)), 201)
	}
	logged(sales, parent, "call", "2026-11-01T10:00:00+07:00", "")
	logged(sales, parent, "zalo", "2026-10-27T00:10:00+07:00", "") // 26 October in UTC
	logged(sales, school, "note", "2026-10-30T15:00:00+07:00", "2026-10-31")
	logged(lead, teacher, "meeting", "2026-10-26T23:30:00+07:00", "2026-11-20") // the day before the window

	type staff struct {
		StaffID            string         `json:"staff_id"`
		Interactions       int            `json:"interactions"`
		ByKind             map[string]int `json:"by_kind"`
		PartiesContacted   int            `json:"parties_contacted"`
		LastInteractionAt  *time.Time     `json:"last_interaction_at"`
		PartiesOwned       int            `json:"parties_owned"`
		OverdueNextActions int            `json:"overdue_next_actions"`
	}
	report := func(tok, query string) (from, to string, out map[string]staff) {
		r := h.Do(t, "GET", "/api/contact/v1/activity"+query, tok, nil)
		mustStatus(t, r, 200)
		var body struct {
			From, To string
			Staff    []staff
		}
		r.JSON(t, &body)
		out = map[string]staff{}
		for _, s := range body.Staff {
			out[s.StaffID] = s
		}
		return body.From, body.To, out
	}
	from, to, got := report(h.Token(t, auth.Manager), "")
	if from != "2026-10-27" || to != "2026-11-02" {
		t.Fatalf("default window %s..%s", from, to)
	}
	s, l := got["user-sales"], got["user-lead"]
	if s.Interactions != 3 || !maps.Equal(s.ByKind, map[string]int{"call": 1, "zalo": 1, "note": 1}) || s.PartiesContacted != 2 ||
		s.LastInteractionAt == nil || !s.LastInteractionAt.Equal(time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)) ||
		s.PartiesOwned != 2 || s.OverdueNextActions != 1 {
		t.Fatalf("sales activity %+v", s)
	}
	if l.Interactions != 0 || len(l.ByKind) != 0 || l.LastInteractionAt != nil || l.PartiesOwned != 1 || l.OverdueNextActions != 0 || len(got) != 2 {
		t.Fatalf("lead activity %+v in %+v", l, got)
	}
	_, _, got = report(h.Token(t, auth.Director), "?from=26/10/2026&to=2026-10-26")
	if got["user-lead"].Interactions != 1 || got["user-lead"].ByKind["meeting"] != 1 || got["user-sales"].Interactions != 0 {
		t.Fatalf("activity on 26 October %+v", got)
	}

	mustStatus(t, h.Do(t, "GET", "/api/contact/v1/activity", sales, nil), 403)
	for query, field := range map[string]string{
		"?from=2026-02-30":               "from",
		"?from=2026-11-02&to=2026-11-01": "from",
		"?from=2025-01-01&to=2026-11-01": "to",
		"?staff=user-sales":              "staff",
		"?to=tomorrow":                   "to",
	} {
		r := h.Do(t, "GET", "/api/contact/v1/activity"+query, lead, nil)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Equal(got, []string{field}) {
			t.Errorf("%s: fields %q, want %s", query, got, field)
		}
	}
}

func TestPeopleAreFoundByWhatTheyAreLinkedTo(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Trainer)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	annex := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng (cơ sở 2)","kinds":["school"]}`)
	child := create(t, h, tok, people, `{"full_name":"Phan Thị Út"}`)
	link := func(name string, rels ...string) {
		create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"relationships":[%s]}`, name, strings.Join(rels, ",")))
	}
	rel := func(kind, id, extra string) string {
		return fmt.Sprintf(`{"kind":%q,"party_id":%q%s}`, kind, id, extra)
	}
	// A parent who teaches at the school: linked to both, by different links.
	link("Phan Văn Bố", rel("parent_of", child, ""), rel("works_at", school, `,"title":"Giáo viên"`))
	link("Lê Thị Giám Hộ", rel("guardian_of", child, ""))
	link("Phan Văn Anh", rel("related_to", child, `,"label":"anh trai"`))
	link("Đỗ Thị Hiệu Trưởng", rel("works_at", school, `,"title":"Hiệu trưởng"`))
	link("Ngô Văn Cơ Sở", rel("works_at", annex, ""))
	link("Vũ Văn Khác", rel("parent_of", create(t, h, tok, people, `{"full_name":"Vũ Thị Con"}`), ""))

	for q, want := range map[string][]string{
		"linked_to=" + school:                            {"Đỗ Thị Hiệu Trưởng", "Phan Văn Bố"},
		"linked_to=" + child:                             {"Lê Thị Giám Hộ", "Phan Văn Anh", "Phan Văn Bố"},
		"linked_to=" + child + "&relationship=parent_of": {"Phan Văn Bố"},
		"relationship=parent_of":                         {"Phan Văn Bố", "Vũ Văn Khác"},
		"relationship=guardian_of":                       {"Lê Thị Giám Hộ"},
		// The parent works at the school, but is no parent of it.
		"linked_to=" + school + "&relationship=parent_of": {},
		"linked_to=" + school + "&q=phan":                 {"Phan Văn Bố"},
	} {
		if got := names(t, h, tok, people+"?"+q); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}

	// The annex merged into the school: its people are the school's, and its
	// old id, in a bookmark or a saved segment, still finds them.
	mustStatus(t, h.Do(t, "POST", orgs+"/"+school+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, annex)), 200)
	want := []string{"Đỗ Thị Hiệu Trưởng", "Ngô Văn Cơ Sở", "Phan Văn Bố"}
	for _, id := range []string{school, annex} {
		if got := names(t, h, tok, people+"?linked_to="+id); !slices.Equal(got, want) {
			t.Errorf("linked to %s after the merge: %q, want %q", id, got, want)
		}
	}
	// So does a supervising unit's.
	phong := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Ba Đình","kinds":["supervising_unit"]}`)
	oldPhong := create(t, h, tok, orgs, `{"name":"Phòng Giáo dục Ba Đình","kinds":["supervising_unit"]}`)
	create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường Tiểu học Kim Đồng","kinds":["school"],"supervising_unit_id":%q}`, oldPhong))
	mustStatus(t, h.Do(t, "POST", orgs+"/"+phong+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, oldPhong)), 200)
	if got := names(t, h, tok, orgs+"?supervising_unit="+oldPhong); !slices.Equal(got, []string{"Trường Tiểu học Kim Đồng"}) {
		t.Errorf("supervised by a merged unit: %q", got)
	}
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, fmt.Sprintf(`{"name":"Giáo viên Kim Đồng","resource":"people","filter":{"linked_to":%q,"relationship":"works_at"}}`, annex))
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), `"count":3`) {
		t.Fatalf("segment: %s", r.Body)
	}
	rows := readCSV(t, h.Do(t, "GET", people+"/export?format=csv&relationship=guardian_of", tok, nil))
	if len(rows) != 2 || rows[1][1] != "Lê Thị Giám Hộ" {
		t.Fatalf("export of the guardians: %q", rows)
	}

	for q, field := range map[string]string{
		people + "?linked_to=kim-dong":                  "linked_to",
		people + "?relationship=cousin_of":              "relationship",
		orgs + "?linked_to=" + school:                   "linked_to",
		orgs + "?relationship=works_at":                 "relationship",
		people + "?linked_to=" + school + "&linked_to=": "linked_to",
	} {
		r := h.Do(t, "GET", q, tok, nil)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Equal(got, []string{field}) {
			t.Errorf("%s: problems on %q, want %q", q, got, field)
		}
	}
	r = h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"X","resource":"organizations","filter":{"relationship":"works_at"}}`)
	mustStatus(t, r, 422)
}

// ifMatch sends a JSON request (none when body is "") with an If-Match header.
func ifMatch(t *testing.T, h *servicetest.Harness, method, path, tok, body, etag string) servicetest.Response {
	t.Helper()
	req, err := http.NewRequest(method, h.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("If-Match", etag)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return servicetest.Send(t, req)
}

// Two staff open the same record; the second to save, with the version they
// read in If-Match, is refused instead of replacing the first's phones unseen.
func TestAWriteOnAVersionChangedSinceItWasReadIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	etag := func(r servicetest.Response) string {
		t.Helper()
		mustStatus(t, r, r.Status)
		return r.Header.Get("ETag")
	}
	r := h.Do(t, "POST", people, tok, `{"full_name":"Trịnh Văn Bình","phones":["0912000111"]}`)
	mustStatus(t, r, 201)
	var p item
	r.JSON(t, &p)
	path := people + "/" + p.ID
	if got := etag(r); got != `"1"` {
		t.Fatalf("a new record's ETag is %q", got)
	}
	read := etag(h.Do(t, "GET", path, tok, nil))

	// A adds a phone; B, who read the same version, replaces the list.
	r = ifMatch(t, h, "PATCH", path, tok, `{"phones":["0912000111","0988000222"]}`, read)
	mustStatus(t, r, 200)
	if got := etag(r); got != `"2"` {
		t.Fatalf("after a change the ETag is %q", got)
	}
	events := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`)
	r = ifMatch(t, h, "PATCH", path, tok, `{"phones":["0977000333"]}`, read)
	mustStatus(t, r, 412)
	var prob struct{ ETag string }
	r.JSON(t, &prob)
	if prob.ETag != `"2"` {
		t.Errorf("the 412 names the current version %q, want \"2\"", prob.ETag)
	}
	h.Do(t, "GET", path, tok, nil).JSON(t, &p)
	if !slices.Equal(p.Phones, []string{"+84912000111", "+84988000222"}) {
		t.Errorf("phones after the refused write: %q", p.Phones)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`); n != events {
		t.Errorf("the refused write appended %d events", n-events)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history WHERE party_id=$1 AND field='phones'`, p.ID); n != 1 {
		t.Errorf("%d changes of phones in history, want A's only", n)
	}

	// "*" allows any version; a weak tag never matches (RFC 9110); a header
	// that is no list of tags is a 422 naming it.
	mustStatus(t, ifMatch(t, h, "PATCH", path, tok, `{"notes":"gọi buổi sáng"}`, "*"), 200)
	mustStatus(t, ifMatch(t, h, "PATCH", path, tok, `{"notes":"x"}`, `W/"3"`), 412)
	r = ifMatch(t, h, "PATCH", path, tok, `{"notes":"x"}`, `3`)
	mustStatus(t, r, 422)
	if got := fieldsOf(t, r); !slices.Equal(got, []string{"If-Match"}) {
		t.Errorf("a malformed If-Match: problems on %q", got)
	}
	// A PATCH that changes nothing keeps the version.
	if got := etag(ifMatch(t, h, "PATCH", path, tok, `{"notes":"gọi buổi sáng"}`, `"3"`)); got != `"3"` {
		t.Errorf("a PATCH changing nothing answers %q", got)
	}

	// A new owner is a change of the record; a logged call is not.
	mustStatus(t, h.Do(t, "POST", path+"/owner", tok, `{"owner_id":"user-lead","reason":"chia lại"}`), 200)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-11-02T08:00:00+07:00"}`, p.ID)), 201)
	if got := etag(h.Do(t, "GET", path, tok, nil)); got != `"4"` {
		t.Errorf("after a new owner and a call the ETag is %q, want \"4\"", got)
	}

	// A delete of an older version is refused too, and the record stays
	// (its owner now, the lead, deletes it).
	lead := h.Token(t, auth.Lead)
	mustStatus(t, ifMatch(t, h, "DELETE", path, lead, "", `"3"`), 412)
	mustStatus(t, h.Do(t, "GET", path, tok, nil), 200)
	mustStatus(t, ifMatch(t, h, "DELETE", path, lead, "", `"4"`), 204)

	// Organisations work the same way.
	r = h.Do(t, "POST", orgs, tok, `{"name":"Trường Mầm non Hoa Sen","kinds":["school"]}`)
	mustStatus(t, r, 201)
	var o item
	r.JSON(t, &o)
	mustStatus(t, ifMatch(t, h, "PATCH", orgs+"/"+o.ID, tok, `{"stage":"prospect"}`, `"1"`), 200)
	mustStatus(t, ifMatch(t, h, "PATCH", orgs+"/"+o.ID, tok, `{"stage":"customer"}`, `"1"`), 412)
}

// A merge and an owner change are writes of the record at their URL like a
// PATCH: they answer its new ETag and refuse an If-Match it has moved past,
// so of two staff handing one parent to different colleagues the second
// learns of the first instead of overwriting it.
func TestAMergeOrNewOwnerOnAVersionChangedSinceItWasReadIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	parent := create(t, h, tok, people, `{"full_name":"Đào Thị Hạnh","phones":["0912000444"]}`)
	path := people + "/" + parent
	current := func() (owner, etag string) {
		t.Helper()
		r := h.Do(t, "GET", path, tok, nil)
		mustStatus(t, r, 200)
		var v struct {
			OwnerID string `json:"owner_id"`
		}
		r.JSON(t, &v)
		return v.OwnerID, r.Header.Get("ETag")
	}
	_, read := current()
	audits := func() int64 {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM owner_audit WHERE party_id=$1`, parent)
	}

	// A hands her to one colleague, B (who read the same version) to another.
	r := ifMatch(t, h, "POST", path+"/owner", tok, `{"owner_id":"user-lan","reason":"gần nhà"}`, read)
	mustStatus(t, r, 200)
	owner, etag := current()
	if got := r.Header.Get("ETag"); got != etag || got == read {
		t.Errorf("the owner change answers ETag %q; the record is at %q, was read at %q", got, etag, read)
	}
	events, before := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`), audits()
	r = ifMatch(t, h, "POST", path+"/owner", tok, `{"owner_id":"user-minh","reason":"cùng lớp"}`, read)
	mustStatus(t, r, 412)
	var prob struct{ ETag string }
	r.JSON(t, &prob)
	if prob.ETag != etag {
		t.Errorf("the 412 names version %q, want %q", prob.ETag, etag)
	}
	if now, _ := current(); now != owner || owner != "user-lan" {
		t.Errorf("owner after the refused change %q, want user-lan", now)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`); n != events || audits() != before {
		t.Errorf("the refused change wrote %d events and %d audit records", n-events, audits()-before)
	}
	// Giving her to the owner she has already is no write.
	r = ifMatch(t, h, "POST", path+"/owner", staffToken(t, "user-lan", auth.Sales), `{"owner_id":"user-lan","reason":"vẫn chị Lan"}`, etag)
	mustStatus(t, r, 200)
	if got := r.Header.Get("ETag"); got != etag {
		t.Errorf("an owner change to the same owner answers %q, want %q", got, etag)
	}

	// A duplicate of her is merged into her record: refused on the version
	// read before a colleague's edit, done on the current one.
	dup := create(t, h, tok, people, `{"full_name":"Đào Hạnh","emails":["hanh.dao@example.vn"]}`)
	mustStatus(t, h.Do(t, "PATCH", path, tok, `{"notes":"phụ huynh lớp 6A"}`), 200)
	r = ifMatch(t, h, "POST", path+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor","owner_id":"survivor"}}`, dup), etag)
	mustStatus(t, r, 412)
	mustStatus(t, h.Do(t, "GET", people+"/"+dup, tok, nil), 200)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM party_alias WHERE alias_id=$1`, dup); n != 0 {
		t.Errorf("the refused merge left %d aliases", n)
	}
	_, etag = current()
	r = ifMatch(t, h, "POST", path+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor","owner_id":"survivor"}}`, dup), etag)
	mustStatus(t, r, 200)
	var merged struct{ Emails []string }
	r.JSON(t, &merged)
	_, after := current()
	if got := r.Header.Get("ETag"); got != after || got == etag {
		t.Errorf("the merge answers ETag %q; the record is at %q, was at %q", got, after, etag)
	}
	if !slices.Contains(merged.Emails, "hanh.dao@example.vn") {
		t.Errorf("the merge answers emails %q", merged.Emails)
	}
	// Organisations work the same way; a malformed header is a 422 naming it.
	o := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Dịch Vọng","kinds":["school"]}`)
	mustStatus(t, ifMatch(t, h, "POST", orgs+"/"+o+"/owner", tok, `{"owner_id":"user-lan","reason":"gần nhà"}`, `"2"`), 412)
	r = ifMatch(t, h, "POST", orgs+"/"+o+"/owner", tok, `{"owner_id":"user-lan","reason":"gần nhà"}`, `1`)
	mustStatus(t, r, 422)
	if got := fieldsOf(t, r); !slices.Equal(got, []string{"If-Match"}) {
		t.Errorf("a malformed If-Match: problems on %q", got)
	}
	mustStatus(t, ifMatch(t, h, "POST", orgs+"/"+o+"/owner", tok, `{"owner_id":"user-lan","reason":"gần nhà"}`, `"1"`), 200)
}

// A record answers with the names of the parties it links to, looked up when
// it is read: a renamed school shows its new name on its staff's records, and
// a name sent in is ignored rather than stored.
func TestARecordNamesThePartiesItLinksTo(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	type named struct {
		SupervisingUnitName string `json:"supervising_unit_name"`
		Relationships       []struct {
			PartyID   string `json:"party_id"`
			PartyName string `json:"party_name"`
		}
	}
	linkNames := func(r servicetest.Response) []string {
		t.Helper()
		var v named
		r.JSON(t, &v)
		out := []string{v.SupervisingUnitName}
		for _, rel := range v.Relationships {
			out = append(out, rel.PartyName)
		}
		return out
	}
	phong := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Cầu Giấy","kinds":["supervising_unit"]}`)
	r := h.Do(t, "POST", orgs, tok, fmt.Sprintf(`{"name":"Trường THCS Nghĩa Tân","kinds":["school"],"supervising_unit_id":%q,"supervising_unit_name":"Bộ Giáo dục"}`, phong))
	mustStatus(t, r, 201)
	if got := linkNames(r); !slices.Equal(got, []string{"Phòng GD&ĐT Cầu Giấy"}) {
		t.Errorf("a new school names its supervising unit %q", got)
	}
	var school struct{ ID string }
	r.JSON(t, &school)
	child := create(t, h, tok, people, `{"full_name":"Lý Thị Nhỏ"}`)
	r = h.Do(t, "POST", people, tok, fmt.Sprintf(`{"full_name":"Lý Văn Cha","phones":["0913555666"],"relationships":[
		{"kind":"works_at","party_id":%q,"title":"Kế toán","party_name":"Trường Khác"},
		{"kind":"parent_of","party_id":%q}]}`, school.ID, child))
	mustStatus(t, r, 201)
	if got := linkNames(r); !slices.Equal(got, []string{"", "Trường THCS Nghĩa Tân", "Lý Thị Nhỏ"}) {
		t.Errorf("a new person names their links %q", got)
	}
	var parent struct{ ID string }
	r.JSON(t, &parent)

	// The school and the child are renamed: every answer shows the new names.
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+school.ID, tok, `{"name":"Trường THCS Nghĩa Tân (Cầu Giấy)"}`), 200)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+child, tok, `{"full_name":"Lý Thị Út"}`), 200)
	renamed := []string{"", "Trường THCS Nghĩa Tân (Cầu Giấy)", "Lý Thị Út"}
	for what, r := range map[string]servicetest.Response{
		"GET":    h.Do(t, "GET", people+"/"+parent.ID, tok, nil),
		"PATCH":  h.Do(t, "PATCH", people+"/"+parent.ID, tok, `{"notes":"gọi sau 17h"}`),
		"owner":  h.Do(t, "POST", people+"/"+parent.ID+"/owner", tok, `{"owner_id":"user-lead","reason":"nghỉ phép"}`),
		"search": h.Do(t, "GET", people+"?linked_to="+child, tok, nil),
	} {
		mustStatus(t, r, 200)
		if what == "search" {
			var pg struct{ Items []json.RawMessage }
			r.JSON(t, &pg)
			if len(pg.Items) != 1 {
				t.Fatalf("search: %s", r.Body)
			}
			r.Body = pg.Items[0]
		}
		if got := linkNames(r); !slices.Equal(got, renamed) {
			t.Errorf("%s names %q, want %q", what, got, renamed)
		}
	}
	// So does the 409 of someone entering him again, telling him apart.
	r = h.Do(t, "POST", people, tok, `{"full_name":"Lý Văn Cha","phones":["0913 555 666"]}`)
	mustStatus(t, r, 409)
	var dup struct{ Matches []json.RawMessage }
	r.JSON(t, &dup)
	if len(dup.Matches) != 1 {
		t.Fatalf("409: %s", r.Body)
	}
	if got := linkNames(servicetest.Response{Body: dup.Matches[0]}); !slices.Equal(got, renamed) {
		t.Errorf("the 409's match names %q, want %q", got, renamed)
	}

	// Names sent back with a record are ignored: nothing changes, nothing is
	// recorded, and the stored document holds ids only.
	r = h.Do(t, "PATCH", people+"/"+parent.ID, tok, fmt.Sprintf(`{"relationships":[
		{"kind":"works_at","party_id":%q,"title":"Kế toán","party_name":"Trường Cũ"},
		{"kind":"parent_of","party_id":%q,"party_name":"Lý Thị Nhỏ"}]}`, school.ID, child))
	mustStatus(t, r, 200)
	if got := linkNames(r); !slices.Equal(got, renamed) {
		t.Errorf("a PATCH sending names answers %q, want %q", got, renamed)
	}
	var hist struct{ Items []struct{ Field string } }
	h.Do(t, "GET", people+"/"+parent.ID+"/history", tok, nil).JSON(t, &hist)
	for _, c := range hist.Items {
		if c.Field == "relationships" {
			t.Errorf("sending names back recorded a change of relationships")
		}
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE doc::text LIKE '%party_name%'`) +
		testkit.Count(t, h.Pool, `SELECT count(*) FROM organization WHERE doc::text LIKE '%supervising_unit_name%'`); n != 0 {
		t.Errorf("%d stored documents hold a name looked up for an answer", n)
	}
}
