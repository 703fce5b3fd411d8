package contact_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/migrations"
)

// TestTheReminderBackfillAgreesWithTheService runs the backfill of migration
// 00008 over people written by the API and checks it derives the same
// reminder days from their documents as the service did.
func TestTheReminderBackfillAgreesWithTheService(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	for _, body := range []string{
		`{"full_name":"A","birthday":"1985-03-02","important_dates":[{"label":"Ngày cưới","date":"2010-10-10"},{"label":"Trùng","date":"2001-03-02"}]}`,
		`{"full_name":"B","birthday":"2000-02-29"}`,
		`{"full_name":"C","important_dates":[{"label":"Vào lớp 1","date":"2019-09-05"}]}`,
		`{"full_name":"D"}`,
	} {
		createPerson(t, h, tok, body)
	}
	sql, err := fs.ReadFile(migrations.FS, "00008_reminder_days.sql")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(sql), "UPDATE person SET reminder_days")
	end := strings.Index(string(sql[start:]), ";")
	if start < 0 || end < 0 {
		t.Fatal("no backfill statement in 00008_reminder_days.sql")
	}
	backfill := string(sql[start : start+end])
	if _, err := h.Pool.Exec(t.Context(), `CREATE TABLE service_days AS SELECT id, reminder_days FROM person;
UPDATE person SET reminder_days = '{}'`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Pool.Exec(t.Context(), backfill); err != nil {
		t.Fatal(err)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person p JOIN service_days s USING (id) WHERE p.reminder_days = s.reminder_days`); n != 4 {
		rows, _ := h.Pool.Query(t.Context(), `SELECT p.name, p.reminder_days::text, s.reminder_days::text FROM person p JOIN service_days s USING (id)`)
		for rows.Next() {
			var name, backfilled, service string
			_ = rows.Scan(&name, &backfilled, &service)
			t.Logf("%s: backfill %s, service %s", name, backfilled, service)
		}
		t.Fatalf("the backfill agrees with the service on %d of 4 people", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE name='A' AND reminder_days = '{302,1010}'`); n != 1 {
		t.Fatal("A's reminder days are not 2 March and 10 October")
	}
}

// TestTheTagKeyBackfillAgreesWithTheService runs the backfill of migration
// 00022 over parties written by the API, their tags put back as written,
// and checks it derives the same tag keys as the service (party.TagKey).
func TestTheTagKeyBackfillAgreesWithTheService(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	createPerson(t, h, tok, `{"full_name":"A","tags":["VIP","Hội thảo","  Đối   tác  ","Trường ĐẠI HỌC","Tie\u0302\u0300m na\u0306ng"]}`)
	createPerson(t, h, tok, `{"full_name":"B","tags":["ĐĂNG KÝ"]}`)
	createPerson(t, h, tok, `{"full_name":"C"}`)
	create(t, h, tok, orgs, `{"name":"D","kinds":["school"],"tags":["Tiểu học","Ưu tiên"]}`)
	sql, err := fs.ReadFile(migrations.FS, "00022_tag_keys.sql")
	if err != nil {
		t.Fatal(err)
	}
	up := string(sql[:strings.Index(string(sql), "-- +goose Down")])
	var backfill []string
	for _, line := range strings.Split(up, "\n") {
		if strings.HasPrefix(line, "UPDATE ") {
			backfill = append(backfill, line)
		}
	}
	if len(backfill) != 2 {
		t.Fatalf("%d backfill statements in 00022_tag_keys.sql, want 2", len(backfill))
	}
	if _, err := h.Pool.Exec(t.Context(), `CREATE TABLE service_tags AS SELECT id, tags FROM person UNION ALL SELECT id, tags FROM organization;
UPDATE person SET tags = ARRAY(SELECT jsonb_array_elements_text(coalesce(doc->'tags', '[]')));
UPDATE organization SET tags = ARRAY(SELECT jsonb_array_elements_text(coalesce(doc->'tags', '[]')))`); err != nil {
		t.Fatal(err)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE 'VIP' = ANY(tags)`); n != 1 {
		t.Fatal("the tags were not put back as written")
	}
	for _, q := range backfill {
		if _, err := h.Pool.Exec(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := h.Pool.Query(t.Context(), `SELECT s.tags::text, p.tags::text FROM service_tags s
 JOIN (SELECT id, tags FROM person UNION ALL SELECT id, tags FROM organization) p USING (id) WHERE s.tags IS DISTINCT FROM p.tags`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var service, backfilled string
		if err := rows.Scan(&service, &backfilled); err != nil {
			t.Fatal(err)
		}
		t.Errorf("the service wrote %s, the backfill %s", service, backfilled)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM service_tags WHERE tags = '{vip,"hoi thao","doi tac","truong dai hoc","tiem nang"}'`); n != 1 {
		t.Error("A's tag keys are not vip, hoi thao, doi tac, truong dai hoc, tiem nang")
	}
}

// TestTheStoredPartyBackfillAgreesWithTheService runs the backfill of
// migration 00027 over the problems of an import, as if it had failed and
// could be resumed, and checks it finds the rows standing for a stored
// party that the service recorded: by its id, by a merged one's, with the
// party's own tax code; not with a problem of its own or another party's
// tax code.
func TestTheStoredPartyBackfillAgreesWithTheService(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := create(t, h, tok, orgs, `{"name":"A","kinds":["supervising_unit"]}`)
	survivor := create(t, h, tok, orgs, `{"name":"B","kinds":["supervising_unit"]}`)
	merged := create(t, h, tok, orgs, `{"name":"B cũ","kinds":["supervising_unit"]}`)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+survivor+"/merge", tok, `{"merged_id":"`+merged+`","keep":{"name":"survivor"}}`), 200)
	c := create(t, h, tok, orgs, `{"name":"C","kinds":["supervising_unit"],"tax_code":"0101234567"}`)
	d := create(t, h, tok, orgs, `{"name":"D","kinds":["supervising_unit"]}`)
	e := create(t, h, tok, orgs, `{"name":"E","kinds":["supervising_unit"]}`)
	create(t, h, tok, orgs, `{"name":"F","kinds":["supervising_unit"],"tax_code":"0109876543"}`)
	file := "id,name,tax_code,emails\n" +
		a + ",A,,\n" + // stands for A
		merged + ",B,,\n" + // for the survivor
		c + ",C,0101234567,\n" + // for C, whose tax code it holds
		d + ",D,,d.example\n" + // refused for its email
		e + ",E,0109876543,\n" // F's tax code
	job := importFile(t, h, tok, "export.csv", []byte(file), "organizations", 30*time.Second)
	if job.Status != "done" || job.Progress.AlreadyStored != 3 || job.Progress.Failed != 2 {
		t.Fatalf("the import: %+v", job)
	}
	service := `SELECT count(*) FROM import_problem WHERE stored_party IS NOT NULL`
	if n := testkit.Count(t, h.Pool, service); n != 3 {
		t.Fatalf("the service recorded %d rows standing for a stored party, want 3", n)
	}
	sql, err := fs.ReadFile(migrations.FS, "00027_import_stored_party.sql")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(sql), "UPDATE import_problem")
	end := strings.Index(string(sql[start:]), ";")
	if start < 0 || end < 0 {
		t.Fatal("no backfill statement in 00027_import_stored_party.sql")
	}
	// The backfill reads the messages as the service wrote them before
	// 00027, naming a stored party by its id alone; they name it by its
	// name too since ("existing organisation B (<id>)"), which no backfill
	// ever reads.
	if _, err := h.Pool.Exec(t.Context(), `CREATE TABLE service_stored AS SELECT row_no, stored_party FROM import_problem WHERE stored_party IS NOT NULL;
UPDATE import_problem SET stored_party = NULL,
 message = regexp_replace(message, ' as existing (person|organisation) .*\(([0-9a-f-]{36})\)', ' as existing \1 \2');
UPDATE import_job SET status = 'failed'`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Pool.Exec(t.Context(), string(sql[start:start+end])); err != nil {
		t.Fatal(err)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM (SELECT row_no, stored_party FROM import_problem WHERE stored_party IS NOT NULL
 EXCEPT SELECT row_no, stored_party FROM service_stored) AS differ`); n != 0 || testkit.Count(t, h.Pool, service) != 3 {
		rows, _ := h.Pool.Query(t.Context(), `SELECT row_no, column_name, message, coalesce(stored_party::text, '') FROM import_problem ORDER BY row_no`)
		for rows.Next() {
			var row int
			var column, message, stored string
			_ = rows.Scan(&row, &column, &message, &stored)
			t.Logf("row %d %s %q: %s", row, column, message, stored)
		}
		t.Fatal("the backfill disagrees with the service")
	}
}

// TestTheBulkChangeBackfillAgreesWithTheService runs the backfill of
// migration 00033 over history the API wrote (two bulk changes, one of
// tags and one of a stage and a custom field, an edit of tags, a merge, a
// hand-over) and checks it marks as bulk changes the entries the service
// marked, one id per bulk change, and no other.
func TestTheBulkChangeBackfillAgreesWithTheService(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := createPerson(t, h, tok, `{"full_name":"Nguyễn Văn A","tags":["phụ huynh"]}`)
	createPerson(t, h, tok, `{"full_name":"Nguyễn Văn B","tags":["phụ huynh"]}`)
	c := createPerson(t, h, tok, `{"full_name":"Nguyễn Văn A","tags":["cũ"]}`)
	mustStatus(t, h.Do(t, "PUT", "/api/contact/v1/field-definitions", h.Token(t, auth.Admin),
		`{"school":[{"name":"level","type":"string","allowed":["THCS","THPT"]}]}`), 200)
	create(t, h, tok, orgs, `{"name":"Trường THCS X","kinds":["school"]}`)
	create(t, h, tok, orgs, `{"name":"Trường THCS Y","kinds":["school"]}`)
	// Each write at a time of its own, as the real clock gives them.
	for _, w := range []struct{ tok, method, path, body string }{
		{tok, "POST", people + "/bulk-changes", `{"filter":{"tag":"phụ huynh"},"add_tags":["lớp hè"]}`},
		{tok, "POST", orgs + "/bulk-changes", `{"filter":{"kind":"school"},"stage":"prospect","custom_fields":{"level":"THCS"}}`},
		{tok, "PATCH", people + "/" + a.ID, `{"tags":["phụ huynh","lớp hè","vip"]}`},
		{tok, "POST", people + "/" + a.ID + "/merge", `{"merged_id":"` + c.ID + `"}`},
		{h.Token(t, auth.Manager), "POST", "/api/contact/v1/handovers", `{"from_owner_id":"user-sales","to_owner_id":"user-lan","reason":"chia lại"}`},
	} {
		h.Clock.Advance(time.Minute)
		if r := h.Do(t, w.method, w.path, w.tok, w.body); r.Status >= 300 {
			t.Fatalf("%s %s: %d %s", w.method, w.path, r.Status, r.Body)
		}
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(DISTINCT bulk_id) * 100 + count(*) FROM history WHERE bulk_id IS NOT NULL`); n != 206 {
		t.Fatalf("the service wrote bulk ids*100 + entries = %d, want 206", n)
	}
	sql, err := fs.ReadFile(migrations.FS, "00033_import_audit_and_bulk_history.sql")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(sql), "UPDATE history")
	end := strings.Index(string(sql[start:]), ";")
	if start < 0 || end < 0 {
		t.Fatal("no backfill statement in 00033_import_audit_and_bulk_history.sql")
	}
	if _, err := h.Pool.Exec(t.Context(), `CREATE TABLE service_bulk AS SELECT id, bulk_id FROM history; UPDATE history SET bulk_id = NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Pool.Exec(t.Context(), string(sql[start:start+end])); err != nil {
		t.Fatal(err)
	}
	// The same entries are marked, grouped alike: the ids differ.
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history h JOIN service_bulk s USING (id)
 WHERE (h.bulk_id IS NULL) <> (s.bulk_id IS NULL)`); n != 0 {
		rows, _ := h.Pool.Query(t.Context(), `SELECT h.id, h.party_id::text, h.field, h.actor, h.at::text, coalesce(h.bulk_id::text, ''), coalesce(s.bulk_id::text, '') FROM history h JOIN service_bulk s USING (id) ORDER BY h.id`)
		for rows.Next() {
			var id int64
			var party, field, actor, at, backfilled, service string
			_ = rows.Scan(&id, &party, &field, &actor, &at, &backfilled, &service)
			t.Logf("%d %s %s %s %s: backfill %q, service %q", id, party, field, actor, at, backfilled, service)
		}
		t.Fatalf("the backfill marks %d entries otherwise than the service", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM (SELECT DISTINCT h.bulk_id, s.bulk_id FROM history h JOIN service_bulk s USING (id)
 WHERE h.bulk_id IS NOT NULL) AS pairs`); n != 2 {
		t.Fatalf("the backfill groups the entries into %d bulk changes, want 2", n)
	}
}
