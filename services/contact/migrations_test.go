package contact_test

import (
	"io/fs"
	"strings"
	"testing"

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
