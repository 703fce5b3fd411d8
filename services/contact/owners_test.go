package contact_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// staffToken signs a token for the staff member id holding role, for a
// colleague of the users h.Token signs for ("user-<role>").
func staffToken(t *testing.T, id string, role auth.Role) string {
	t.Helper()
	tok, err := auth.Issue(runner.DevSecret, id, []auth.Role{role}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// mustBeDeniedNaming fails t unless r is a 403 problem naming owner as
// the one who cares for the party.
func mustBeDeniedNaming(t *testing.T, r servicetest.Response, owner string) {
	t.Helper()
	mustStatus(t, r, 403)
	var p struct {
		Detail  string `json:"detail"`
		OwnerID string `json:"owner_id"`
	}
	r.JSON(t, &p)
	if p.OwnerID != owner || !strings.Contains(p.Detail, owner) || !strings.Contains(p.Detail, "a lead, a manager or an admin") {
		t.Fatalf("the refusal does not say who may: %s", r.Body)
	}
}

type careView struct {
	OwnerID     string `json:"owner_id"`
	OwnerChange *struct {
		OldOwnerID string    `json:"old_owner_id"`
		ChangedBy  string    `json:"changed_by"`
		ChangedAt  time.Time `json:"changed_at"`
		Reason     string    `json:"reason"`
		HandoverID string    `json:"handover_id"`
	} `json:"owner_change"`
	LastTouchedBy string `json:"last_touched_by"`
}

func careOf(t *testing.T, h *servicetest.Harness, path string) careView {
	t.Helper()
	r := h.Do(t, "GET", path+"/care", h.Token(t, auth.Director), nil)
	mustStatus(t, r, 200)
	var c careView
	r.JSON(t, &c)
	return c
}

func TestOnlyItsOwnerALeadAManagerOrAnAdminGivesAPartyToAnother(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, hoa := staffToken(t, "user-lan", auth.Sales), staffToken(t, "user-hoa", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Phạm Thị Mai","phones":["0913000111"]}`)
	o := create(t, h, lan, orgs, `{"name":"Trường THCS Ngô Sĩ Liên","kinds":["school"]}`)
	for _, path := range []string{people + "/" + p.ID, orgs + "/" + o} {
		// A colleague, or a trainer, cannot take her, nor give her away.
		for _, tok := range []string{hoa, h.Token(t, auth.Trainer)} {
			mustBeDeniedNaming(t, h.Do(t, "POST", path+"/owner", tok, `{"owner_id":"user-hoa","reason":"em quen chị ấy"}`), "user-lan")
		}
		mustStatus(t, h.Do(t, "POST", path+"/owner", h.Token(t, auth.Director), `{"owner_id":"user-hoa","reason":"x"}`), 403)
		if c := careOf(t, h, path); c.OwnerID != "user-lan" {
			t.Fatalf("a refused change gave %s to %s", path, c.OwnerID)
		}
		// A reason is required, of the owner too.
		mustName(t, h.Do(t, "POST", path+"/owner", lan, `{"owner_id":"user-hoa"}`), "reason", "is required")
		mustName(t, h.Do(t, "POST", path+"/owner", lan, `{"owner_id":"user-hoa","reason":"  \n "}`), "reason", "is required")
		// The owner, then a lead, a manager and an admin may.
		mustStatus(t, h.Do(t, "POST", path+"/owner", lan, `{"owner_id":"user-hoa","reason":"chị Lan chuyển sang nhóm dự án"}`), 200)
		for i, tok := range []string{h.Token(t, auth.Lead), h.Token(t, auth.Manager), h.Token(t, auth.Admin)} {
			body := fmt.Sprintf(`{"owner_id":"user-%d","reason":"chia lại địa bàn"}`, i)
			mustStatus(t, h.Do(t, "POST", path+"/owner", tok, body), 200)
		}
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM owner_audit WHERE reason <> 'created'`); n != 8 {
		t.Fatalf("%d owner changes audited, want 8", n)
	}
}

func TestOnlyItsOwnerALeadAManagerOrAnAdminDeletesAParty(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, hoa := staffToken(t, "user-lan", auth.Sales), staffToken(t, "user-hoa", auth.Sales)
	var mine []string
	for i := range 5 {
		mine = append(mine, createPerson(t, h, lan, fmt.Sprintf(`{"full_name":"Khách %d"}`, i)).ID)
	}
	o := create(t, h, lan, orgs, `{"name":"Trường Tiểu học Đoàn Thị Điểm","kinds":["school"]}`)
	for _, path := range []string{people + "/" + mine[0], orgs + "/" + o} {
		for _, tok := range []string{hoa, h.Token(t, auth.Trainer)} {
			mustBeDeniedNaming(t, h.Do(t, "DELETE", path, tok, nil), "user-lan")
		}
		mustStatus(t, h.Do(t, "DELETE", path, h.Token(t, auth.Director), nil), 403)
		mustStatus(t, h.Do(t, "GET", path, hoa, nil), 200)
	}
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+o, lan, nil), 204)
	for i, tok := range []string{lan, h.Token(t, auth.Lead), h.Token(t, auth.Manager), h.Token(t, auth.Admin)} {
		mustStatus(t, h.Do(t, "DELETE", people+"/"+mine[i], tok, nil), 204)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person`); n != 1 {
		t.Fatalf("%d people left, want 1", n)
	}
}

func TestAnOwnerIsNotChangedByAPatch(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Vũ Văn Hùng"}`)
	for _, owner := range []string{"user-lead", ""} {
		r := h.Do(t, "PATCH", people+"/"+p.ID, tok, fmt.Sprintf(`{"owner_id":%q,"notes":"x"}`, owner))
		mustName(t, r, "owner_id", "POST /api/contact/v1/people/{id}/owner")
	}
	// The owner as read may be sent back with other changes.
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, tok, `{"owner_id":"user-sales","notes":"gọi sau 17h"}`), 200)
	if c := careOf(t, h, people+"/"+p.ID); c.OwnerID != "user-sales" {
		t.Fatalf("owner %s after the PATCHes", c.OwnerID)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM owner_audit WHERE party_id=$1`, p.ID); n != 1 {
		t.Fatalf("%d owner audit rows, want the creation's only", n)
	}
}

func TestADeletedPartyKeepsItsHistoryAndInteractionsAndSaysWhoDeletedIt(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Hoàng Thị Yến","phones":["0988000222"]}`)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p.ID, lan, `{"notes":"phụ huynh lớp 9A"}`), 200)
	create(t, h, lan, "/api/contact/v1/interactions", fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"hẹn gặp"}`, p.ID))
	mustStatus(t, h.Do(t, "DELETE", people+"/"+p.ID, h.Token(t, auth.Manager), nil), 204)

	reader := h.Token(t, auth.Director)
	mustStatus(t, h.Do(t, "GET", people+"/"+p.ID, reader, nil), 404)
	r := h.Do(t, "GET", people+"/"+p.ID+"/history", reader, nil)
	mustStatus(t, r, 200)
	var hist struct {
		Items []struct {
			Actor string
			Field string
			Old   json.RawMessage
			New   json.RawMessage
		}
	}
	r.JSON(t, &hist)
	last := hist.Items[len(hist.Items)-1]
	if len(hist.Items) != 3 || last.Field != "deleted" || last.Actor != "user-manager" || string(last.New) != "null" ||
		!strings.Contains(string(last.Old), "Hoàng Thị Yến") || !strings.Contains(string(last.Old), "+84988000222") {
		t.Fatalf("history of the deleted person: %s", r.Body)
	}
	r = h.Do(t, "GET", "/api/contact/v1/interactions?party_id="+p.ID, reader, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), "hẹn gặp") {
		t.Fatalf("interactions of the deleted person: %s", r.Body)
	}
	// An id never issued, or one of the other resource, is still not found.
	mustStatus(t, h.Do(t, "GET", orgs+"/"+p.ID+"/history", reader, nil), 404)
	mustStatus(t, h.Do(t, "GET", people+"/"+event.NewID().String()+"/history", reader, nil), 404)

	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.deleted", 10*time.Second, nil)
	deleted, err := contract.Decode[contract.PersonDeleted](e)
	if err != nil || contract.Rapport().Check(e) != nil || deleted.ID != p.ID || deleted.DeletedBy != "user-manager" {
		t.Fatalf("deleted event: %s", e.Data)
	}
}

func TestWhyAPartyChangedHandsIsReadBack(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Trần Văn Bình"}`)
	path := people + "/" + p.ID
	if c := careOf(t, h, path); c.OwnerChange == nil || c.OwnerChange.Reason != "created" || c.OwnerChange.ChangedBy != "user-lan" {
		t.Fatalf("care of a new person: %+v", c.OwnerChange)
	}
	mustStatus(t, h.Do(t, "POST", path+"/owner", lan, `{"owner_id":"user-hoa","reason":"  anh Bình   ở gần chị Hoà "}`), 200)
	c := careOf(t, h, path)
	if c.OwnerID != "user-hoa" || c.OwnerChange == nil || c.OwnerChange.Reason != "anh Bình ở gần chị Hoà" ||
		c.OwnerChange.ChangedBy != "user-lan" || c.OwnerChange.OldOwnerID != "user-lan" || c.OwnerChange.ChangedAt.IsZero() {
		t.Fatalf("care after a reassignment: %+v", c.OwnerChange)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.owner_changed", 10*time.Second, nil)
	changed, err := contract.Decode[contract.PersonOwnerChanged](e)
	if err != nil || contract.Rapport().Check(e) != nil || changed.Reason != "anh Bình ở gần chị Hoà" || changed.ChangedBy != "user-lan" {
		t.Fatalf("owner_changed: %s", e.Data)
	}

	r := h.Do(t, "POST", "/api/contact/v1/handovers", h.Token(t, auth.Manager),
		`{"from_owner_id":"user-hoa","to_owner_id":"user-minh","reason":"chị Hoà nghỉ thai sản"}`)
	mustStatus(t, r, 201)
	var ho struct{ ID string }
	r.JSON(t, &ho)
	c = careOf(t, h, path)
	if c.OwnerID != "user-minh" || c.OwnerChange.Reason != "chị Hoà nghỉ thai sản" || c.OwnerChange.HandoverID != ho.ID ||
		c.OwnerChange.ChangedBy != "user-manager" {
		t.Fatalf("care after a hand-over: %+v", c.OwnerChange)
	}
	r = h.Do(t, "GET", path+"/history", lan, nil)
	mustStatus(t, r, 200)
	var hist struct {
		Items []struct {
			Actor, Field, Reason string
			HandoverID           string `json:"handover_id"`
		}
	}
	r.JSON(t, &hist)
	var owners []string
	for _, it := range hist.Items {
		if it.Field == "owner_id" {
			owners = append(owners, it.Actor+": "+it.Reason+" "+it.HandoverID)
		}
	}
	want := []string{"user-lan: anh Bình ở gần chị Hoà ", "user-manager: chị Hoà nghỉ thai sản " + ho.ID}
	if !slices.Equal(owners, want) {
		t.Fatalf("owner changes in the history: %q, want %q", owners, want)
	}
}

func TestHandOversAreListedNewestFirstWithWhatTheyMovedAndWhy(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Lê Thị Thu"}`)
	q := createPerson(t, h, lan, `{"full_name":"Lê Văn Hải"}`)
	o := create(t, h, lan, orgs, `{"name":"Trường MN Sao Mai","kinds":["school"]}`)
	boss := h.Token(t, auth.Manager)
	const handovers = "/api/contact/v1/handovers"
	mustName(t, h.Do(t, "POST", handovers, boss, `{"from_owner_id":"user-lan","to_owner_id":"user-hoa"}`), "reason", "is required")
	mustName(t, h.Do(t, "POST", handovers, boss, `{"from_owner_id":"user-lan","to_owner_id":"user-hoa","reason":" "}`), "reason", "is required")
	handOver := func(tok, body string) string {
		t.Helper()
		r := h.Do(t, "POST", handovers, tok, body)
		mustStatus(t, r, 201)
		var v struct{ ID string }
		r.JSON(t, &v)
		return v.ID
	}
	first := handOver(boss, `{"from_owner_id":"user-lan","to_owner_id":"user-hoa","reason":"chị Lan nghỉ việc"}`)
	second := handOver(h.Token(t, auth.Admin), `{"from_owner_id":"user-hoa","to_owner_id":"user-minh","reason":"chị Hoà chuyển phòng"}`)

	type record struct {
		ID              string    `json:"id"`
		FromOwnerID     string    `json:"from_owner_id"`
		ToOwnerID       string    `json:"to_owner_id"`
		Reason          string    `json:"reason"`
		HandedOverBy    string    `json:"handed_over_by"`
		HandedOverAt    time.Time `json:"handed_over_at"`
		Organizations   int       `json:"organizations"`
		People          int       `json:"people"`
		OrganizationIDs []string  `json:"organization_ids"`
		PersonIDs       []string  `json:"person_ids"`
	}
	var pg struct {
		Items      []record `json:"items"`
		NextCursor string   `json:"next_cursor"`
	}
	r := h.Do(t, "GET", handovers+"?limit=1", h.Token(t, auth.Lead), nil)
	mustStatus(t, r, 200)
	r.JSON(t, &pg)
	if len(pg.Items) != 1 || pg.Items[0].ID != second || pg.Items[0].Reason != "chị Hoà chuyển phòng" || pg.Items[0].HandedOverBy != "user-admin" ||
		pg.Items[0].People != 2 || pg.Items[0].Organizations != 1 || pg.NextCursor == "" {
		t.Fatalf("first page: %s", r.Body)
	}
	r = h.Do(t, "GET", handovers+"?limit=1&cursor="+pg.NextCursor, h.Token(t, auth.Director), nil)
	mustStatus(t, r, 200)
	pg.NextCursor = ""
	r.JSON(t, &pg)
	if len(pg.Items) != 1 || pg.Items[0].ID != first || pg.Items[0].FromOwnerID != "user-lan" || pg.Items[0].ToOwnerID != "user-hoa" ||
		pg.Items[0].HandedOverBy != "user-manager" || pg.Items[0].HandedOverAt.IsZero() || pg.NextCursor != "" {
		t.Fatalf("second page: %s", r.Body)
	}

	r = h.Do(t, "GET", handovers+"/"+first, boss, nil)
	mustStatus(t, r, 200)
	var one record
	r.JSON(t, &one)
	wantPeople := []string{p.ID, q.ID}
	slices.Sort(wantPeople)
	if one.Reason != "chị Lan nghỉ việc" || !slices.Equal(one.PersonIDs, wantPeople) || !slices.Equal(one.OrganizationIDs, []string{o}) {
		t.Fatalf("hand-over: %s", r.Body)
	}
	for _, tok := range []string{lan, h.Token(t, auth.Trainer)} {
		mustStatus(t, h.Do(t, "GET", handovers, tok, nil), 403)
		mustStatus(t, h.Do(t, "GET", handovers+"/"+first, tok, nil), 403)
	}
	mustStatus(t, h.Do(t, "GET", handovers+"/"+event.NewID().String(), boss, nil), 404)
	mustStatus(t, h.Do(t, "GET", handovers+"?cursor=x", boss, nil), 422)
}

func TestWhoTouchedAPartyLastIsWhoWorkedWithIt(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Ngô Thị Lệ","tags":["phụ huynh"]}`)
	path := people + "/" + p.ID
	mustStatus(t, h.Do(t, "PATCH", path, h.Token(t, auth.Trainer), `{"notes":"có hai con"}`), 200)
	if c := careOf(t, h, path); c.LastTouchedBy != "user-trainer" {
		t.Fatalf("after an edit, last touched by %q", c.LastTouchedBy)
	}
	create(t, h, lan, "/api/contact/v1/interactions", fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"quan tâm lớp hè"}`, p.ID))

	// Administrative changes follow: none is work with her.
	lead := h.Token(t, auth.Lead)
	mustStatus(t, h.Do(t, "POST", people+"/bulk-changes", lead, `{"filter":{"tag":"phụ huynh"},"add_tags":["lớp hè"]}`), 200)
	mustStatus(t, h.Do(t, "POST", path+"/owner", lead, `{"owner_id":"user-hoa","reason":"chia lại"}`), 200)
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/handovers", h.Token(t, auth.Manager),
		`{"from_owner_id":"user-hoa","to_owner_id":"user-minh","reason":"chị Hoà nghỉ việc"}`), 201)
	if c := careOf(t, h, path); c.LastTouchedBy != "user-lan" || c.OwnerID != "user-minh" {
		t.Fatalf("after a bulk change, an owner change and a hand-over: %+v", c)
	}
	mustStatus(t, h.Do(t, "PATCH", path, lead, `{"notes":"có hai con, học lớp 3 và 5"}`), 200)
	if c := careOf(t, h, path); c.LastTouchedBy != "user-lead" {
		t.Fatalf("after the lead's edit, last touched by %q", c.LastTouchedBy)
	}
}
