package contact_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/stream"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// TestTrainingEventsReachTheTimelinesOfTheUnitAndItsPeople publishes what
// the training service publishes about a course and checks that each event
// lands once on the timeline of every party it names, that a redelivery
// adds nothing, and that an event naming a merged person lands on the
// survivor.
func TestTrainingEventsReachTheTimelinesOfTheUnitAndItsPeople(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	if _, err := stream.Ensure(ctx, h.JS, stream.Config{Context: "training"}); err != nil {
		t.Fatal(err)
	}
	tok := h.Token(t, auth.Lead)
	r := h.Do(t, "POST", orgs, tok, `{"name":"Trường Tiểu học Hòa Bình","kinds":["school"],"tax_code":"0109876543"}`)
	mustStatus(t, r, 201)
	var unit item
	r.JSON(t, &unit)
	teacher := createPerson(t, h, tok, `{"full_name":"Đặng Thị Thu","phones":["0912 000 111"]}`)
	twin := createPerson(t, h, tok, `{"full_name":"Đặng Thị Thu (trùng)","phones":["0912 000 222"]}`)
	mustStatus(t, h.Do(t, "POST", fmt.Sprintf("%s/%s/merge", people, teacher.ID), tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, twin.ID)), 200)

	course := contract.CourseInfo{CourseID: "c-1", ModuleCode: "QLHS", ModuleName: "Quản lý học sinh", FirstSession: "2026-12-07",
		UnitIDs: []string{unit.ID}, ContactPersonIDs: []string{teacher.ID}}
	seq := map[string]int64{}
	publish := func(aggregate string, payload any) {
		t.Helper()
		e, err := contract.Rapport().Event(aggregate, time.Now(), payload)
		if err != nil {
			t.Fatal(err)
		}
		seq[e.AggregateType+"/"+aggregate]++
		e.Sequence = seq[e.AggregateType+"/"+aggregate]
		for range 2 { // the second is a redelivery with a new broker id
			msg := e.Msg(nil)
			msg.Header.Del("Nats-Msg-Id")
			if _, err := h.JS.PublishMsg(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
	}
	participant := contract.Participant{ParticipantID: "pa-1", Course: course, UnitID: unit.ID, ContactPersonIDs: []string{teacher.ID}, Attendees: 3}
	publish("pa-1", contract.ParticipantRegistered(participant))
	participant.Status = "confirmed"
	publish("pa-1", contract.ParticipantConfirmed(participant))
	// Sent after the merge with the merged person's old id.
	publish("c-1", contract.AttendanceRecorded{CourseID: "c-1", ModuleCode: "QLHS", SessionID: "s-1", SessionDate: "2026-12-07", HalfDay: "am",
		UnitID: unit.ID, ContactPersonIDs: []string{twin.ID, "not-a-contact-id"}, Present: true})
	publish("c-1", contract.CourseCompleted{Course: course, From: "in_progress"})

	want := []string{"rapport.training.course.completed.v1", "rapport.training.attendance.recorded.v1",
		"rapport.training.participant.confirmed.v1", "rapport.training.participant.registered.v1"}
	for _, path := range []string{orgs + "/" + unit.ID, people + "/" + teacher.ID, people + "/" + twin.ID} {
		var types []string
		testkit.Eventually(t, 10*time.Second, "the timeline of "+path, func() bool {
			var tl struct {
				Items []struct {
					Type, Source string
				}
			}
			h.Do(t, "GET", path+"/timeline", tok, nil).JSON(t, &tl)
			types = types[:0]
			for _, it := range tl.Items {
				if it.Source == "training" {
					types = append(types, it.Type)
				}
			}
			return len(types) >= len(want)
		})
		slices.Sort(types)
		sorted := slices.Sorted(slices.Values(want))
		if !slices.Equal(types, sorted) {
			t.Errorf("%s timeline: %v, want %v", path, types, sorted)
		}
	}
	// Three parties × four events, once each, and nothing for the unknown id.
	time.Sleep(200 * time.Millisecond)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry WHERE source = 'training'`); n != 8 {
		t.Errorf("%d training entries, want 8 (unit and survivor, four events each)", n)
	}
}

// TestInteractionsPageNewestFirst walks a party's interactions two at a
// time by cursor and gets each once, newest first.
func TestInteractionsPageNewestFirst(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Vũ Thị Mai"}`)
	for day := 1; day <= 5; day++ {
		mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok,
			fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-10-2%dT09:00:00+07:00","outcome":"gọi lần %d"}`, p.ID, day, day)), 201)
	}
	var outcomes []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("the cursor does not end")
		}
		var pg struct {
			Items      []struct{ Outcome string }
			NextCursor string `json:"next_cursor"`
		}
		r := h.Do(t, "GET", "/api/contact/v1/interactions?limit=2&party_id="+p.ID+"&cursor="+cursor, tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &pg)
		for _, it := range pg.Items {
			outcomes = append(outcomes, it.Outcome)
		}
		if cursor = pg.NextCursor; cursor == "" {
			break
		}
	}
	want := []string{"gọi lần 5", "gọi lần 4", "gọi lần 3", "gọi lần 2", "gọi lần 1"}
	if !slices.Equal(outcomes, want) {
		t.Fatalf("pages gave %v, want %v", outcomes, want)
	}
	mustStatus(t, h.Do(t, "GET", "/api/contact/v1/interactions?party_id="+p.ID+"&cursor=not-a-cursor", tok, nil), 422)
	mustStatus(t, h.Do(t, "GET", "/api/contact/v1/interactions?party="+p.ID, tok, nil), 422)
}

// TestAnOrganisationsTimelineShowsWhatHappenedWithItsPeople checks that an
// organisation's timeline with its people holds its own entries and those
// of the people who work at it, newest first, each event once (a course
// registration names the unit and its contact person), and nobody else's.
func TestAnOrganisationsTimelineShowsWhatHappenedWithItsPeople(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	if _, err := stream.Ensure(ctx, h.JS, stream.Config{Context: "training"}); err != nil {
		t.Fatal(err)
	}
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	worksAt := fmt.Sprintf(`"relationships":[{"kind":"works_at","party_id":%q,"title":"Kế toán"}]`, school)
	accountant := create(t, h, tok, people, `{"full_name":"Lê Thị Kế Toán",`+worksAt+`}`)
	head := create(t, h, tok, people, `{"full_name":"Đỗ Văn Hiệu Trưởng",`+worksAt+`}`)
	parent := create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Phan Văn Phụ Huynh","relationships":[{"kind":"parent_of","party_id":%q}]}`, head))
	for i, who := range []string{school, accountant, head, parent} {
		mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok,
			fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-10-2%dT09:00:00+07:00","outcome":"gọi %d"}`, who, i+1, i+1)), 201)
	}
	course := contract.CourseInfo{CourseID: "c-1", ModuleCode: "QLHS", ModuleName: "Quản lý học sinh", FirstSession: "2026-12-07",
		UnitIDs: []string{school}, ContactPersonIDs: []string{accountant}}
	registered, err := contract.Rapport().Event("pa-1", time.Date(2026, 10, 30, 9, 0, 0, 0, time.UTC),
		contract.ParticipantRegistered(contract.Participant{ParticipantID: "pa-1", Course: course, UnitID: school, ContactPersonIDs: []string{accountant}, Attendees: 2}))
	if err != nil {
		t.Fatal(err)
	}
	registered.Sequence = 1
	if _, err := h.JS.PublishMsg(ctx, registered.Msg(nil)); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "every entry", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry`) == 6 // 4 calls, the registration twice
	})

	type entry struct {
		Type    string
		PartyID string `json:"party_id"`
		Summary struct{ Outcome string }
	}
	var got []entry
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("the cursor does not end")
		}
		var pg struct {
			Items      []entry
			NextCursor string `json:"next_cursor"`
		}
		r := h.Do(t, "GET", orgs+"/"+school+"/timeline?with=people&limit=2&cursor="+cursor, tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &pg)
		got = append(got, pg.Items...)
		if cursor = pg.NextCursor; cursor == "" {
			break
		}
	}
	want := []entry{
		{Type: "rapport.training.participant.registered.v1", PartyID: school},
		{Type: "rapport.contact.interaction.logged.v1", PartyID: head, Summary: struct{ Outcome string }{"gọi 3"}},
		{Type: "rapport.contact.interaction.logged.v1", PartyID: accountant, Summary: struct{ Outcome string }{"gọi 2"}},
		{Type: "rapport.contact.interaction.logged.v1", PartyID: school, Summary: struct{ Outcome string }{"gọi 1"}},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the school's timeline with its people:\n got %+v\nwant %+v", got, want)
	}
	var own struct{ Items []entry }
	h.Do(t, "GET", orgs+"/"+school+"/timeline", tok, nil).JSON(t, &own)
	if len(own.Items) != 2 || own.Items[1].Summary.Outcome != "gọi 1" {
		t.Fatalf("the school's own timeline: %+v", own.Items)
	}
	for path, field := range map[string]string{
		people + "/" + head + "/timeline?with=people": "with",
		orgs + "/" + school + "/timeline?with=staff":  "with",
		orgs + "/" + school + "/timeline?whit=people": "whit",
	} {
		r := h.Do(t, "GET", path, tok, nil)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Equal(got, []string{field}) {
			t.Errorf("%s: problems on %q", path, got)
		}
	}
}

// An organisation's timeline with its people holds what happened with
// each of them while they worked there, as their history of links tells
// it: the calls with a head teacher who has since moved to another school
// stay on the first school's timeline and are not on the second's, and a
// school merged into another brings its staff's past with it.
func TestAnOrganisationsTimelineKeepsWhatHappenedWithPeopleWhileTheyWorkedThere(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	h.Clock.Set(day(1))
	kimDong := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	leLoi := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"]}`)
	annex := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng (cơ sở 2)","kinds":["school"]}`)
	worksAt := func(org string) string {
		return fmt.Sprintf(`"relationships":[{"kind":"works_at","party_id":%q,"title":"Hiệu trưởng"}]`, org)
	}
	head := create(t, h, tok, people, `{"full_name":"Đỗ Thị Hạnh",`+worksAt(kimDong)+`}`)
	newcomer := create(t, h, tok, people, `{"full_name":"Ngô Văn Minh",`+worksAt(leLoi)+`}`)
	deputy := create(t, h, tok, people, `{"full_name":"Vũ Thị Lan",`+worksAt(annex)+`}`)
	call := func(who string, d int, outcome string) {
		t.Helper()
		mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok,
			fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":%q,"outcome":%q}`, who, day(d).Format(time.RFC3339), outcome)), 201)
	}
	call(head, 1, "Hạnh at Kim Đồng")
	call(newcomer, 1, "Minh at Lê Lợi")
	call(deputy, 1, "Lan at the annex")

	// On the 10th the head teacher moves to Lê Lợi, Minh to Kim Đồng, and
	// the annex is merged into Kim Đồng.
	h.Clock.Set(day(10))
	mustStatus(t, h.Do(t, "PATCH", people+"/"+head, tok, `{`+worksAt(leLoi)+`}`), 200)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+newcomer, tok, `{`+worksAt(kimDong)+`}`), 200)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+kimDong+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, annex)), 200)
	h.Clock.Set(day(20))
	call(head, 15, "Hạnh at Lê Lợi")
	call(newcomer, 16, "Minh at Kim Đồng")
	testkit.Eventually(t, 10*time.Second, "every call on the timelines", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry`) == 5
	})

	timeline := func(org string) []string {
		t.Helper()
		var pg struct {
			Items []struct{ Summary struct{ Outcome string } }
		}
		r := h.Do(t, "GET", orgs+"/"+org+"/timeline?with=people", tok, nil)
		mustStatus(t, r, 200)
		r.JSON(t, &pg)
		var out []string
		for _, e := range pg.Items {
			out = append(out, e.Summary.Outcome)
		}
		return out
	}
	for org, want := range map[string][]string{
		kimDong: {"Minh at Kim Đồng", "Lan at the annex", "Hạnh at Kim Đồng"},
		leLoi:   {"Hạnh at Lê Lợi", "Minh at Lê Lợi"},
	} {
		if got := timeline(org); !slices.Equal(got, want) {
			t.Errorf("timeline of %s with its people: %q, want %q", org, got, want)
		}
	}
}

// TestACancelledCourseReachesTheTimelineAfterEventsTheTimelineDoesNotTake
// publishes a course's life as the training service numbers it: scheduled,
// then planned and ready, which no timeline shows, then cancelled. The
// cancellation is the course's fourth event, and must not wait for the two
// before it as if they were still on their way.
func TestACancelledCourseReachesTheTimelineAfterEventsTheTimelineDoesNotTake(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	if _, err := stream.Ensure(ctx, h.JS, stream.Config{Context: "training"}); err != nil {
		t.Fatal(err)
	}
	tok := h.Token(t, auth.Lead)
	unit := create(t, h, tok, orgs, `{"name":"Trường THCS Can Lộc","kinds":["school"]}`)
	course := contract.CourseChange{Course: contract.CourseInfo{CourseID: "c-9", ModuleCode: "QLHS", ModuleName: "Quản lý học sinh",
		FirstSession: "2026-12-07", UnitIDs: []string{unit}}}
	for i, payload := range []any{contract.CourseScheduled(course), contract.CoursePlanned(course), contract.CourseReady(course),
		contract.CourseCancelled(course)} {
		e, err := contract.Rapport().Event("c-9", time.Now(), payload)
		if err != nil {
			t.Fatal(err)
		}
		e.Sequence = int64(i + 1)
		if _, err := h.JS.PublishMsg(ctx, e.Msg(nil)); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, 10*time.Second, "the cancellation on the unit's timeline", func() bool {
		r := h.Do(t, "GET", orgs+"/"+unit+"/timeline", tok, nil)
		return strings.Contains(string(r.Body), "rapport.training.course.cancelled.v1")
	})
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry WHERE source = 'training'`); n != 2 {
		t.Errorf("%d training entries, want the schedule and the cancellation", n)
	}
}

// A person merged into another brings the time they worked somewhere: the
// school keeps the call with its accountant logged on the duplicate record.
func TestAMergedPersonBringsTheTimeTheyWorkedAtTheSchool(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	h.Clock.Set(day(1))
	school := create(t, h, tok, orgs, `{"name":"Trường TH R8","kinds":["school"]}`)
	duplicate := create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Đoàn Văn Tám","phones":["0916 888 001"],
 "relationships":[{"kind":"works_at","party_id":%q,"title":"Kế toán"}]}`, school))
	h.Clock.Set(day(5))
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/interactions", tok,
		fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":%q,"outcome":"gọi kế toán"}`, duplicate, day(2).Format(time.RFC3339))), 201)
	survivor := create(t, h, tok, people, `{"full_name":"Đoàn Văn Tám","emails":["tam.dv@gmail.com"]}`)
	mustStatus(t, h.Do(t, "POST", people+"/"+survivor+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, duplicate)), 200)
	testkit.Eventually(t, 10*time.Second, "the call on the school's timeline", func() bool {
		r := h.Do(t, "GET", orgs+"/"+school+"/timeline?with=people", tok, nil)
		return strings.Contains(string(r.Body), "gọi kế toán")
	})
}
