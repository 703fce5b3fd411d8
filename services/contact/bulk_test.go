package contact_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
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
	// The tag filter, which reads the tags column, finds them; each changed
	// record has a new version.
	if got := names(t, h, tok, people+"?tag=tiem+nang"); !slices.Equal(got, []string{"Hà Thị Chi", "Hà Văn An"}) {
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
