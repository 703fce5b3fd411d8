package contact_test

import (
	"encoding/json"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/migrations"
	"github.com/rapportcrm/rapport/services/contact/service"
)

// oldRuleParties writes, on the clock's Monday 2 November, parties whose
// follow-up the rule before migration 00030 cleared: a call agreeing a
// call-back, then on Wednesday the 4th a note agreeing none (which the
// current rule leaves standing). It sets their stored follow-ups as that
// rule left them, and returns them by name, with one whose follow-up
// both rules clear (the call-back made on its day).
func oldRuleParties(t *testing.T, h *servicetest.Harness, tok string) map[string]string {
	t.Helper()
	ids := map[string]string{
		"school": create(t, h, tok, orgs, `{"name":"Trường THCS Nghĩa Tân","kinds":["school"]}`),
		"closed": create(t, h, tok, orgs, `{"name":"Trường THCS Cũ","kinds":["school"]}`),
		"called": create(t, h, tok, orgs, `{"name":"Trường THCS Đã Gọi","kinds":["school"]}`),
		"parent": createPerson(t, h, tok, `{"full_name":"Trần Thị Hoa"}`).ID,
	}
	for _, name := range []string{"school", "closed", "parent"} {
		logInteraction(t, h, tok, ids[name], `{"kind":"call","outcome":"hẹn gọi lại","next_action_on":"2026-11-10"}`)
	}
	logInteraction(t, h, tok, ids["called"], `{"kind":"call","outcome":"hẹn gọi lại","next_action_on":"2026-11-04"}`)
	h.Clock.Advance(2 * 24 * time.Hour) // Wednesday the 4th
	for _, name := range []string{"school", "closed", "parent", "called"} {
		logInteraction(t, h, tok, ids[name], `{"kind":"zalo","outcome":"đã gửi tờ giới thiệu qua Zalo"}`)
	}
	for _, q := range []string{`UPDATE organization SET next_action_on = NULL WHERE id = ANY($1::uuid[])`,
		`UPDATE person SET next_action_on = NULL WHERE id = ANY($1::uuid[])`} {
		if _, err := h.Pool.Exec(t.Context(), q, []string{ids["school"], ids["closed"], ids["parent"]}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// fillFollowUpsToSettle runs the statement of migration 00036 that lists
// the parties to settle, as an upgrade does.
func fillFollowUpsToSettle(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	sql, err := fs.ReadFile(migrations.FS, "00036_follow_up_settle.sql")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(sql), "INSERT INTO follow_up_settle")
	end := strings.Index(string(sql[start:]), ";")
	if start < 0 || end < 0 {
		t.Fatal("no statement filling follow_up_settle in 00036_follow_up_settle.sql")
	}
	if _, err := pool.Exec(t.Context(), string(sql[start:start+end])); err != nil {
		t.Fatal(err)
	}
}

// settledLog returns the attributes of the log lines msg, in order.
func settledLog(t *testing.T, logs, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(logs) {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if v["msg"] == msg {
			out = append(out, v)
		}
	}
	return out
}

// An upgraded service settles, once, the follow-ups the old rule cleared:
// the school's and the parent's call-back of the 10th is due again. A
// party deleted since the list was made is skipped. The settling records
// nothing in the history and publishes nothing, as a logged interaction
// records nothing of the follow-up it moves. Run again, it changes nothing.
func TestAnUpgradeSettlesTheFollowUpsTheOldRuleClearedOnce(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	ids := oldRuleParties(t, h, tok)
	due := func() []string {
		return append(names(t, h, tok, orgs+"?next_action_due=2026-11-30"), names(t, h, tok, people+"?next_action_due=2026-11-30")...)
	}
	if got := due(); len(got) != 0 {
		t.Fatalf("follow-ups due as the old rule left them: %q", got)
	}
	fillFollowUpsToSettle(t, h.Pool)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM follow_up_settle`); n != 4 {
		t.Fatalf("%d parties listed to settle, want the 4 with interactions", n)
	}
	if got := metricValue(string(h.Do(t, "GET", "/metrics", "", nil).Body), `rapport_contact_follow_ups_to_settle{context="contact"}`); got != "4" {
		t.Errorf("follow-ups to settle before the start: %q, want 4", got)
	}
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+ids["closed"], tok, nil), 204)
	history := `SELECT count(*) FROM history WHERE party_id = ANY($1::uuid[])`
	written := []string{ids["school"], ids["parent"], ids["called"]}
	entries, events := testkit.Count(t, h.Pool, history, written), testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`)

	h.Restart(t)
	testkit.Eventually(t, 30*time.Second, "the follow-ups to settle are settled", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM follow_up_settle`) == 0
	})
	if got, want := due(), []string{"Trường THCS Nghĩa Tân", "Trần Thị Hoa"}; !slices.Equal(got, want) {
		t.Errorf("follow-ups due once settled: %q, want %q", got, want)
	}
	for name, want := range map[string]string{"school": "2026-11-10", "parent": "2026-11-10", "called": ""} {
		path := orgs + "/" + ids[name]
		if name == "parent" {
			path = people + "/" + ids[name]
		}
		if got := followUp(t, h, tok, path); got != want {
			t.Errorf("the %s's follow-up is %q, want %q", name, got, want)
		}
	}
	mustStatus(t, h.Do(t, "GET", orgs+"/"+ids["closed"], tok, nil), 404)
	if n := testkit.Count(t, h.Pool, history, written); n != entries {
		t.Errorf("settling wrote %d history entries", n-entries)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`); n != events {
		t.Errorf("settling published %d events", n-events)
	}
	logs := h.Logs.String()
	if started := settledLog(t, logs, "settling follow-ups"); len(started) != 1 || started[0]["parties"] != 4.0 {
		t.Errorf("start lines: %v", started)
	}
	ended := settledLog(t, logs, "follow-ups settled")
	if len(ended) != 1 || ended[0]["parties"] != 4.0 || ended[0]["changed"] != 2.0 {
		t.Errorf("end lines: %v", ended)
	}
	if got := metricValue(string(h.Do(t, "GET", "/metrics", "", nil).Body), `rapport_contact_follow_ups_to_settle{context="contact"}`); got != "0" {
		t.Errorf("follow-ups to settle once settled: %q, want 0", got)
	}

	// A second run, over the parties listed again, changes nothing.
	fillFollowUpsToSettle(t, h.Pool)
	h.Restart(t)
	testkit.Eventually(t, 30*time.Second, "the follow-ups listed again are settled", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM follow_up_settle`) == 0
	})
	testkit.Eventually(t, 10*time.Second, "the second run logs its end", func() bool {
		return len(settledLog(t, h.Logs.String(), "follow-ups settled")) == 2
	})
	if again := settledLog(t, h.Logs.String(), "follow-ups settled")[1]; again["parties"] != 3.0 || again["changed"] != 0.0 {
		t.Errorf("the second run: %v", again)
	}
	if got, want := due(), []string{"Trường THCS Nghĩa Tân", "Trần Thị Hoa"}; !slices.Equal(got, want) {
		t.Errorf("follow-ups due after the second run: %q, want %q", got, want)
	}
}

// Replicas share the settling: parties another replica has taken (their
// rows locked by its batch) are left to it, and if it dies before its
// commit they are still listed, and settled by the next run.
func TestPartiesAnotherReplicaTookAreLeftToItAndKeptIfItDies(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	ids := oldRuleParties(t, h, tok)
	fillFollowUpsToSettle(t, h.Pool)
	other, err := h.Pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback(t.Context())
	if _, err := other.Exec(t.Context(), `SELECT FROM follow_up_settle WHERE party_id = $1 FOR UPDATE`, ids["school"]); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	var logs testkit.Buffer
	svc := service.New(h.Pool, h.Clock, loc, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err := svc.SettleFollowUps(t.Context()); err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, _ := h.Pool.Query(t.Context(), `SELECT party_id::text FROM follow_up_settle`)
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		left = append(left, id)
	}
	if rows.Err() != nil || !slices.Equal(left, []string{ids["school"]}) {
		t.Fatalf("left to settle %q (%v), want the school alone", left, rows.Err())
	}
	if got := followUp(t, h, tok, people+"/"+ids["parent"]); got != "2026-11-10" {
		t.Errorf("the parent's follow-up is %q, want 2026-11-10", got)
	}
	if got := followUp(t, h, tok, orgs+"/"+ids["school"]); got != "" {
		t.Errorf("the school another replica took was settled to %q", got)
	}

	if err := other.Rollback(t.Context()); err != nil { // the other replica dies
		t.Fatal(err)
	}
	if err := svc.SettleFollowUps(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := followUp(t, h, tok, orgs+"/"+ids["school"]); got != "2026-11-10" {
		t.Errorf("the school's follow-up is %q after the next run, want 2026-11-10", got)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM follow_up_settle`); n != 0 {
		t.Errorf("%d parties left to settle", n)
	}
	if ended := settledLog(t, logs.String(), "follow-ups settled"); len(ended) != 2 || ended[0]["changed"] != 2.0 || ended[1]["changed"] != 1.0 {
		t.Errorf("end lines: %v", ended)
	}
}
