package contact_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/service"
)

// Staff pick out the parents likely to enrol and tag them at once; a saved
// segment of schools moves to the next stage at once.
func TestABulkChangeChangesEveryPartyItsSelectionHolds(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	an := create(t, h, tok, people, `{"full_name":"Hà Văn An","tags":["phụ huynh"]}`)
	binh := create(t, h, tok, people, `{"full_name":"Hà Thị Bình","tags":["phụ huynh","Tiềm năng"]}`)
	chi := create(t, h, tok, people, `{"full_name":"Hà Thị Chi","tags":["phụ huynh","cũ"]}`)
	other := create(t, h, tok, people, `{"full_name":"Kiều Văn Khác"}`)
	tagsOf := func(path, id string) []string {
		t.Helper()
		var v struct{ Tags []string }
		h.Do(t, "GET", path+"/"+id, tok, nil).JSON(t, &v)
		return v.Tags
	}
	bulk := func(path, body string, status int) service.BulkResult {
		t.Helper()
		r := h.Do(t, "POST", path+"/bulk-changes", tok, body)
		mustStatus(t, r, status)
		var res service.BulkResult
		if status == 200 {
			r.JSON(t, &res)
			if res.ID == "" {
				t.Fatalf("a bulk change answers no id: %s", r.Body)
			}
			res.ID = "" // compared by its counts
		}
		return res
	}

	events := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox WHERE subject='contact.person.updated'`)
	// "tiem nang" is the tag Bình already has, and she has no "cũ": she
	// matches and is not changed.
	got := bulk(people, `{"filter":{"tag":"phụ huynh"},"add_tags":["tiem nang"],"remove_tags":["CŨ"]}`, 200)
	if got != (service.BulkResult{Matched: 3, Changed: 2}) {
		t.Errorf("tagging the parents: %+v", got)
	}
	for id, want := range map[string][]string{an: {"phụ huynh", "tiem nang"}, binh: {"phụ huynh", "Tiềm năng"}, chi: {"phụ huynh", "tiem nang"}, other: nil} {
		if got := tagsOf(people, id); !slices.Equal(got, want) {
			t.Errorf("tags of %s: %q, want %q", id, got, want)
		}
	}
	// The tag filter, which reads the tags column, finds them, and Bình's
	// "Tiềm năng", which is the same tag; each changed record has a new
	// version.
	if got := names(t, h, tok, people+"?tag=tiem+nang"); !slices.Equal(got, []string{"Hà Thị Bình", "Hà Thị Chi", "Hà Văn An"}) {
		t.Errorf("tagged by the change: %q", got)
	}
	for id, want := range map[string]string{an: `"2"`, binh: `"1"`} {
		if got := h.Do(t, "GET", people+"/"+id, tok, nil).Header.Get("ETag"); got != want {
			t.Errorf("ETag of %s: %s, want %s", id, got, want)
		}
	}
	got = bulk(people, `{"filter":{"tag":"phụ huynh"},"add_tags":["tiềm năng"]}`, 200)
	if got != (service.BulkResult{Matched: 3, Changed: 0}) {
		t.Errorf("the same change again: %+v", got)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox WHERE subject='contact.person.updated'`) - events; n != 2 {
		t.Errorf("%d updated events, want one per person changed (An, Chi)", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history WHERE field='tags' AND actor='user-sales'`); n != 2 {
		t.Errorf("%d tag changes in history, want 2", n)
	}

	// A saved segment of schools.
	for _, name := range []string{"Trường THCS Yên Hòa", "Trường THCS Trung Hòa"} {
		create(t, h, tok, orgs, fmt.Sprintf(`{"name":%q,"kinds":["school"],"stage":"prospect","tags":["VIP"]}`, name))
	}
	vendor := create(t, h, tok, orgs, `{"name":"Công ty Sách Mới","kinds":["vendor"],"tags":["VIP"]}`)
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Trường đang chào","resource":"organizations","filter":{"kind":"school","stage":"prospect"}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	if got := bulk(orgs, fmt.Sprintf(`{"segment_id":%q,"stage":"customer","remove_tags":["vip"]}`, seg.ID), 200); got != (service.BulkResult{Matched: 2, Changed: 2}) {
		t.Errorf("moving the segment's schools: %+v", got)
	}
	if got := names(t, h, tok, orgs+"?stage=customer"); !slices.Equal(got, []string{"Trường THCS Trung Hòa", "Trường THCS Yên Hòa"}) {
		t.Errorf("customers after the change: %q", got)
	}
	if got := tagsOf(orgs, vendor); !slices.Equal(got, []string{"VIP"}) {
		t.Errorf("the vendor outside the segment has tags %q", got)
	}

	// Bad input: a 422 naming the field, and nothing written.
	r = h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Phụ huynh","resource":"people","filter":{"tag":"phụ huynh"}}`)
	mustStatus(t, r, 201)
	var peopleSeg struct{ ID string }
	r.JSON(t, &peopleSeg)
	before := testkit.Count(t, h.Pool, `SELECT count(*) FROM history`)
	for body, field := range map[string]string{
		`{"filter":{"tag":"phụ huynh"}}`: "add_tags",
		`{"filter":{"tag":"phụ huynh"},"segment_id":"` + peopleSeg.ID + `","add_tags":["x"]}`: "filter",
		`{"add_tags":["x"]}`:                                                     "filter",
		`{"filter":{},"add_tags":["x"]}`:                                         "filter",
		`{"filter":{"tag":"phụ huynh"},"stage":"customer"}`:                      "stage",
		`{"filter":{"tag":"phụ huynh"},"add_tags":["Cũ"],"remove_tags":["cu"]}`:  "remove_tags[0]",
		`{"filter":{"kind":"school"},"add_tags":["x"]}`:                          "filter.kind",
		`{"segment_id":"` + seg.ID + `","add_tags":["x"]}`:                       "segment_id",
		`{"segment_id":"` + other + `","add_tags":["x"]}`:                        "segment_id",
		`{"filter":{"tag":"phụ huynh"},"add_tags":["x"],"owner_id":"user-lead"}`: "owner_id",
		`{"filter":{"tag":"phụ huynh"},"custom_fields":{"level":"THCS"}}`:        "custom_fields",
		`{"filter":{"tag":"phụ huynh"},"add_tags":["x"," "]}`:                    "add_tags[1]",
		`{"filter":{"tag":"phụ huynh"},"remove_tags":[""]}`:                      "remove_tags[0]",
	} {
		r := h.Do(t, "POST", people+"/bulk-changes", tok, body)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Contains(got, field) {
			t.Errorf("%s: problems on %q, want %q", body, got, field)
		}
	}
	r = h.Do(t, "POST", orgs+"/bulk-changes", tok, `{"filter":{"kind":"school"},"stage":"someday"}`)
	mustStatus(t, r, 422)
	if got := fieldsOf(t, r); !slices.Equal(got, []string{"stage"}) {
		t.Errorf("an unknown stage: problems on %q", got)
	}
	// More parties than one change may take: refused whole.
	limit := service.MaxBulk
	service.MaxBulk = 2
	t.Cleanup(func() { service.MaxBulk = limit })
	r = h.Do(t, "POST", people+"/bulk-changes", tok, fmt.Sprintf(`{"segment_id":%q,"add_tags":["đợt 2"]}`, peopleSeg.ID))
	mustStatus(t, r, 422)
	if got := fieldsOf(t, r); !slices.Equal(got, []string{"segment_id"}) {
		t.Errorf("too many parties: problems on %q", got)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history`); n != before {
		t.Errorf("refused bulk changes wrote %d history entries", n-before)
	}
	mustStatus(t, h.Do(t, "POST", people+"/bulk-changes", h.Token(t, auth.Director), `{"filter":{"tag":"phụ huynh"},"add_tags":["x"]}`), 403)
}

// An admin retiring a field clears its values at once, and staff give a
// list of schools their level in one change; a change that does not fit
// every organisation selected changes none and says which refuse it.
func TestABulkChangeSetsAndClearsCustomFields(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	admin, tok := h.Token(t, auth.Admin), h.Token(t, auth.Sales)
	schema := `{"school": [{"name": "student_count", "type": "number"},
 {"name": "level", "type": "string", "allowed": ["THCS", "THPT"]}, {"name": "rating", "type": "string"}],
 "unit": [{"name": "budget_chapter", "type": "string"}]}`
	mustStatus(t, defineFields(t, h, admin, "", schema), 200)
	schools := map[string]string{}
	for _, name := range []string{"Trường THCS Yên Hòa", "Trường THCS Trung Hòa", "Trường THCS Nghĩa Tân"} {
		schools[name] = create(t, h, tok, orgs, fmt.Sprintf(`{"name":%q,"kinds":["school"],"province":"Hà Nội","custom_fields":{"rating":"A"}}`, name))
	}
	unit := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Cầu Giấy","kinds":["unit"],"province":"Hà Nội"}`)
	valuesOf := func(id string) map[string]any {
		t.Helper()
		var v struct {
			CustomFields map[string]any `json:"custom_fields"`
		}
		h.Do(t, "GET", orgs+"/"+id, tok, nil).JSON(t, &v)
		return v.CustomFields
	}
	bulk := func(body string) servicetest.Response {
		t.Helper()
		return h.Do(t, "POST", orgs+"/bulk-changes", tok, body)
	}

	r := bulk(`{"filter":{"kind":"school"},"custom_fields":{"level":"THCS","student_count":500}}`)
	mustStatus(t, r, 200)
	var res service.BulkResult
	r.JSON(t, &res)
	if res.ID == "" || res != (service.BulkResult{ID: res.ID, Matched: 3, Changed: 3}) {
		t.Errorf("giving the schools a level: %+v", res)
	}
	for name, id := range schools {
		if got := valuesOf(id); !reflect.DeepEqual(got, map[string]any{"level": "THCS", "student_count": 500.0, "rating": "A"}) {
			t.Errorf("%s holds %v", name, got)
		}
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history WHERE field='custom_fields.level' AND new_value='"THCS"'`); n != 3 {
		t.Errorf("%d level changes in history, want 3", n)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization.updated", 10*time.Second,
		func(e event.Event) bool { return e.AggregateID == schools["Trường THCS Yên Hòa"] })
	updated, _ := contract.Decode[contract.OrganizationUpdated](e)
	if v := updated.Organization.CustomFields; v["level"] != "THCS" ||
		!slices.Equal(updated.ChangedFields, []string{"custom_fields.level", "custom_fields.student_count"}) {
		t.Errorf("organization.updated carries %s", e.Data)
	}

	// Refused whole, naming how many refuse and which: a unit has no level.
	before := testkit.Count(t, h.Pool, `SELECT count(*) FROM history`)
	r = bulk(`{"filter":{"province":"Hà Nội"},"custom_fields":{"level":"THPT"}}`)
	mustStatus(t, r, 422)
	var p struct {
		Errors []struct{ Field, Message string }
	}
	r.JSON(t, &p)
	if len(p.Errors) != 1 || p.Errors[0].Field != "custom_fields.level" ||
		!strings.Contains(p.Errors[0].Message, "for 1 of the 4 organisations selected") || !strings.Contains(p.Errors[0].Message, unit) {
		t.Errorf("a level for a unit: %+v", p.Errors)
	}
	for body, field := range map[string]string{
		`{"filter":{"kind":"school"},"custom_fields":{"level":"Đại học"}}`:       "custom_fields.level",
		`{"filter":{"kind":"school"},"custom_fields":{"levle":"THPT"}}`:          "custom_fields.levle",
		`{"filter":{"kind":"school"},"custom_fields":{"student_count":"nhiều"}}`: "custom_fields.student_count",
	} {
		r := bulk(body)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Equal(got, []string{field}) {
			t.Errorf("%s: problems on %q", body, got)
		}
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history`); n != before {
		t.Errorf("refused bulk changes wrote %d history entries", n-before)
	}

	// Retiring a field: its values block the change until a bulk change
	// clears them; clearing a field an organisation lacks changes nothing.
	retired := strings.Replace(schema, `, {"name": "rating", "type": "string"}`, "", 1)
	r = defineFields(t, h, admin, "", retired)
	if got := inUseOf(t, r); len(got) != 1 || got[0].Field != "custom_fields.rating" || got[0].Organizations != 3 {
		t.Fatalf("retiring rating: %+v", got)
	}
	r = bulk(`{"filter":{"province":"Hà Nội"},"custom_fields":{"rating":null}}`)
	mustStatus(t, r, 200)
	r.JSON(t, &res)
	if res.ID == "" || res != (service.BulkResult{ID: res.ID, Matched: 4, Changed: 3}) {
		t.Errorf("clearing rating: %+v", res)
	}
	mustStatus(t, defineFields(t, h, admin, "", retired), 200)
	if got := valuesOf(schools["Trường THCS Nghĩa Tân"]); !reflect.DeepEqual(got, map[string]any{"level": "THCS", "student_count": 500.0}) {
		t.Errorf("after rating was retired the school holds %v", got)
	}

	// A required field held is not cleared: the schools would be asked for
	// it again at their next edit.
	required := strings.Replace(retired, `"type": "number"`, `"type": "number", "required": true`, 1)
	mustStatus(t, defineFields(t, h, admin, "", required), 200)
	r = bulk(`{"filter":{"kind":"school"},"custom_fields":{"student_count":null}}`)
	mustStatus(t, r, 422)
	if got := fieldsOf(t, r); !slices.Equal(got, []string{"custom_fields.student_count"}) {
		t.Errorf("clearing a required field: problems on %q", got)
	}
}
