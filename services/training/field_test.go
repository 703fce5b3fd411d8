package training_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

// trainerID is the subject of the fixture's trainer token: the trainer the
// field tests staff on their courses.
const trainerID = "user-trainer"

// heldCourse is a one-day course on 2026-11-16 with u1 and u2 registered,
// trainerID staffed on its morning session, started.
func (f *fixture) heldCourse() (courseID, session string) {
	f.t.Helper()
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.waitUnits(2)
	courseID, sessions := f.scheduledCourse([]string{"u1", "u2"}, "2026-11-16")
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	for _, u := range []string{"u1", "u2"} {
		f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": u}), 201, nil)
	}
	f.startCourse(courseID, calendar.NewDate(2026, 11, 16))
	return courseID, sessions[0]
}

// fieldOf is the field named by a 422's only error.
func fieldOf(t *testing.T, p map[string]any) (field, message string) {
	t.Helper()
	errs, _ := p["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors %v, want one", p["errors"])
	}
	e := errs[0].(map[string]any)
	return e["field"].(string), e["message"].(string)
}

func TestAChecklistAnswerWithoutItsCountPhotoOrTextIsRefused(t *testing.T) {
	f := start(t)
	courseID, _ := f.heldCourse()
	for key, body := range map[string]map[string]any{
		"attendees_confirmed": {"ok": true},
		"seating":             {"ok": true, "count": 40},
		"supervisor_speaks":   {"ok": true, "text": "   "},
	} {
		p := f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/checklist/"+key, body), 422)
		field, msg := fieldOf(t, p)
		if want := map[string]string{"attendees_confirmed": "count", "seating": "photo_url", "supervisor_speaks": "text"}[key]; field != want ||
			msg != want+" is required for this item" {
			t.Errorf("%s: %s %q, want %s named", key, field, msg, want)
		}
	}
	// The items answered by checkEverything stay complete.
	var cl struct {
		Incomplete []string `json:"incomplete"`
	}
	f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID+"/checklist", nil), 200, &cl)
	if len(cl.Incomplete) != 0 {
		t.Fatalf("a refused check undid an answer: %v", cl.Incomplete)
	}
}

func TestAnEscalationTextWithoutEscalateIsRefused(t *testing.T) {
	f := start(t)
	courseID, session := f.heldCourse()
	p := f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/sessions/"+session+"/reports", map[string]any{
		"supervisor_spoke": true, "data_entry_percent": 50, "progress": "ok", "escalate": false,
		"escalation": "Đơn vị X từ chối nhập liệu, cần GĐ can thiệp"}), 422)
	if field, msg := fieldOf(t, p); field != "escalate" || msg != "an escalation text was given: set escalate to true, or leave the text out" {
		t.Fatalf("%s %q", field, msg)
	}
	if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM session_report"); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
}

// as sends a request as the staff member id with one role.
func (f *fixture) as(id string, role auth.Role, method, path string, body any) servicetest.Response {
	f.t.Helper()
	tok, err := auth.Issue(runner.DevSecret, id, []auth.Role{role}, time.Hour, time.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return f.Do(f.t, method, "/api/training/v1"+path, tok, body)
}

type listOf[T any] struct {
	Items []T `json:"items"`
}

func TestSessionReportsAndAttendanceAreReadBackOnePerSessionAndUnit(t *testing.T) {
	f := start(t)
	courseID, session := f.heldCourse()
	att := "/courses/" + courseID + "/sessions/" + session + "/attendance"
	f.ok(f.do(auth.Trainer, "POST", att, map[string]any{"unit_id": "u2", "present": false, "reason": "Kế toán nghỉ ốm"}), 201, nil)
	f.ok(f.do(auth.Trainer, "POST", att, map[string]any{"unit_id": "u2", "present": true}), 200, nil) // corrected in place
	f.ok(f.do(auth.Trainer, "POST", att, map[string]any{"unit_id": "u2", "present": true}), 200, nil) // a retry: nothing new
	f.ok(f.do(auth.Trainer, "POST", att, map[string]any{"unit_id": "u1", "present": true}), 201, nil)
	type record struct {
		UnitID     string `json:"unit_id"`
		Present    bool   `json:"present"`
		Reason     string `json:"reason"`
		RecordedBy string `json:"recorded_by"`
	}
	for _, path := range []string{att, "/courses/" + courseID + "/attendance"} {
		var got listOf[record]
		f.ok(f.do(auth.Director, "GET", path, nil), 200, &got)
		if len(got.Items) != 2 || got.Items[0] != (record{"u1", true, "", trainerID}) || got.Items[1] != (record{"u2", true, "", trainerID}) {
			t.Fatalf("%s: %+v", path, got.Items)
		}
	}
	var events []contract.AttendanceRecorded
	testkit.Eventually(t, 10*time.Second, "three attendance events", func() bool {
		events = attendanceEvents(t, f)
		return len(events) >= 3
	})
	if len(events) != 3 || events[0].Corrects != nil || events[1].Corrects == nil || events[1].Corrects.Present || events[1].Corrects.Reason != "Kế toán nghỉ ốm" {
		t.Fatalf("the correction does not name what it corrects: %+v", events)
	}

	rep := "/courses/" + courseID + "/sessions/" + session + "/reports"
	var first struct{ ID string }
	f.ok(f.do(auth.Trainer, "POST", rep, map[string]any{"supervisor_spoke": true, "data_entry_percent": 60, "progress": "ok",
		"escalate": true, "escalation": "Đơn vị X từ chối nhập liệu"}), 201, &first)
	p := f.problem(f.do(auth.Lead, "POST", rep, map[string]any{"supervisor_spoke": true, "data_entry_percent": 90, "progress": "vượt"}), 409)
	if p["report_id"] != first.ID || p["session_id"] != session {
		t.Fatalf("the second report does not name the first: %v", p)
	}
	type reportView struct {
		ID               string `json:"id"`
		SessionDate      string `json:"session_date"`
		DataEntryPercent int    `json:"data_entry_percent"`
		Escalation       string `json:"escalation"`
		ReportedBy       string `json:"reported_by"`
	}
	for _, path := range []string{rep, "/courses/" + courseID + "/reports"} {
		var got listOf[reportView]
		f.ok(f.do(auth.Lead, "GET", path, nil), 200, &got)
		if len(got.Items) != 1 || got.Items[0] != (reportView{first.ID, "2026-11-16", 60, "Đơn vị X từ chối nhập liệu", trainerID}) {
			t.Fatalf("%s: %+v", path, got.Items)
		}
	}
	f.problem(f.do(auth.Lead, "GET", "/courses/"+courseID+"/sessions/nope/reports", nil), 404)
}

// attendanceEvents reads the attendance events published so far.
func attendanceEvents(t *testing.T, f *fixture) []contract.AttendanceRecorded {
	var out []contract.AttendanceRecorded
	for _, e := range streamEvents(t, f, "training.attendance.recorded") {
		a, err := contract.Decode[contract.AttendanceRecorded](e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestOnlyTheCoursesCrewDoesItsFieldWork(t *testing.T) {
	f := start(t)
	courseID, session := f.heldCourse()
	base := "/courses/" + courseID
	report := map[string]any{"supervisor_spoke": true, "data_entry_percent": 60, "progress": "ok"}
	work := []struct {
		method, path string
		body         any
	}{
		{"POST", base + "/sessions/" + session + "/attendance", map[string]any{"unit_id": "u1", "present": true}},
		{"POST", base + "/checklist/wifi", map[string]any{"ok": true}},
		{"POST", base + "/complete", nil},
		{"POST", base + "/sessions/" + session + "/reports", report},
	}
	for _, w := range work {
		for _, who := range []struct {
			id   string
			role auth.Role
		}{{"trainer-binh", auth.Trainer}, {"lead-lan", auth.Lead}} {
			p := f.problem(f.as(who.id, who.role, w.method, w.path, w.body), 403)
			if p["person_id"] != who.id {
				t.Errorf("%s %s by %s: %v", w.method, w.path, who.id, p)
			}
		}
	}
	if n := testkit.Count(t, f.Pool, "SELECT count(*) FROM attendance") + testkit.Count(t, f.Pool, "SELECT count(*) FROM session_report"); n != 0 {
		t.Fatalf("%d rows written by strangers", n)
	}
	// The staffed trainer, the course's lead and an admin may.
	f.ok(f.do(auth.Trainer, "POST", work[0].path, work[0].body), 201, nil)
	f.ok(f.do(auth.Lead, "POST", work[1].path, work[1].body), 200, nil)
	f.ok(f.as("root", auth.Admin, "POST", work[3].path, report), 201, nil)
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(17, 0))
	f.ok(f.do(auth.Trainer, "POST", work[2].path, nil), 200, nil)
}

func TestStartingACourseIsForItsCrew(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, sessions := f.scheduledCourse([]string{"u1"}, "2026-11-16")
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/approve-plan", nil), 200, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/plan", nil), 200, nil)
	f.checkEverything(courseID)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/mark-ready", nil), 200, nil)
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(7, 30))
	f.problem(f.as("trainer-binh", auth.Trainer, "POST", "/courses/"+courseID+"/start", nil), 403)
	f.problem(f.do(auth.Sales, "POST", "/courses/"+courseID+"/start", nil), 403)
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/start", nil), 200, nil)
}

type taskView struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	OwnerRole string `json:"owner_role"`
	OwnerID   string `json:"owner_id"`
	Status    string `json:"status"`
	Required  bool   `json:"required"`
	Note      string `json:"note"`
	History   []struct {
		Action, By, Note string
	} `json:"history"`
}

// completedCourse is heldCourse completed, with its follow-up tasks.
func (f *fixture) completedCourse() (courseID string, tasks []taskView) {
	f.t.Helper()
	courseID, _ = f.heldCourse()
	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(17, 0))
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/complete", nil), 200, nil)
	var list listOf[taskView]
	f.ok(f.do(auth.Lead, "GET", "/tasks?course_id="+courseID, nil), 200, &list)
	return courseID, list.Items
}

func taskOf(t *testing.T, tasks []taskView, kind string) taskView {
	t.Helper()
	for _, tk := range tasks {
		if tk.Kind == kind {
			return tk
		}
	}
	t.Fatalf("no %s task in %+v", kind, tasks)
	return taskView{}
}

func TestATaskIsDoneByItsOwnerOrTheLeadKeepsItsNoteAndIsReopenedByTheLead(t *testing.T) {
	f := start(t)
	courseID, tasks := f.completedCourse()
	leads, contractTask := taskOf(t, tasks, "report_to_supervising_unit"), taskOf(t, tasks, "contract")
	if leads.OwnerID != "user-lead" || contractTask.OwnerID != trainerID {
		t.Fatalf("owners: %+v, %+v", leads, contractTask)
	}
	f.problem(f.do(auth.Trainer, "POST", "/tasks/"+leads.ID+"/complete", map[string]any{"note": "đã gửi công văn"}), 403)
	f.problem(f.as("trainer-binh", auth.Trainer, "POST", "/tasks/"+contractTask.ID+"/complete", nil), 403)
	var done taskView
	f.ok(f.do(auth.Trainer, "POST", "/tasks/"+contractTask.ID+"/complete", map[string]any{"note": "đã ký"}), 200, &done)
	if done.Status != "done" || done.Note != "đã ký" || len(done.History) != 1 || done.History[0].Note != "đã ký" {
		t.Fatalf("the completion lost its note: %+v", done)
	}
	var ev []event.Event
	testkit.Eventually(t, 10*time.Second, "the completion's event", func() bool {
		ev = streamEvents(t, f, "training.task.completed")
		return len(ev) > 0
	})
	var payload contract.Task
	if err := json.Unmarshal(ev[len(ev)-1].Data, &payload); err != nil || payload.Note != "đã ký" {
		t.Fatalf("event: %+v %v", payload, err)
	}
	// The lead may complete a trainer's task, and reopen one done by mistake.
	f.problem(f.do(auth.Trainer, "POST", "/tasks/"+contractTask.ID+"/reopen", map[string]any{"reason": "nhầm"}), 403)
	f.problem(f.do(auth.Lead, "POST", "/tasks/"+contractTask.ID+"/reopen", map[string]any{"reason": " "}), 422)
	var reopened taskView
	f.ok(f.do(auth.Lead, "POST", "/tasks/"+contractTask.ID+"/reopen", map[string]any{"reason": "hợp đồng chưa đóng dấu"}), 200, &reopened)
	if reopened.Status != "open" || reopened.Note != "" || len(reopened.History) != 2 || reopened.History[1].Action != "reopened" ||
		reopened.History[1].Note != "hợp đồng chưa đóng dấu" || reopened.History[1].By != "user-lead" {
		t.Fatalf("reopened: %+v", reopened)
	}
	p := f.problem(f.do(auth.Lead, "POST", "/courses/"+courseID+"/close", nil), 409)
	open, _ := p["open_tasks"].([]any)
	if len(open) == 0 || open[0].(map[string]any)["id"] == "" || open[0].(map[string]any)["kind"] == "" {
		t.Fatalf("close does not list open tasks by id and kind: %v", p["open_tasks"])
	}
	for _, tk := range tasks {
		if tk.Required {
			f.ok(f.do(auth.Lead, "POST", "/tasks/"+tk.ID+"/complete", nil), 200, nil)
		}
	}
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/close", nil), 200, nil)
	p = f.problem(f.do(auth.Lead, "POST", "/tasks/"+contractTask.ID+"/reopen", map[string]any{"reason": "nhầm"}), 409)
	if p["course_state"] != "closed" {
		t.Fatalf("reopening after close: %v", p)
	}
}

func TestAResolvedFeedbackItemIsReopenedWithItsHistory(t *testing.T) {
	f := start(t)
	courseID, _ := f.heldCourse()
	var it struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		History []struct{ From, To, Note string }
	}
	f.ok(f.do(auth.Lead, "POST", "/feedback", map[string]any{"course_id": courseID, "unit_id": "u1", "text": "thiếu tài liệu"}), 201, &it)
	f.ok(f.do(auth.Lead, "POST", "/feedback/"+it.ID+"/status", map[string]any{"status": "in_progress"}), 200, nil)
	f.ok(f.do(auth.Lead, "POST", "/feedback/"+it.ID+"/status", map[string]any{"status": "resolved", "note": "đã gửi"}), 200, nil)
	f.problem(f.do(auth.Lead, "POST", "/feedback/"+it.ID+"/status", map[string]any{"status": "in_progress"}), 422)
	f.ok(f.do(auth.Manager, "POST", "/feedback/"+it.ID+"/status", map[string]any{"status": "in_progress", "note": "đơn vị lại báo thiếu"}), 200, &it)
	if it.Status != "in_progress" || len(it.History) != 4 || it.History[3].From != "resolved" || it.History[3].Note != "đơn vị lại báo thiếu" {
		t.Fatalf("reopened: %+v", it)
	}
	testkit.WaitForEvent(t, f.JS, "TRAINING", "training.feedback.reopened", 10*time.Second, nil)
}

// streamEvents reads the TRAINING stream's events of one subject.
func streamEvents(t *testing.T, f *fixture, subject string) []event.Event {
	t.Helper()
	var out []event.Event
	for _, e := range readStream(t, f) {
		if e.Subject == subject {
			out = append(out, e)
		}
	}
	return out
}

// readStream reads every event of the TRAINING stream published so far.
func readStream(t *testing.T, f *fixture) []event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cons, err := f.JS.OrderedConsumer(ctx, "TRAINING", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []event.Event
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(300 * time.Millisecond))
		if err != nil {
			return out
		}
		e, err := event.Decode(msg.Subject(), msg.Headers(), msg.Data())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
}
