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
