package contact_test

import (
	"context"
	"errors"
	"net/http"
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
)

// A hand-over of a few thousand parties moves every one, with a history
// entry, an audit row and an event each, and is not undone when the
// caller gives up before it is done, as a gateway does after its read
// timeout: a colleague's transaction holds one of the parties, so the
// hand-over is still waiting when the caller leaves.
func TestAHandOverOfThousandsMovesEveryPartyEvenWhenTheCallerGivesUp(t *testing.T) {
	const n = 3000
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	var loaded []string
	copyPeople(t, h, n, []string{"owner_id"}, func(_ int, p *party.Person) []any {
		p.OwnerID = "user-lan"
		loaded = append(loaded, p.ID)
		return []any{p.OwnerID}
	})
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Trần Thị Mai"}`)
	o := create(t, h, lan, orgs, `{"name":"Trường THCS Ngô Quyền","kinds":["school"]}`)
	createPerson(t, h, staffToken(t, "user-minh", auth.Sales), `{"full_name":"Lê Văn Tám"}`)

	held, err := h.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback(ctx)
	if _, err := held.Exec(ctx, `SELECT 1 FROM person WHERE id = $1 FOR UPDATE`, loaded[n/2]); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", h.URL+"/api/contact/v1/handovers",
		strings.NewReader(`{"from_owner_id":"user-lan","to_owner_id":"user-hoa","reason":"chị Lan nghỉ việc"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.Token(t, auth.Manager))
	req.Header.Set("Content-Type", "application/json")
	impatient := &http.Client{Timeout: 300 * time.Millisecond}
	if resp, err := impatient.Do(req); err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "Timeout") {
		t.Fatalf("the caller was answered before it gave up: %v %v", resp, err)
	}
	time.Sleep(500 * time.Millisecond) // the server has seen the caller go
	if err := held.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	var list struct {
		Items []struct {
			ID            string    `json:"id"`
			People        int       `json:"people"`
			Organizations int       `json:"organizations"`
			HandedOverAt  time.Time `json:"handed_over_at"`
		} `json:"items"`
	}
	boss := h.Token(t, auth.Manager)
	testkit.Eventually(t, 30*time.Second, "the hand-over listed", func() bool {
		r := h.Do(t, "GET", "/api/contact/v1/handovers", boss, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &list)
		return len(list.Items) == 1
	})
	ho := list.Items[0]
	if ho.People != n+1 || ho.Organizations != 1 || !ho.HandedOverAt.Equal(h.Clock.Now()) {
		t.Fatalf("hand-over: %+v, want %d people and 1 organisation at %s", ho, n+1, h.Clock.Now())
	}
	counts := map[string]string{
		"people left to lan":        `SELECT count(*) FROM person WHERE owner_id = 'user-lan' OR doc->>'owner_id' = 'user-lan'`,
		"organisations left to lan": `SELECT count(*) FROM organization WHERE owner_id = 'user-lan' OR doc->>'owner_id' = 'user-lan'`,
	}
	for what, q := range counts {
		if c := testkit.Count(t, h.Pool, q); c != 0 {
			t.Fatalf("%s: %d", what, c)
		}
	}
	want := map[string]string{
		"people given to hoa": `SELECT count(*) FROM person WHERE owner_id = 'user-hoa' AND doc->>'owner_id' = 'user-hoa' AND version = 2`,
		"history entries":     `SELECT count(*) FROM history WHERE handover_id = $1 AND field = 'owner_id' AND new_value = '"user-hoa"' AND old_value = '"user-lan"' AND reason = 'chị Lan nghỉ việc'`,
		"audit rows":          `SELECT count(*) FROM owner_audit WHERE handover_id = $1 AND old_owner = 'user-lan' AND new_owner = 'user-hoa' AND actor = 'user-manager'`,
		"events":              `SELECT count(*) FROM outbox WHERE type LIKE '%owner_changed%' AND payload->>'handover_id' = $1`,
	}
	for what, q := range want {
		args := []any{ho.ID}
		if !strings.Contains(q, "$1") {
			args = nil
		}
		wantN := int64(n + 2)
		if what == "people given to hoa" {
			wantN = n + 1
		}
		if c := testkit.Count(t, h.Pool, q, args...); c != wantN {
			t.Fatalf("%s: %d, want %d", what, c, wantN)
		}
	}
	if c := careOf(t, h, people+"/"+p.ID); c.OwnerID != "user-hoa" || c.OwnerChange == nil || c.OwnerChange.HandoverID != ho.ID {
		t.Fatalf("care of a person handed over: %+v", c)
	}
	// A sample of the events, as JetStream carries them.
	for _, id := range []string{loaded[0], loaded[n/2], p.ID} {
		e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.owner_changed", 30*time.Second, func(e event.Event) bool { return e.AggregateID == id })
		changed, err := contract.Decode[contract.PersonOwnerChanged](e)
		if err != nil || contract.Rapport().Check(e) != nil || changed.ID != id || changed.OldOwnerID != "user-lan" || changed.NewOwnerID != "user-hoa" ||
			changed.HandoverID != ho.ID || changed.ChangedBy != "user-manager" || changed.Reason != "chị Lan nghỉ việc" {
			t.Fatalf("owner_changed of %s: %s", id, e.Data)
		}
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization.owner_changed", 30*time.Second, nil)
	if changed, err := contract.Decode[contract.OrganizationOwnerChanged](e); err != nil || changed.ID != o || changed.HandoverID != ho.ID {
		t.Fatalf("owner_changed of the organisation: %s", e.Data)
	}
}

// A staff member's write to a customer that another operation holds (here
// a transaction that locked its row, as a hand-over does) waits a few
// seconds, then is refused as busy, and goes through once it is free.
func TestAWriteToACustomerAnotherOperationHoldsIsRefusedAsBusy(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Phạm Văn Đức"}`)
	held, err := h.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback(ctx)
	if _, err := held.Exec(ctx, `SELECT 1 FROM person WHERE id = $1 FOR UPDATE`, p.ID); err != nil {
		t.Fatal(err)
	}
	// Were the writes to wait for the lock, they would go through when
	// it is let go, after longer than the writes wait.
	go func() {
		time.Sleep(15 * time.Second)
		_ = held.Rollback(ctx)
	}()
	busy := func(r servicetest.Response, start time.Time) {
		t.Helper()
		mustStatus(t, r, 409)
		var pr struct{ Type, Detail string }
		r.JSON(t, &pr)
		if !strings.HasSuffix(pr.Type, "/busy") || !strings.Contains(pr.Detail, "being changed by another operation") ||
			!strings.Contains(pr.Detail, "try again") {
			t.Fatalf("refusal: %s", r.Body)
		}
		if waited := time.Since(start); waited < 4*time.Second || waited > 12*time.Second {
			t.Fatalf("refused after %s, want after about 5s", waited)
		}
	}
	start := time.Now()
	busy(h.Do(t, "PATCH", people+"/"+p.ID, lan, `{"tags":["đang bàn giao"]}`), start)
	start = time.Now()
	busy(h.Do(t, "POST", "/api/contact/v1/interactions", lan, `{"party_id":"`+p.ID+`","kind":"call","outcome":"ok"}`), start)
	if err := held.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, lan, `{"tags":["đang bàn giao"]}`), 200)
}
