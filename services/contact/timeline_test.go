package contact_test

import (
	"context"
	"fmt"
	"slices"
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
	mustStatus(t, h.Do(t, "POST", fmt.Sprintf("%s/%s/merge", people, teacher.ID), tok, fmt.Sprintf(`{"merged_id":%q}`, twin.ID)), 200)

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
