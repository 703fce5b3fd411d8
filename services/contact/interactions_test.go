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
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// A call logged with the wrong kind, day or follow-up is corrected, and one
// logged with the wrong party deleted: the party's next action follows, the
// party's history keeps the interaction before and after, the timeline
// shows what now stands, and only the staff member who logged it or made
// it, a lead, a manager or an admin may do it.
func TestAnInteractionLoggedByMistakeIsCorrectedOrDeleted(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const path = "/api/contact/v1/interactions"
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Kim Liên","kinds":["school"]}`)
	due := func(day string) []string { return names(t, h, tok, orgs+"?next_action_due="+day) }
	events := func() int64 { return testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`) }
	type change struct {
		Actor, Field string
		Old, New     json.RawMessage
	}
	history := func() []change {
		t.Helper()
		var pg struct{ Items []change }
		h.Do(t, "GET", orgs+"/"+school+"/history", tok, nil).JSON(t, &pg)
		return slices.DeleteFunc(pg.Items, func(c change) bool { return c.Field != "interaction" })
	}
	type interaction struct {
		Kind, Outcome, Notes string
		NextActionOn         string `json:"next_action_on"`
	}
	get := func(id string) interaction {
		t.Helper()
		r := h.Do(t, "GET", path+"/"+id, tok, nil)
		mustStatus(t, r, 200)
		var v interaction
		r.JSON(t, &v)
		return v
	}

	// The clock says Monday 2 November, 09:00 in Hanoi.
	first := create(t, h, tok, path, fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-10-30T09:00:00+07:00",
		"outcome":"gửi báo giá","next_action_on":"2026-11-04"}`, school))
	second := create(t, h, tok, path, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"hẹn gặp","notes":"gọi nhầm số",
		"next_action_on":"2026-11-10"}`, school))
	testkit.Eventually(t, 10*time.Second, "both on the timeline", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry WHERE party_id=$1`, school) == 2
	})

	// It was a meeting, the follow-up is on the 12th, and the note was wrong.
	r := h.Do(t, "PATCH", path+"/"+second, tok, `{"kind":"meeting","next_action_on":"2026-11-12","notes":null}`)
	mustStatus(t, r, 200)
	var v interaction
	r.JSON(t, &v)
	if want := (interaction{Kind: "meeting", Outcome: "hẹn gặp", NextActionOn: "2026-11-12"}); v != want || get(second) != want {
		t.Errorf("corrected: answered %+v, reads %+v, want %+v", v, get(second), want)
	}
	if got, want := due("2026-11-11"), []string{}; !slices.Equal(got, want) {
		t.Errorf("due by the 11th after the correction: %q", got)
	}
	if got := due("2026-11-12"); !slices.Equal(got, []string{"Trường Tiểu học Kim Liên"}) {
		t.Errorf("due by the 12th after the correction: %q", got)
	}
	if hs := history(); len(hs) != 1 || hs[0].Actor != "user-sales" ||
		!jsonHas(t, hs[0].Old, "kind", "call") || !jsonHas(t, hs[0].New, "kind", "meeting") || !jsonHas(t, hs[0].Old, "notes", "gọi nhầm số") {
		t.Errorf("history of the correction: %+v", hs)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.interaction.corrected", 10*time.Second, nil)
	corrected, _ := contract.Decode[contract.InteractionCorrected](e)
	if err := contract.Rapport().Check(e); err != nil || corrected.ID != second || corrected.Kind != "meeting" ||
		corrected.CorrectedBy != "user-sales" || !slices.Equal(corrected.Fields, []string{"kind", "next_action_on", "notes"}) {
		t.Errorf("interaction.corrected %s: %v", e.Data, err)
	}
	testkit.Eventually(t, 10*time.Second, "the timeline shows the meeting", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry WHERE party_id=$1 AND summary->>'interaction_id'=$2
 AND summary->>'kind'='meeting' AND summary->>'corrected_by'='user-sales'`, school, second) == 1
	})

	// A patch that changes nothing writes nothing; a bad one is a 422
	// naming the field and writes nothing either.
	before := events()
	mustStatus(t, h.Do(t, "PATCH", path+"/"+second, tok, `{"kind":"meeting","outcome":"hẹn gặp"}`), 200)
	for body, field := range map[string]string{
		fmt.Sprintf(`{"party_id":%q}`, school):        "party_id",
		`{"logged_by":"user-lead"}`:                   "logged_by",
		`{"occurred_at":null}`:                        "occurred_at",
		`{"staff_id":null}`:                           "staff_id",
		`{"kind":"telegram"}`:                         "kind",
		`{"next_action_on":"2026-11-01"}`:             "next_action_on", // before the meeting's day
		`{"occurred_at":"2026-11-03T09:00:00+07:00"}`: "occurred_at",    // tomorrow
		`{"mood":"vui"}`:                              "mood",
	} {
		r := h.Do(t, "PATCH", path+"/"+second, tok, body)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Contains(got, field) {
			t.Errorf("%s: problems on %q, want %s", body, got, field)
		}
	}
	if n := events(); n != before || len(history()) != 1 {
		t.Errorf("refused or empty patches wrote %d events and %d history entries", n-before, len(history())-1)
	}

	// Someone else's interaction is not theirs to change; a manager's it is
	// (and a lead's: TestALeadCorrectsOrDeletesATeamMembersInteraction).
	for _, other := range []string{staffToken(t, "user-lan", auth.Sales), h.Token(t, auth.Trainer), h.Token(t, auth.Director)} {
		mustStatus(t, h.Do(t, "PATCH", path+"/"+second, other, `{"outcome":"x"}`), 403)
		mustStatus(t, h.Do(t, "DELETE", path+"/"+second, other, nil), 403)
	}
	mustStatus(t, h.Do(t, "PATCH", path+"/"+second, h.Token(t, auth.Manager), `{"occurred_at":"2026-10-29T15:00:00+07:00"}`), 200)
	// The meeting now came before the first call, whose follow-up is again
	// the school's next action.
	if got := due("2026-11-04"); !slices.Equal(got, []string{"Trường Tiểu học Kim Liên"}) {
		t.Errorf("due by the 4th once the meeting moved back: %q", got)
	}

	// The first call was with another school: it is deleted, and the
	// meeting's follow-up is the next action again.
	mustStatus(t, h.Do(t, "DELETE", path+"/"+first, tok, nil), 204)
	mustStatus(t, h.Do(t, "GET", path+"/"+first, tok, nil), 404)
	mustStatus(t, h.Do(t, "DELETE", path+"/"+first, tok, nil), 404)
	if got := due("2026-11-11"); len(got) != 0 {
		t.Errorf("due by the 11th after the delete: %q", got)
	}
	if got := due("2026-11-12"); len(got) != 1 {
		t.Errorf("due by the 12th after the delete: %q", got)
	}
	if hs := history(); len(hs) != 3 || !jsonHas(t, hs[2].Old, "outcome", "gửi báo giá") || string(hs[2].New) != "null" {
		t.Errorf("history of the delete: %+v", hs)
	}
	e = testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.interaction.deleted", 10*time.Second, nil)
	if deleted, _ := contract.Decode[contract.InteractionDeleted](e); contract.Rapport().Check(e) != nil || deleted.ID != first || deleted.DeletedBy != "user-sales" {
		t.Errorf("interaction.deleted %s", e.Data)
	}
	testkit.Eventually(t, 10*time.Second, "the deleted call off the timeline", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry WHERE party_id=$1`, school) == 1
	})

	for _, id := range []string{event.NewID().String(), "not-an-id"} {
		mustStatus(t, h.Do(t, "GET", path+"/"+id, tok, nil), 404)
		mustStatus(t, h.Do(t, "PATCH", path+"/"+id, tok, `{"outcome":"x"}`), 404)
		mustStatus(t, h.Do(t, "DELETE", path+"/"+id, tok, nil), 404)
	}
}

// The deployment lead supervises the team's customer care: a call a sales
// colleague logged wrong they correct or delete, as a manager does; a
// colleague in sales or a trainer may not, and is told who may.
func TestALeadCorrectsOrDeletesATeamMembersInteraction(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	lead := staffToken(t, "user-tk", auth.Lead)
	const path = "/api/contact/v1/interactions"
	parent := create(t, h, lan, people, `{"full_name":"Lý Thị Hoa","phones":["0912000555"]}`)
	call := create(t, h, lan, path, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"hẹn gặp"}`, parent))
	zalo := create(t, h, lan, path, fmt.Sprintf(`{"party_id":%q,"kind":"zalo","outcome":"gửi nhầm người"}`, parent))

	for _, other := range []string{staffToken(t, "user-minh", auth.Sales), staffToken(t, "user-nam", auth.Trainer)} {
		r := h.Do(t, "PATCH", path+"/"+call, other, `{"outcome":"x"}`)
		mustStatus(t, r, 403)
		var p struct {
			Detail   string
			LoggedBy string `json:"logged_by"`
			StaffID  string `json:"staff_id"`
		}
		r.JSON(t, &p)
		if p.LoggedBy != "user-lan" || p.StaffID != "user-lan" || !strings.Contains(p.Detail, "only they, a lead, a manager or an admin may correct or delete it") {
			t.Errorf("a colleague's correction is refused as %s", r.Body)
		}
		mustStatus(t, h.Do(t, "DELETE", path+"/"+zalo, other, nil), 403)
	}

	r := h.Do(t, "PATCH", path+"/"+call, lead, `{"outcome":"hẹn gặp thứ Năm"}`)
	mustStatus(t, r, 200)
	var got struct {
		Outcome string
		StaffID string `json:"staff_id"`
	}
	r.JSON(t, &got)
	if got.Outcome != "hẹn gặp thứ Năm" || got.StaffID != "user-lan" {
		t.Errorf("the lead's correction left %+v, want the new outcome of Lan's call", got)
	}
	mustStatus(t, h.Do(t, "DELETE", path+"/"+zalo, lead, nil), 204)
	mustStatus(t, h.Do(t, "GET", path+"/"+zalo, lan, nil), 404)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history WHERE field='interaction' AND actor='user-tk'`); n != 2 {
		t.Errorf("the party's history keeps %d of the lead's changes, want 2", n)
	}
}

// jsonHas reports whether the JSON object doc has member key with value want.
func jsonHas(t *testing.T, doc json.RawMessage, key, want string) bool {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return false
	}
	return m[key] == want
}

// A manager and the staff member who made a call correct it at once: the
// second, sent on the version both read, is refused and sees the first's
// correction instead of overwriting it; so is a delete. A merge moving the
// call to the survivor is a new version too.
func TestACorrectionOfAnInteractionChangedSinceItWasReadIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok, boss := h.Token(t, auth.Sales), h.Token(t, auth.Manager)
	const path = "/api/contact/v1/interactions"
	parent := create(t, h, tok, people, `{"full_name":"Lý Thị Hoa","phones":["0912000555"]}`)
	r := h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"hẹn gặp"}`, parent))
	mustStatus(t, r, 201)
	var it struct{ ID, Outcome string }
	r.JSON(t, &it)
	call := path + "/" + it.ID
	current := func() (outcome, etag string) {
		t.Helper()
		r := h.Do(t, "GET", call, tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &it)
		return it.Outcome, r.Header.Get("ETag")
	}
	_, read := current()
	if created := r.Header.Get("ETag"); created != `"1"` || read != created {
		t.Fatalf("logged with ETag %q, read with %q", created, read)
	}

	r = ifMatch(t, h, "PATCH", call, boss, `{"outcome":"đã gặp, ký hợp đồng"}`, read)
	mustStatus(t, r, 200)
	outcome, etag := current()
	if got := r.Header.Get("ETag"); got != `"2"` || got != etag {
		t.Errorf("the correction answers ETag %q; the interaction is at %q", got, etag)
	}
	events, entries := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`), testkit.Count(t, h.Pool, `SELECT count(*) FROM history`)
	r = ifMatch(t, h, "PATCH", call, tok, `{"outcome":"không nghe máy"}`, read)
	mustStatus(t, r, 412)
	var prob struct{ ETag string }
	r.JSON(t, &prob)
	if prob.ETag != etag {
		t.Errorf("the 412 names version %q, want %q", prob.ETag, etag)
	}
	mustStatus(t, ifMatch(t, h, "DELETE", call, tok, "", read), 412)
	if now, _ := current(); now != outcome || outcome != "đã gặp, ký hợp đồng" {
		t.Errorf("outcome after the refused writes %q", now)
	}
	if n, m := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`), testkit.Count(t, h.Pool, `SELECT count(*) FROM history`); n != events || m != entries {
		t.Errorf("the refused writes wrote %d events and %d history entries", n-events, m-entries)
	}
	// A correction that changes nothing is no write.
	r = ifMatch(t, h, "PATCH", call, tok, `{"outcome":"đã gặp, ký hợp đồng"}`, etag)
	mustStatus(t, r, 200)
	if got := r.Header.Get("ETag"); got != etag {
		t.Errorf("a correction changing nothing answers %q, want %q", got, etag)
	}
	// Someone else's role check comes first: a trainer who did not make
	// the call is refused whatever version they name.
	mustStatus(t, ifMatch(t, h, "PATCH", call, h.Token(t, auth.Trainer), `{"outcome":"x"}`, etag), 403)

	dup := create(t, h, tok, people, `{"full_name":"Lý Hoa","emails":["hoa.ly@example.vn"]}`)
	r = h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"zalo"}`, dup))
	mustStatus(t, r, 201)
	var moved struct{ ID string }
	r.JSON(t, &moved)
	mustStatus(t, h.Do(t, "POST", people+"/"+parent+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, dup)), 200)
	r = h.Do(t, "GET", path+"/"+moved.ID, tok, nil)
	mustStatus(t, r, 200)
	if got := r.Header.Get("ETag"); got != `"2"` {
		t.Errorf("a call moved by a merge is at %q, want \"2\"", got)
	}
	mustStatus(t, ifMatch(t, h, "DELETE", path+"/"+moved.ID, tok, "", `"1"`), 412)
	mustStatus(t, ifMatch(t, h, "DELETE", path+"/"+moved.ID, tok, "", `"2"`), 204)
	mustStatus(t, ifMatch(t, h, "DELETE", call, tok, "", etag), 204)
}

// A follow-up is a date as every other: written day first as Vietnamese
// users write it, answered YYYY-MM-DD, and a day the calendar lacks is
// named as such. "today" in a filter moves with the calendar, so a saved
// segment of the follow-ups due is right on every day.
func TestAFollowUpIsReadAsDatesAreAndDueTodayMovesWithTheCalendar(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{}) // Monday 2 November, 09:00 in Hanoi
	tok := h.Token(t, auth.Sales)
	const path = "/api/contact/v1/interactions"
	a := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Kim Liên","kinds":["school"]}`)
	b := create(t, h, tok, orgs, `{"name":"Trường THCS Đống Đa","kinds":["school"]}`)

	r := h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","next_action_on":"03/11/2026"}`, a))
	mustStatus(t, r, 201)
	if !strings.Contains(string(r.Body), `"next_action_on":"2026-11-03"`) {
		t.Errorf("a follow-up written day first is answered %s", r.Body)
	}
	create(t, h, tok, path, fmt.Sprintf(`{"party_id":%q,"kind":"call","next_action_on":"2026-11-02"}`, b))
	mustName(t, h.Do(t, "POST", path, tok, fmt.Sprintf(`{"party_id":%q,"kind":"call","next_action_on":"2026-02-30"}`, a)),
		"next_action_on", "is no day of the calendar")
	mustName(t, h.Do(t, "GET", orgs+"?next_action_due=2026-11-31", tok, nil), "next_action_due", "is no day of the calendar")

	due := func() []string { return names(t, h, tok, orgs+"?next_action_due=today") }
	if got := due(); !slices.Equal(got, []string{"Trường THCS Đống Đa"}) {
		t.Errorf("due today, 2 November: %q", got)
	}
	if got := names(t, h, tok, orgs+"?next_action_due=03/11/2026"); len(got) != 2 {
		t.Errorf("due by 3 November, written day first: %q", got)
	}
	r = h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Việc đến hạn","resource":"organizations","filter":{"next_action_due":"today"}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	h.Clock.Advance(24 * time.Hour)
	if got := due(); len(got) != 2 {
		t.Errorf("due today, 3 November: %q", got)
	}
	if r := h.Do(t, "GET", "/api/contact/v1/segments/"+seg.ID, tok, nil); !strings.Contains(string(r.Body), `"count":2`) {
		t.Errorf("the segment on 3 November: %s", r.Body)
	}
}
