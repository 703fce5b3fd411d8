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
	contactconsumer "github.com/rapportcrm/rapport/services/contact/consumer"
)

// A salesperson opening a school sees what happened with it in training:
// the request, the course scheduled, moved and started, and the urgent
// complaint the school raised with what was done about it. The complaint
// of another school of the same course is not on this one's timeline, and
// the head teacher, a contact person of the course, sees its dates.
func TestAComplaintAndTheCoursesLifeReachTheSchoolsTimeline(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	if _, err := stream.Ensure(ctx, h.JS, stream.Config{Context: "training"}); err != nil {
		t.Fatal(err)
	}
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Repro","kinds":["school"]}`)
	other := create(t, h, tok, orgs, `{"name":"Trường TH Bên Cạnh","kinds":["school"]}`)
	head := create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Lê Thị Hiệu Trưởng","relationships":[{"kind":"works_at","party_id":%q,"title":"Hiệu trưởng"}]}`, school))

	seq := map[string]int64{}
	publish := func(aggregate string, payload any) {
		t.Helper()
		e, err := contract.Rapport().Event(aggregate, time.Now(), payload)
		if err != nil {
			t.Fatal(err)
		}
		seq[e.AggregateType+"/"+aggregate]++
		e.Sequence = seq[e.AggregateType+"/"+aggregate]
		if _, err := h.JS.PublishMsg(ctx, e.Msg(nil)); err != nil {
			t.Fatal(err)
		}
	}
	requested := contract.CourseInfo{CourseID: "c-1", ModuleCode: "dt-luong", ModuleName: "DT lương", UnitIDs: []string{school, other}}
	publish("r-1", contract.RequestSubmitted{RequestID: "r-1", Course: requested, ProposedDates: []string{"2027-03-02"}, SubmittedBy: "sales-lan"})
	course := requested
	course.ContactPersonIDs, course.FirstSession, course.LastSession = []string{head}, "2027-03-02", "2027-03-03"
	change := contract.CourseChange{Course: course, By: "lead-1"}
	moved := contract.CourseRescheduled{Course: course, By: "lead-1", Reason: "trường xin lùi", PreviousFirstSession: "2027-02-23",
		PreviousLastSession: "2027-02-24"}
	// Planned and ready are the trainers' business: they only move the course's position.
	for _, payload := range []any{contract.CourseScheduled(change), contract.CoursePlanned(change), moved,
		contract.CourseScheduled(change), contract.CoursePlanned(change), contract.CourseReady(change), contract.CourseStarted(change)} {
		publish("c-1", payload)
	}
	complaint := contract.Feedback{FeedbackID: "f-1", Course: course, UnitID: school, Text: "Trường phàn nàn: phần mềm lỗi khi nhập lương",
		Urgent: true, Status: "raised", By: "trainer-1"}
	publish("f-1", contract.FeedbackRaised(complaint))
	complaint.Status, complaint.Note, complaint.By = "resolved", "đã sửa lỗi nhập lương", "manager-1"
	publish("f-1", contract.FeedbackResolved(complaint))
	publish("f-2", contract.FeedbackRaised{FeedbackID: "f-2", Course: course, UnitID: other, Text: "thiếu máy chiếu", Status: "raised", By: "trainer-1"})

	type entry struct {
		Type    string
		Summary map[string]any
	}
	timeline := func(id, path string, n int) []entry {
		t.Helper()
		var tl struct{ Items []entry }
		testkit.Eventually(t, 10*time.Second, "the timeline of "+id, func() bool {
			h.Do(t, "GET", path+"/"+id+"/timeline", tok, nil).JSON(t, &tl)
			return len(tl.Items) >= n
		})
		return tl.Items
	}
	sorted := func(ts ...string) []string { return slices.Sorted(slices.Values(ts)) }
	typesOf := func(es []entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Type)
		}
		slices.Sort(out)
		return out
	}
	const (
		request     = "rapport.training.request.submitted.v1"
		scheduled   = "rapport.training.course.scheduled.v1"
		rescheduled = "rapport.training.course.rescheduled.v1"
		started     = "rapport.training.course.started.v1"
		raised      = "rapport.training.feedback.raised.v1"
		resolved    = "rapport.training.feedback.resolved.v1"
	)
	entries := timeline(school, orgs, 7)
	if got, want := typesOf(entries), sorted(raised, resolved, rescheduled, scheduled, scheduled, started, request); !slices.Equal(got, want) {
		t.Fatalf("the school's timeline: %v, want %v", got, want)
	}
	for _, e := range entries {
		switch e.Type {
		case raised:
			if e.Summary["text"] != complaint.Text || e.Summary["urgent"] != true || e.Summary["course_id"] != "c-1" {
				t.Errorf("the complaint shows %v", e.Summary)
			}
		case resolved:
			if e.Summary["status"] != "resolved" || e.Summary["note"] != "đã sửa lỗi nhập lương" {
				t.Errorf("its resolution shows %v", e.Summary)
			}
		case rescheduled:
			if e.Summary["reason"] != "trường xin lùi" || e.Summary["first_session"] != "2027-03-02" || e.Summary["previous_first_session"] != "2027-02-23" {
				t.Errorf("the move shows %v", e.Summary)
			}
		case scheduled:
			if e.Summary["first_session"] != "2027-03-02" || e.Summary["last_session"] != "2027-03-03" {
				t.Errorf("the schedule shows %v", e.Summary)
			}
		}
	}
	if got, want := typesOf(timeline(head, people, 4)), sorted(rescheduled, scheduled, scheduled, started); !slices.Equal(got, want) {
		t.Errorf("the head teacher's timeline: %v, want %v", got, want)
	}
	if got, want := typesOf(timeline(other, orgs, 6)), sorted(raised, rescheduled, scheduled, scheduled, started, request); !slices.Equal(got, want) {
		t.Errorf("the other school's timeline: %v, want %v", got, want)
	}
	time.Sleep(200 * time.Millisecond)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry WHERE source = 'training'`); n != 17 {
		t.Errorf("%d training entries, want 17 (7 for the school, 4 for its head teacher, 6 for the other school)", n)
	}
}

// A complaint raised before the timeline read feedback (an upgrade widened
// its subjects) and resolved after reaches the school's timeline as its
// resolution alone, once the raising has not come for a short wait
// (consumer.TrainingGapWait); nothing is dead-lettered for it.
func TestAResolutionWhoseRaisingNeverCameReachesTheTimeline(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	ctx := context.Background()
	if _, err := stream.Ensure(ctx, h.JS, stream.Config{Context: "training"}); err != nil {
		t.Fatal(err)
	}
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Nâng Cấp","kinds":["school"]}`)
	course := contract.CourseInfo{CourseID: "c-9", ModuleCode: "dt-luong", ModuleName: "DT lương", UnitIDs: []string{school}}
	resolved := contract.FeedbackResolved{FeedbackID: "f-9", Course: course, UnitID: school, Text: "máy chiếu hỏng",
		Status: "resolved", By: "manager-1", Note: "đã thay máy chiếu"}
	e, err := contract.Rapport().Event("f-9", time.Now(), resolved)
	if err != nil {
		t.Fatal(err)
	}
	e.Sequence = 2 // the raising, 1, was published before the upgrade
	began := time.Now()
	if _, err := h.JS.PublishMsg(ctx, e.Msg(nil)); err != nil {
		t.Fatal(err)
	}
	var tl struct {
		Items []struct {
			Type    string
			Summary map[string]any
		}
	}
	testkit.Eventually(t, 60*time.Second, "the resolution on the school's timeline", func() bool {
		h.Do(t, "GET", orgs+"/"+school+"/timeline", tok, nil).JSON(t, &tl)
		return len(tl.Items) == 1
	})
	if it := tl.Items[0]; it.Type != "rapport.training.feedback.resolved.v1" || it.Summary["note"] != "đã thay máy chiếu" || it.Summary["text"] != "máy chiếu hỏng" {
		t.Errorf("the timeline shows %+v", it)
	}
	if waited := time.Since(began); waited < contactconsumer.TrainingGapWait {
		t.Errorf("the resolution was taken after %s, before its raising had %s to come", waited, contactconsumer.TrainingGapWait)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM dead_letter`); n != 0 {
		t.Errorf("%d dead letters", n)
	}
}
