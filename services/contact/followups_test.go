package contact_test

import (
	"encoding/json"
	"fmt"
	"net/url"
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

const interactions = "/api/contact/v1/interactions"

// logInteraction logs an interaction with the party partyID, body holding
// the rest of its fields, and returns its id.
func logInteraction(t *testing.T, h *servicetest.Harness, tok, partyID, body string) string {
	t.Helper()
	rest := strings.TrimPrefix(body, "{")
	return create(t, h, tok, interactions, fmt.Sprintf(`{"party_id":%q,%s`, partyID, rest))
}

// followUp reads the follow-up the record at path answers, "" when it
// leaves next_action_on out.
func followUp(t *testing.T, h *servicetest.Harness, tok, path string) string {
	t.Helper()
	r := h.Do(t, "GET", path, tok, nil)
	mustStatus(t, r, 200)
	var v struct {
		NextActionOn *string `json:"next_action_on"`
	}
	r.JSON(t, &v)
	if v.NextActionOn == nil {
		return ""
	}
	if *v.NextActionOn == "" {
		t.Fatalf("%s answers an empty follow-up rather than none: %s", path, r.Body)
	}
	return *v.NextActionOn
}

// The clock says Monday 2 November 2026, 09:00 in Hanoi. A call-back is
// agreed for the 10th; a note on the 4th that the brochure went out by
// Zalo leaves it standing, and the call made on the 10th completes it.
func TestANoteBeforeTheFollowUpsDayKeepsItAndACallOnTheDayCompletesIt(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Nghĩa Tân","kinds":["school"]}`)
	record := orgs + "/" + school
	due := func() []string { return names(t, h, tok, orgs+"?next_action_due=2026-12-31") }

	logInteraction(t, h, tok, school, `{"kind":"call","outcome":"hẹn gọi lại","next_action_on":"2026-11-10"}`)
	h.Clock.Advance(2 * 24 * time.Hour) // Wednesday the 4th
	logInteraction(t, h, tok, school, `{"kind":"zalo","outcome":"đã gửi tờ giới thiệu qua Zalo"}`)
	if got := followUp(t, h, tok, record); got != "2026-11-10" {
		t.Fatalf("after a note on the 4th the follow-up is %q, want 2026-11-10", got)
	}
	if got := due(); !slices.Equal(got, []string{"Trường THCS Nghĩa Tân"}) {
		t.Fatalf("follow-ups due after the note: %q", got)
	}

	h.Clock.Advance(6*24*time.Hour - 2*time.Hour) // Tuesday the 10th, 07:00
	logInteraction(t, h, tok, school, `{"kind":"call","outcome":"đã gọi lại, chưa quyết"}`)
	if got := followUp(t, h, tok, record); got != "" {
		t.Fatalf("the call on the follow-up's day left it at %q", got)
	}
	if got := due(); len(got) != 0 {
		t.Fatalf("follow-ups due after the call-back: %q", got)
	}
	if r := h.Do(t, "GET", record, tok, nil); strings.Contains(string(r.Body), "next_action_on") {
		t.Errorf("a party with no follow-up names one: %s", r.Body)
	}
}

// A call-back made early says so with follow_up_done; one that agrees the
// next call-back too leaves that one standing. The interaction and its
// event carry the flag.
func TestFollowUpDoneCompletesTheFollowUpEarlyAndANewDateWins(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	lan := create(t, h, tok, people, `{"full_name":"Trần Thị Lan"}`)
	record := people + "/" + lan

	logInteraction(t, h, tok, lan, `{"kind":"call","next_action_on":"2026-11-10"}`)
	h.Clock.Advance(24 * time.Hour)
	done := logInteraction(t, h, tok, lan, `{"kind":"call","outcome":"chị Lan gọi lại sớm","follow_up_done":true}`)
	if got := followUp(t, h, tok, record); got != "" {
		t.Fatalf("a call-back done early left the follow-up at %q", got)
	}
	r := h.Do(t, "GET", interactions+"/"+done, tok, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `"follow_up_done":true`) {
		t.Errorf("the interaction answers %s", r.Body)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.interaction.logged", 10*time.Second, func(e event.Event) bool {
		in, _ := contract.Decode[contract.InteractionLogged](e)
		return in.ID == done
	})
	if in, _ := contract.Decode[contract.InteractionLogged](e); !in.FollowUpDone || contract.Rapport().Check(e) != nil {
		t.Errorf("interaction.logged %s", e.Data)
	}

	logInteraction(t, h, tok, lan, `{"kind":"call","next_action_on":"2026-11-12"}`)
	h.Clock.Advance(time.Hour)
	logInteraction(t, h, tok, lan, `{"kind":"meeting","follow_up_done":true,"next_action_on":"2026-11-20"}`)
	if got := followUp(t, h, tok, record); got != "2026-11-20" {
		t.Fatalf("done and the next agreed: follow-up %q, want 2026-11-20", got)
	}
}

// A call of last week logged today, or a note of last week saying done,
// does not touch the follow-up agreed yesterday.
func TestABackdatedInteractionDoesNotReplaceOrCompleteTheNewerFollowUp(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Dịch Vọng","kinds":["school"]}`)
	record := orgs + "/" + school

	logInteraction(t, h, tok, school, `{"kind":"meeting","occurred_at":"2026-11-01T15:00:00+07:00","next_action_on":"2026-11-10"}`)
	logInteraction(t, h, tok, school, `{"kind":"call","occurred_at":"2026-10-26T10:00:00+07:00","next_action_on":"2026-10-28"}`)
	logInteraction(t, h, tok, school, `{"kind":"note","occurred_at":"2026-10-27T10:00:00+07:00","follow_up_done":true}`)
	logInteraction(t, h, tok, school, `{"kind":"call","occurred_at":"2026-10-30T10:00:00+07:00"}`)
	if got := followUp(t, h, tok, record); got != "2026-11-10" {
		t.Fatalf("after last week's interactions were logged the follow-up is %q, want 2026-11-10", got)
	}
}

// A correction or a delete sets the party's follow-up again from all its
// interactions, by the rule that logging them follows.
func TestCorrectingOrDeletingAnInteractionSetsTheFollowUpByTheSameRule(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THPT Yên Hòa","kinds":["school"]}`)
	record := orgs + "/" + school
	step := func(what, want string) {
		t.Helper()
		if got := followUp(t, h, tok, record); got != want {
			t.Fatalf("%s: follow-up %q, want %q", what, got, want)
		}
	}
	patch := func(id, body string) {
		t.Helper()
		mustStatus(t, h.Do(t, "PATCH", interactions+"/"+id, tok, body), 200)
	}

	call := logInteraction(t, h, tok, school, `{"kind":"call","occurred_at":"2026-10-28T09:00:00+07:00","next_action_on":"2026-10-31"}`)
	note := logInteraction(t, h, tok, school, `{"kind":"note","occurred_at":"2026-10-29T09:00:00+07:00","outcome":"gửi báo giá"}`)
	step("a note before the day", "2026-10-31")
	patch(note, `{"occurred_at":"2026-11-01T10:00:00+07:00"}`)
	step("the note moved after the day", "")
	patch(call, `{"next_action_on":"2026-11-05"}`)
	step("the call's follow-up moved after the note", "2026-11-05")
	patch(note, `{"follow_up_done":true}`)
	step("the note says it is done", "")
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.interaction.corrected", 10*time.Second, func(e event.Event) bool {
		in, _ := contract.Decode[contract.InteractionCorrected](e)
		return in.ID == note && in.FollowUpDone
	})
	if in, _ := contract.Decode[contract.InteractionCorrected](e); !slices.Equal(in.Fields, []string{"follow_up_done"}) || contract.Rapport().Check(e) != nil {
		t.Errorf("interaction.corrected %s", e.Data)
	}
	patch(note, `{"follow_up_done":null}`)
	step("the note no longer says so", "2026-11-05")
	patch(note, `{"follow_up_done":true}`)
	mustStatus(t, h.Do(t, "DELETE", interactions+"/"+note, tok, nil), 204)
	step("the note deleted", "2026-11-05")
	mustStatus(t, h.Do(t, "DELETE", interactions+"/"+call, tok, nil), 204)
	step("the call deleted", "")
}

// A merge gives the survivor the follow-up the rule gives over both
// parties' interactions: here the merged party's call agreed the latest
// one, and the survivor's later note leaves it standing.
func TestAMergeGivesTheSurvivorTheFollowUpOfBothPartiesInteractions(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	survivor := create(t, h, tok, orgs, `{"name":"UBND Phường Láng","kinds":["unit"]}`)
	merged := create(t, h, tok, orgs, `{"name":"UBND P. Láng","kinds":["unit"]}`)
	logInteraction(t, h, tok, survivor, `{"kind":"call","occurred_at":"2026-10-28T09:00:00+07:00","next_action_on":"2026-11-10"}`)
	logInteraction(t, h, tok, survivor, `{"kind":"note","occurred_at":"2026-10-31T09:00:00+07:00"}`)
	logInteraction(t, h, tok, merged, `{"kind":"call","occurred_at":"2026-10-29T09:00:00+07:00","next_action_on":"2026-11-06"}`)
	if a, b := followUp(t, h, tok, orgs+"/"+survivor), followUp(t, h, tok, orgs+"/"+merged); a != "2026-11-10" || b != "2026-11-06" {
		t.Fatalf("before the merge: %q and %q", a, b)
	}

	r := h.Do(t, "POST", orgs+"/"+survivor+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, merged))
	mustStatus(t, r, 200)
	var answered struct {
		NextActionOn string `json:"next_action_on"`
	}
	r.JSON(t, &answered)
	if got := followUp(t, h, tok, orgs+"/"+survivor); got != "2026-11-06" || answered.NextActionOn != got {
		t.Fatalf("after the merge the survivor reads %q and the merge answered %q, want 2026-11-06", got, answered.NextActionOn)
	}
	if got := names(t, h, tok, orgs+"?next_action_due=2026-11-06"); !slices.Equal(got, []string{"UBND Phường Láng"}) {
		t.Fatalf("due by the 6th after the merge: %q", got)
	}
}

// A follow-up kept standing by a note is overdue once its day has passed,
// and the activity report counts it so for the party's owner.
func TestAFollowUpKeptStandingCountsOverdueInTheActivityReport(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường Mầm non Hoa Sen","kinds":["school"]}`)
	logInteraction(t, h, tok, school, `{"kind":"call","occurred_at":"2026-10-26T09:00:00+07:00","next_action_on":"2026-10-30"}`)
	logInteraction(t, h, tok, school, `{"kind":"note","occurred_at":"2026-10-28T09:00:00+07:00"}`)
	overdue := func() int {
		t.Helper()
		r := h.Do(t, "GET", "/api/contact/v1/activity", h.Token(t, auth.Manager), nil)
		mustStatus(t, r, 200)
		var body struct {
			Staff []struct {
				StaffID            string `json:"staff_id"`
				OverdueNextActions int    `json:"overdue_next_actions"`
			}
		}
		r.JSON(t, &body)
		for _, s := range body.Staff {
			if s.StaffID == "user-sales" {
				return s.OverdueNextActions
			}
		}
		t.Fatalf("no user-sales in %s", r.Body)
		return 0
	}
	if n := overdue(); n != 1 {
		t.Fatalf("%d overdue follow-ups, want the one the note left standing", n)
	}
	logInteraction(t, h, tok, school, `{"kind":"call","outcome":"đã gọi lại"}`)
	if n := overdue(); n != 0 {
		t.Fatalf("%d overdue follow-ups after the call-back", n)
	}
}

// Every answer holding a party shows its follow-up: the record, the lists
// (by name and by other filters), the answers of an edit, a new owner and
// a 409's matches, and both export formats.
func TestAPartyShowsItsFollowUpWhereverItIsAnswered(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Cầu Giấy","kinds":["school"],"phones":["024 3833 1234"]}`)
	lan := create(t, h, tok, people, `{"full_name":"Phạm Thị Lan","phones":["0912 345 678"]}`)
	create(t, h, tok, people, `{"full_name":"Phạm Văn Minh"}`) // none
	logInteraction(t, h, tok, school, `{"kind":"meeting","next_action_on":"2026-11-09"}`)
	logInteraction(t, h, tok, lan, `{"kind":"call","next_action_on":"2026-11-12"}`)

	if got := followUp(t, h, tok, orgs+"/"+school); got != "2026-11-09" {
		t.Errorf("the school's record: %q", got)
	}
	if got := followUp(t, h, tok, people+"/"+lan); got != "2026-11-12" {
		t.Errorf("Lan's record: %q", got)
	}
	list := func(path string) map[string]string {
		t.Helper()
		r := h.Do(t, "GET", path, tok, nil)
		mustStatus(t, r, 200)
		var pg struct {
			Items []struct {
				Name         string  `json:"name"`
				FullName     string  `json:"full_name"`
				NextActionOn *string `json:"next_action_on"`
			}
		}
		r.JSON(t, &pg)
		out := map[string]string{}
		for _, it := range pg.Items {
			out[it.Name+it.FullName] = "none"
			if it.NextActionOn != nil {
				out[it.Name+it.FullName] = *it.NextActionOn
			}
		}
		return out
	}
	wantPeople := map[string]string{"Phạm Thị Lan": "2026-11-12", "Phạm Văn Minh": "none"}
	for _, path := range []string{people + "?q=pham", people + "?owner=user-sales", people + "?q=0912345678"} {
		got := list(path)
		for name, want := range wantPeople {
			if v, ok := got[name]; ok && v != want {
				t.Errorf("%s lists %s with follow-up %s, want %s", path, name, v, want)
			}
		}
		if _, ok := got["Phạm Thị Lan"]; !ok {
			t.Errorf("%s does not list Lan: %v", path, got)
		}
	}
	if got := list(orgs + "?q=cau+giay"); got["Trường THCS Cầu Giấy"] != "2026-11-09" {
		t.Errorf("the organisations found by name: %v", got)
	}

	// The answers of writes show it too.
	for _, w := range []struct{ method, path, body string }{
		{"PATCH", people + "/" + lan, `{"notes":"Gọi sau 17h."}`},
		{"PATCH", people + "/" + lan, `{"notes":"Gọi sau 17h."}`}, // changing nothing
		{"POST", people + "/" + lan + "/owner", `{"owner_id":"user-lead","reason":"chị Lan chuyển sang nhóm trưởng"}`},
	} {
		r := h.Do(t, w.method, w.path, tok, w.body)
		mustStatus(t, r, 200)
		if !strings.Contains(string(r.Body), `"next_action_on":"2026-11-12"`) {
			t.Errorf("%s %s answers %s", w.method, w.path, r.Body)
		}
	}
	r := h.Do(t, "POST", orgs, tok, `{"name":"THCS Cầu Giấy","kinds":["school"],"phones":["02438331234"]}`)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), `"next_action_on":"2026-11-09"`) {
		t.Errorf("the duplicate's match: %s", r.Body)
	}

	for _, format := range []string{"csv", "xlsx"} {
		read := readCSV
		lan, cauGiay := "2026-11-12", "2026-11-09"
		if format == "xlsx" { // a date cell, shown day first
			read, lan, cauGiay = readXLSX, "12/11/2026", "09/11/2026"
		}
		for _, c := range []struct{ path, name, want string }{
			{people, "Phạm Thị Lan", lan}, {people, "Phạm Văn Minh", ""}, {orgs, "Trường THCS Cầu Giấy", cauGiay},
		} {
			rows := read(t, h.Do(t, "GET", c.path+"/export?format="+format, tok, nil))
			col := slices.Index(rows[0], "next_action_on")
			if col < 0 {
				t.Fatalf("%s export has no next_action_on column: %q", format, rows[0])
			}
			found := false
			for _, row := range rows[1:] {
				if slices.Contains(row, c.name) {
					found = true
					if got := cell(row, col); got != c.want {
						t.Errorf("%s export: %s's follow-up %q, want %q", format, c.name, got, c.want)
					}
				}
			}
			if !found {
				t.Errorf("%s export of %s lacks %s", format, c.path, c.name)
			}
		}
	}
}

// cell is the cell col of row, "" beyond its end (a workbook's row ends
// at its last cell holding a value).
func cell(row []string, col int) string {
	if col < len(row) {
		return row[col]
	}
	return ""
}

// A follow-up is agreed with the customer: a create or an edit naming
// another than the party's is refused, pointing at logging an interaction;
// the one read may be sent back, as the owner may.
func TestTheFollowUpIsSetByLoggingAnInteractionNotByAnEdit(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Nghĩa Đô","kinds":["school"]}`)
	lan := create(t, h, tok, people, `{"full_name":"Vũ Thị Lan"}`)
	logInteraction(t, h, tok, school, `{"kind":"call","next_action_on":"2026-11-10"}`)
	history := func(path string) int64 {
		var pg struct{ Items []json.RawMessage }
		h.Do(t, "GET", path+"/history", tok, nil).JSON(t, &pg)
		return int64(len(pg.Items))
	}
	before := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`)
	const pointer = "is set by logging an interaction: POST /api/contact/v1/interactions"
	for _, w := range []struct{ method, path, body string }{
		{"POST", orgs, `{"name":"Trường Mầm non Nghĩa Đô","kinds":["school"],"next_action_on":"2026-11-10"}`},
		{"POST", people, `{"full_name":"Vũ Văn Nam","next_action_on":"10/11/2026"}`},
		{"PATCH", orgs + "/" + school, `{"next_action_on":"2026-11-12"}`},
		{"PATCH", orgs + "/" + school, `{"next_action_on":null,"notes":"đã xong"}`},
		{"PATCH", orgs + "/" + school, `{"next_action_on":"mai"}`},
		{"PATCH", people + "/" + lan, `{"next_action_on":"2026-11-10"}`},
	} {
		mustName(t, h.Do(t, w.method, w.path, tok, w.body), "next_action_on", pointer)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`); n != before || history(orgs+"/"+school) != 1 || history(people+"/"+lan) != 1 { // the creation alone
		t.Fatalf("refused writes wrote %d events, or history (%d, %d entries)", n-before, history(orgs+"/"+school), history(people+"/"+lan))
	}

	// The follow-up read and sent back with an edit, as a form does, is
	// left as it is: the notes alone change.
	r := h.Do(t, "PATCH", orgs+"/"+school, tok, `{"notes":"Gọi buổi sáng.","next_action_on":"2026-11-10"}`)
	mustStatus(t, r, 200)
	if got := followUp(t, h, tok, orgs+"/"+school); got != "2026-11-10" || history(orgs+"/"+school) != 2 { // the creation and the notes
		t.Fatalf("a patch sending back the follow-up: it reads %q, history %d", got, history(orgs+"/"+school))
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM organization WHERE doc ? 'next_action_on'`); n != 0 {
		t.Fatalf("%d documents store a follow-up", n)
	}
}

// The follow-ups due are worked through from the most overdue: the list,
// its export and a segment's export are sorted by the follow-up's day, then
// by name, and pages break inside a day without losing or repeating
// anyone. Without next_action_due a list stays by name.
func TestTheFollowUpsDueAreListedByDayThenNameAndPagedAcrossEqualDays(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	for name, at := range map[string][2]string{
		"Trường An":    {"2026-11-02T08:00:00+07:00", "2026-11-02"},
		"Trường Bình":  {"2026-10-27T08:00:00+07:00", "2026-10-28"},
		"Trường Cường": {"2026-10-20T08:00:00+07:00", "2026-10-25"},
		"Trường Dung":  {"2026-10-30T08:00:00+07:00", "2026-11-02"},
		"Trường Em":    {"2026-10-21T08:00:00+07:00", "2026-10-25"},
		"Trường Gấm":   {"2026-11-01T08:00:00+07:00", "2026-11-20"}, // not due yet
	} {
		id := create(t, h, tok, orgs, fmt.Sprintf(`{"name":%q,"kinds":["school"]}`, name))
		logInteraction(t, h, tok, id, fmt.Sprintf(`{"kind":"call","occurred_at":%q,"next_action_on":%q}`, at[0], at[1]))
	}
	create(t, h, tok, orgs, `{"name":"Trường Hà","kinds":["school"]}`) // none
	want := []string{"Trường Cường", "Trường Em", "Trường Bình", "Trường An", "Trường Dung"}

	walk := func(query string) []string {
		t.Helper()
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("%s: the cursor never ends", query)
			}
			r := h.Do(t, "GET", orgs+query+cursor, tok, nil)
			mustStatus(t, r, 200)
			var pg struct {
				Items      []item
				NextCursor string `json:"next_cursor"`
			}
			r.JSON(t, &pg)
			for _, it := range pg.Items {
				got = append(got, it.Name)
			}
			if pg.NextCursor == "" {
				return got
			}
			cursor = "&cursor=" + url.QueryEscape(pg.NextCursor)
		}
	}
	for _, q := range []string{"?next_action_due=today", "?next_action_due=today&limit=1", "?next_action_due=02/11/2026&limit=2",
		"?next_action_due=today&q=truong&limit=2"} {
		if got := walk(q); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	if got := walk("?kind=school&limit=3"); !slices.Equal(got, []string{"Trường An", "Trường Bình", "Trường Cường", "Trường Dung", "Trường Em", "Trường Gấm", "Trường Hà"}) {
		t.Errorf("without next_action_due, by name: %q", got)
	}

	// The exports list them as the list does.
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Việc đến hạn","resource":"organizations","filter":{"next_action_due":"today"}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	for _, path := range []string{orgs + "/export?next_action_due=today", "/api/contact/v1/segments/" + seg.ID + "/export"} {
		rows := readCSV(t, h.Do(t, "GET", path, tok, nil))
		col := slices.Index(rows[0], "name")
		var got []string
		for _, row := range rows[1:] {
			got = append(got, row[col])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}

	// A cursor pages the list it came from only.
	var pg struct {
		NextCursor string `json:"next_cursor"`
	}
	h.Do(t, "GET", orgs+"?next_action_due=today&limit=1", tok, nil).JSON(t, &pg)
	mustName(t, h.Do(t, "GET", orgs+"?limit=1&cursor="+url.QueryEscape(pg.NextCursor), tok, nil), "cursor", "belongs to another query")
	h.Do(t, "GET", orgs+"?limit=1", tok, nil).JSON(t, &pg)
	mustName(t, h.Do(t, "GET", orgs+"?next_action_due=today&limit=1&cursor="+url.QueryEscape(pg.NextCursor), tok, nil), "cursor", "belongs to another query")
}
