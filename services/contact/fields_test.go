package contact_test

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
)

const fieldDefinitions = "/api/contact/v1/field-definitions"

// defineFields sends a PUT of the custom fields, with If-Match when etag
// is set.
func defineFields(t *testing.T, h *servicetest.Harness, tok, etag, schema string) servicetest.Response {
	t.Helper()
	header := map[string]string{}
	if etag != "" {
		header["If-Match"] = etag
	}
	return send(t, h, "PUT", fieldDefinitions, tok, "application/json", strings.NewReader(schema), header)
}

// inUseOf returns a 409's in_use member.
func inUseOf(t *testing.T, r servicetest.Response) []service.InUse {
	t.Helper()
	mustStatus(t, r, 409)
	var p struct {
		InUse []service.InUse `json:"in_use"`
	}
	r.JSON(t, &p)
	return p.InUse
}

func TestAnAdminChangesTheCustomFieldsOfEachKind(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	admin, tok := h.Token(t, auth.Admin), h.Token(t, auth.Lead)

	// A new database starts with the built-in fields, as version 1.
	r := h.Do(t, "GET", fieldDefinitions, tok, nil)
	mustStatus(t, r, 200)
	var got party.CustomFieldSchema
	r.JSON(t, &got)
	if r.Header.Get("ETag") != `"1"` || !got.Equal(contact.Schema) {
		t.Fatalf("the first fields: %s %s", r.Header.Get("ETag"), r.Body)
	}

	for _, role := range []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager, auth.Director} {
		mustStatus(t, defineFields(t, h, h.Token(t, role), "", `{}`), 403)
	}

	kimDong := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"custom_fields":{"student_count":900}}`)
	withLevel := `{"school": [{"name": "student_count", "type": "number"},
 {"name": "level", "type": "string", "required": true, "allowed": ["THCS", "THPT"]}],
 "unit": [{"name": "budget_chapter", "type": "string"}]}`
	r = defineFields(t, h, admin, `"1"`, withLevel)
	mustStatus(t, r, 200)
	if r.Header.Get("ETag") != `"2"` {
		t.Fatalf("the change answered ETag %q", r.Header.Get("ETag"))
	}

	// Every write checks the new fields at once, on every replica: they
	// are read from the database, not from the service's memory.
	for body, field := range map[string]string{
		`{"name":"Trường THPT Lê Lợi","kinds":["school"]}`:                                     "custom_fields.level",
		`{"name":"Trường THPT Lê Lợi","kinds":["school"],"custom_fields":{"level":"Đại học"}}`: "custom_fields.level",
	} {
		r := h.Do(t, "POST", orgs, tok, body)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Equal(got, []string{field}) {
			t.Errorf("%s: fields %q", body, got)
		}
	}
	leLoi := create(t, h, tok, orgs, `{"name":"Trường THPT Lê Lợi","kinds":["school"],"custom_fields":{"level":"THPT","student_count":1200}}`)
	// Other services get the values with the organisation.
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization.created", 10*time.Second,
		func(e event.Event) bool { return e.AggregateID == leLoi })
	created, _ := contract.Decode[contract.OrganizationCreated](e)
	if v := created.Organization.CustomFields; v["level"] != "THPT" || v["student_count"] != 1200.0 {
		t.Errorf("organization.created carries %s", e.Data)
	}
	// The schools still lacking it are found, saved as a segment; a unit,
	// which has no level, lacks nothing.
	create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Ba Đình","kinds":["unit"]}`)
	if got := names(t, h, tok, orgs+"?missing=custom:level"); !slices.Equal(got, []string{"Trường THCS Kim Đồng"}) {
		t.Errorf("missing=custom:level lists %q", got)
	}
	mustStatus(t, h.Do(t, "GET", orgs+"?missing=custom:rating", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", people+"?missing=custom:level", tok, nil), 422)
	r = h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Trường chưa có cấp học","resource":"organizations","filter":{"missing":"custom:level,phones"}}`)
	mustStatus(t, r, 201)
	var seg struct {
		ID    string
		Count int
	}
	r.JSON(t, &seg)
	if seg.Count != 1 {
		t.Errorf("the segment counts %d", seg.Count)
	}
	// A school stored before the field was required is asked for it at its
	// next edit, and keeps everything else meanwhile.
	r = h.Do(t, "PATCH", orgs+"/"+kimDong, tok, `{"phones":["024 3825 1234"]}`)
	mustStatus(t, r, 422)
	if got := fieldsOf(t, r); !slices.Equal(got, []string{"custom_fields.level"}) {
		t.Errorf("an edit of a school without a level: fields %q", got)
	}
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+kimDong, tok, `{"phones":["024 3825 1234"],"custom_fields":{"level":"THCS"}}`), 200)
	if got := names(t, h, tok, orgs+"?missing=custom:level"); len(got) != 0 {
		t.Errorf("missing=custom:level lists %q once every school has one", got)
	}

	// Two admins: the second, sending the version both read, is refused.
	r = defineFields(t, h, admin, `"1"`, `{}`)
	mustStatus(t, r, 412)
	var stale struct{ Etag string }
	r.JSON(t, &stale)
	if stale.Etag != `"2"` {
		t.Errorf("the 412 names etag %q", stale.Etag)
	}
	// The same fields again are no new version.
	r = defineFields(t, h, admin, `"2"`, withLevel)
	mustStatus(t, r, 200)
	if r.Header.Get("ETag") != `"2"` {
		t.Errorf("the same fields again answered ETag %q", r.Header.Get("ETag"))
	}

	// A change that would leave values staff entered invalid is refused,
	// naming the fields, how many organisations hold them and some of them,
	// and so is one removing a field a saved segment lists the gaps of.
	for name, c := range map[string]struct {
		schema string
		want   []service.InUse
	}{
		"level removed": {`{"school": [{"name": "student_count", "type": "number"}]}`,
			[]service.InUse{{Field: "custom_fields.level", Organizations: 2, Examples: sorted(kimDong, leLoi), Segments: []string{seg.ID}}}},
		"student_count made text, THPT dropped": {`{"school": [{"name": "student_count", "type": "string"},
 {"name": "level", "type": "string", "required": true, "allowed": ["THCS"]}]}`,
			[]service.InUse{{Field: "custom_fields.level", Organizations: 1, Examples: []string{leLoi}},
				{Field: "custom_fields.student_count", Organizations: 2, Examples: sorted(kimDong, leLoi)}}},
	} {
		if got := inUseOf(t, defineFields(t, h, admin, "", c.schema)); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: in use %+v, want %+v", name, got, c.want)
		}
	}
	// Once the values are cleared, the field can go.
	for _, id := range []string{kimDong, leLoi} {
		mustStatus(t, h.Do(t, "PATCH", orgs+"/"+id, tok, `{"custom_fields":{"student_count":null}}`), 200)
	}
	withoutCount := `{"school": [{"name": "level", "type": "string", "required": true, "allowed": ["THCS", "THPT"]}]}`
	r = defineFields(t, h, admin, "", withoutCount)
	mustStatus(t, r, 200)
	if r.Header.Get("ETag") != `"3"` {
		t.Errorf("the change answered ETag %q", r.Header.Get("ETag"))
	}

	// A schema that cannot work is a 422 naming each fault; nothing changes.
	for schema, fields := range map[string][]string{
		`{"bank": [{"name": "swift", "type": "string"}]}`:                                       {"bank"},
		`{"school": [{"name": "size", "type": "integer"}, {"name": "size", "type": "number"}]}`: {"school[0].type", "school[1].name"},
		`{"vendor": [{"name": "rating", "type": "number", "allowed": ["1"]}, {"name": ""}]}`:    {"vendor[0].allowed", "vendor[1].name", "vendor[1].type"},
		`{"vendor": [{"name": "rating", "type": "string", "label": "Xếp hạng"}]}`:               {"label"},
		`{"vendor": {"name": "rating"}}`:                                                        {"vendor"},
		`null`:                                                                                  {"(body)"},
	} {
		r := defineFields(t, h, admin, "", schema)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !sameSet(got, fields) {
			t.Errorf("%s: fields %q, want %q", schema, got, fields)
		}
	}
	mustStatus(t, defineFields(t, h, admin, "", `{"school": [`), 400)
	mustStatus(t, defineFields(t, h, admin, "3", `{}`), 422) // an If-Match that is no entity tag

	r = h.Do(t, "GET", fieldDefinitions, tok, nil)
	got = nil // decoding into a map adds to what it holds
	r.JSON(t, &got)
	want, _ := party.ParseCustomFieldSchema([]byte(withoutCount))
	if r.Header.Get("ETag") != `"3"` || !got.Equal(want) {
		t.Fatalf("after the refused changes: %s %s", r.Header.Get("ETag"), r.Body)
	}
	// Every version is kept, with who made it, newest first, for anyone
	// who reads contacts: what the fields were when a value was entered.
	var versions []string
	for path := fieldDefinitions + "/versions?limit=2"; path != ""; {
		r := h.Do(t, "GET", path, h.Token(t, auth.Director), nil)
		mustStatus(t, r, 200)
		var pg struct {
			Items      []service.FieldVersion
			NextCursor string `json:"next_cursor"`
		}
		r.JSON(t, &pg)
		for _, v := range pg.Items {
			versions = append(versions, fmt.Sprintf("%d %s %d", v.Version, v.ChangedBy, len(v.Schema[party.KindSchool])))
			if v.ChangedAt.IsZero() {
				t.Errorf("version %d has no time", v.Version)
			}
		}
		path = ""
		if pg.NextCursor != "" {
			path = fieldDefinitions + "/versions?limit=2&cursor=" + pg.NextCursor
		}
	}
	if want := []string{"3 user-admin 1", "2 user-admin 2", "1 system 1"}; !slices.Equal(versions, want) {
		t.Errorf("versions %q, want %q", versions, want)
	}
	mustStatus(t, h.Do(t, "GET", fieldDefinitions+"/versions?cursor=x", tok, nil), 422)

	// Exports carry a column per field in force, so an export imports back.
	header := readCSV(t, h.Do(t, "GET", orgs+"/export?format=csv", tok, nil))[0]
	if !slices.Contains(header, "custom:level") || slices.Contains(header, "custom:student_count") {
		t.Errorf("the export's header: %q", header)
	}

	// A restart keeps what the admin set: the built-in fields, or a file's,
	// seed a new database only.
	fields, err := service.New(h.Pool, h.Clock, time.UTC, nil).SeedFieldDefinitions(t.Context(), contact.Schema)
	if err != nil || fields.Version != 3 || !fields.Schema.Equal(want) {
		t.Fatalf("after a restart: %+v, %v", fields, err)
	}
}

func sorted(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }

// An import checks its rows against the fields in force when it starts. If
// they change before a chunk is written, the chunk is not written under
// fields that no longer hold: the attempt fails and the next checks the
// rows left against the new fields.
func TestAnImportWhoseFieldsChangedMidwayChecksItsRowsAgain(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	admin, tok := h.Token(t, auth.Admin), h.Token(t, auth.Sales)
	mustStatus(t, defineFields(t, h, admin, "", `{"school": [{"name": "level", "type": "string", "allowed": ["THCS", "THPT"]}]}`), 200)

	ctx := context.Background()
	hold := holdLock(t, h, "custom_field_schema", "EXCLUSIVE")
	file := "name,kinds,custom:level\nTrường THCS Kim Đồng,school,THCS\nTrường THPT Lê Lợi,school,THPT\nTrường THCS Nghĩa Tân,school,THCS\n"
	r := uploadForm(t, h, tok, "truong.csv", []byte(file), map[string]string{"resource": "organizations"})
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	testkit.Eventually(t, 30*time.Second, "a chunk waiting for the custom fields", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM pg_locks
 WHERE relation = 'custom_field_schema'::regclass AND mode = 'RowShareLock' AND NOT granted`) > 0
	})
	// As an admin's change on another replica would: THPT is dropped.
	doc, _ := json.Marshal(party.CustomFieldSchema{party.KindSchool: {{Name: "level", Type: party.FieldString, Allowed: []string{"THCS"}}}})
	if _, err := hold.Exec(ctx, `INSERT INTO custom_field_schema VALUES (3, $1, 'user-admin', now())`, doc); err != nil {
		t.Fatal(err)
	}
	if err := hold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	id := job.ID
	testkit.Eventually(t, 10*time.Second, "the attempt to be retried", func() bool {
		job = importJob{}
		h.Do(t, "GET", imports+"/"+id, tok, nil).JSON(t, &job)
		return job.Error != "" || job.Status == "done"
	})
	if !strings.Contains(job.Error, "custom fields changed from version 2 to 3") {
		t.Errorf("the job says %q (%s)", job.Error, job.Status)
	}
	job = waitForImport(t, h, tok, id, time.Minute)
	if job.Status != "done" || job.Progress.Created != 2 || job.Progress.Failed != 1 {
		t.Fatalf("the job ended %+v", job)
	}
	problems := problemsOf(t, h, tok, id)
	if len(problems) != 1 || problems[0].Row != 3 || problems[0].Column != "custom:level" {
		t.Errorf("problems %+v", problems)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM organization WHERE doc->'custom_fields'->>'level' = 'THPT'`); n != 0 {
		t.Errorf("%d schools hold a level the fields no longer allow", n)
	}
}

// A number field may be bounded: the built-in student count is a whole
// number of at least zero, and bounds added later that values held would
// break are refused as any other tightening is.
func TestANumberFieldRefusesValuesOutsideItsBounds(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	admin, tok := h.Token(t, auth.Admin), h.Token(t, auth.Sales)
	for value, message := range map[string]string{"-5": "must be at least 0", "900.5": "must be a whole number"} {
		r := h.Do(t, "POST", orgs, tok, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"custom_fields":{"student_count":`+value+`}}`)
		mustStatus(t, r, 422)
		mustName(t, r, "custom_fields.student_count", message)
	}
	create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"custom_fields":{"student_count":900}}`)
	r := defineFields(t, h, admin, `"1"`, `{"school": [{"name": "student_count", "type": "number", "integer": true, "min": 0, "max": 500}]}`)
	if in := inUseOf(t, r); len(in) != 1 || in[0].Field != "custom_fields.student_count" || in[0].Organizations != 1 {
		t.Errorf("a maximum below a value held: %s", r.Body)
	}
	r = defineFields(t, h, admin, `"1"`, `{"school": [{"name": "student_count", "type": "number", "min": 10, "max": 1}]}`)
	mustStatus(t, r, 422)
	mustName(t, r, "school[0].max", "must not be below min (10)")
	mustStatus(t, defineFields(t, h, admin, `"1"`, `{"school": [{"name": "student_count", "type": "number", "integer": true, "min": 0, "max": 5000}]}`), 200)
	r = h.Do(t, "POST", orgs, tok, `{"name":"Trường THPT Lê Lợi","kinds":["school"],"custom_fields":{"student_count":5001}}`)
	mustStatus(t, r, 422)
	mustName(t, r, "custom_fields.student_count", "must be at most 5000")
}
