package training_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/stream"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/training"
	"github.com/rapportcrm/rapport/services/training/calendar"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type fixture struct {
	*servicetest.Harness
	t      testing.TB
	seqs   map[string]int64
	calls  atomic.Int64 // API requests sent, for the benchmark
	tokens sync.Map     // role -> token, so signing is not measured
}

func start(t testing.TB) *fixture {
	h := servicetest.Start(t, training.ServiceWith(100*time.Millisecond), servicetest.Options{})
	if _, err := stream.Ensure(context.Background(), h.JS, stream.Config{Context: "contact"}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{Harness: h, t: t, seqs: map[string]int64{}}
	if r := f.do(auth.Admin, "PUT", "/modules/ke-toan", map[string]any{"name": "Kế toán", "payroll": false}); r.Status != 200 {
		t.Fatalf("module: %d %s", r.Status, r.Body)
	}
	return f
}

// publish sends a contact event built from the contact contract, numbered
// per aggregate, the way the contact service's relay would.
func (f *fixture) publish(aggID string, payload any) {
	f.t.Helper()
	e, err := contract.Rapport().Event(aggID, time.Now(), payload)
	if err != nil {
		f.t.Fatal(err)
	}
	key := e.AggregateType + "/" + aggID
	f.seqs[key]++
	e.Sequence = f.seqs[key]
	if _, err := f.JS.PublishMsg(context.Background(), e.Msg(nil)); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) unit(id, supervisor string) {
	f.publish(id, contract.OrganizationCreated{Organization: contract.OrganizationSnapshot{ID: id, Name: "Trường " + id, SupervisingUnitID: supervisor}})
}

func (f *fixture) person(id string, orgs ...string) {
	f.publish(id, contract.PersonCreated{Person: contract.PersonSnapshot{ID: id, FullName: "Nguyễn Văn An", OrganizationIDs: orgs}})
}

func (f *fixture) waitUnits(n int64) {
	testkit.Eventually(f.t, 10*time.Second, "the contact copy", func() bool {
		return testkit.Count(f.t, f.Pool, "SELECT count(*) FROM contact_organization WHERE NOT deleted") == n
	})
}

func (f *fixture) do(role auth.Role, method, path string, body any) servicetest.Response {
	f.t.Helper()
	f.calls.Add(1)
	tok, ok := f.tokens.Load(role)
	if !ok {
		tok, _ = f.tokens.LoadOrStore(role, f.Token(f.t, role))
	}
	return f.Do(f.t, method, "/api/training/v1"+path, tok.(string), body)
}

func (f *fixture) ok(r servicetest.Response, status int, into any) {
	f.t.Helper()
	if r.Status != status {
		f.t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if into != nil {
		r.JSON(f.t, into)
	}
}

func (f *fixture) problem(r servicetest.Response, status int) map[string]any {
	f.t.Helper()
	if r.Status != status || r.Header.Get("Content-Type") != "application/problem+json" {
		f.t.Fatalf("status %d (%s), want %d problem: %s", r.Status, r.Header.Get("Content-Type"), status, r.Body)
	}
	var p map[string]any
	r.JSON(f.t, &p)
	return p
}

type idOf struct {
	ID       string `json:"id"`
	CourseID string `json:"course_id"`
	State    string `json:"state"`
}

// scheduledCourse requests, sessions and schedules a course on the given days.
func (f *fixture) scheduledCourse(units []string, days ...string) (courseID string, sessions []string) {
	f.t.Helper()
	var req idOf
	f.ok(f.do(auth.Sales, "POST", "/requests", map[string]any{"unit_ids": units, "module_code": "ke-toan", "mode": "in_person",
		"venue": "Hội trường A", "proposed_dates": days, "handover_notes": "bàn giao", "objectives": map[string]bool{"contract": true}}), 201, &req)
	courseID = req.CourseID
	for _, d := range days {
		var s idOf
		f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/sessions", map[string]any{"date": d, "half_day": "morning", "venue": "Hội trường A"}), 201, &s)
		sessions = append(sessions, s.ID)
	}
	var c idOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/schedule", nil), 200, &c)
	if c.State != "scheduled" {
		f.t.Fatalf("state %s after schedule", c.State)
	}
	return courseID, sessions
}

// startCourse takes a scheduled course whose sessions are staffed to in
// progress, moving the clock to its first day.
func (f *fixture) startCourse(courseID string, firstDay calendar.Date) {
	f.t.Helper()
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/approve-plan", nil), 200, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/plan", nil), 200, nil)
	f.checkEverything(courseID)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/mark-ready", nil), 200, nil)
	f.Clock.Set(firstDay.At(7, 30))
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/start", nil), 200, nil)
}

func (f *fixture) checkEverything(courseID string) {
	f.t.Helper()
	var cl struct {
		Items []struct{ Key, Kind string } `json:"items"`
	}
	f.ok(f.do(auth.Lead, "GET", "/courses/"+courseID+"/checklist", nil), 200, &cl)
	for _, it := range cl.Items {
		body := map[string]any{"ok": true, "count": 20, "text": "có", "note": "ok"}
		if it.Kind == "photo" {
			body["photo_url"] = "https://example.com/hall.jpg"
		}
		f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/checklist/"+it.Key, body), 200, nil)
	}
}

func TestACourseIsWalkedFromRequestToClose(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.unit("u2", "dvcq-1")
	f.person("p1", "u1")
	f.waitUnits(2)
	testkit.Eventually(t, 10*time.Second, "the person", func() bool { return testkit.Count(t, f.Pool, "SELECT count(*) FROM contact_person") == 1 })

	courseID, sessions := f.scheduledCourse([]string{"u1", "u2"}, "2026-11-16", "2026-11-17")
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[1], "person_id": trainerID, "duty": "trainer"}), 201, nil)
	f.problem(f.do(auth.Lead, "POST", "/courses/"+courseID+"/plan", nil), 409) // plan not approved yet
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/approve-plan", nil), 200, nil)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/plan", nil), 200, nil)

	var p1, p2 idOf
	f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": "u1"}), 201, &p1)
	f.ok(f.do(auth.Sales, "POST", "/courses/"+courseID+"/participants", map[string]any{"unit_id": "u2"}), 201, &p2)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/participants/"+p1.ID+"/confirm", map[string]any{"attendees": 3, "brings_laptops": true, "brings_data": true}), 200, nil)

	f.checkEverything(courseID)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/mark-ready", nil), 200, nil)
	f.problem(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/start", nil), 409) // first day not reached

	f.Clock.Set(calendar.NewDate(2026, 11, 16).At(7, 30))
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/start", nil), 200, nil)
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/sessions/"+sessions[0]+"/attendance", map[string]any{"unit_id": "u1", "present": true}), 201, nil)
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/sessions/"+sessions[0]+"/attendance", map[string]any{"unit_id": "u2", "present": false, "reason": "ốm"}), 201, nil)
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/sessions/"+sessions[0]+"/reports", map[string]any{
		"absent_units": []map[string]string{{"unit_id": "u2", "reason": "ốm"}}, "supervisor_spoke": true, "data_entry_percent": 60,
		"progress": "đúng tiến độ", "escalate": true, "escalation": "đơn vị không nhập liệu"}), 201, nil)
	f.ok(f.do(auth.Manager, "POST", "/feedback", map[string]any{"course_id": courseID, "unit_id": "u1", "text": "cần thêm tài liệu", "urgent": true}), 201, nil)

	f.Clock.Set(calendar.NewDate(2026, 11, 17).At(17, 0))
	f.ok(f.do(auth.Trainer, "POST", "/courses/"+courseID+"/complete", nil), 200, nil)
	p := f.problem(f.do(auth.Lead, "POST", "/courses/"+courseID+"/close", nil), 409)
	if p["open_tasks"] == nil {
		t.Fatalf("closing with open tasks does not list them: %v", p)
	}
	var tasks struct {
		Items []struct {
			ID        string `json:"id"`
			Required  bool   `json:"required"`
			OwnerRole string `json:"owner_role"`
		} `json:"items"`
	}
	f.ok(f.do(auth.Lead, "GET", "/tasks?course_id="+courseID+"&status=open", nil), 200, &tasks)
	if len(tasks.Items) == 0 {
		t.Fatal("no follow-up tasks created on completion")
	}
	for _, tk := range tasks.Items {
		if tk.Required {
			f.ok(f.do(auth.Role(tk.OwnerRole), "POST", "/tasks/"+tk.ID+"/complete", nil), 200, nil)
		}
	}
	// One done by mistake: the lead reopens it, its owner does it again.
	f.ok(f.do(auth.Lead, "POST", "/tasks/"+tasks.Items[0].ID+"/reopen", map[string]any{"reason": "chưa ký"}), 200, nil)
	f.ok(f.do(auth.Role(tasks.Items[0].OwnerRole), "POST", "/tasks/"+tasks.Items[0].ID+"/complete", map[string]any{"note": "đã ký"}), 200, nil)
	var closed idOf
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/close", nil), 200, &closed)
	if closed.State != "closed" {
		t.Fatalf("state %s", closed.State)
	}

	var parts struct {
		Items []struct {
			UnitID           string   `json:"unit_id"`
			ContactPersonIDs []string `json:"contact_person_ids"`
		} `json:"items"`
	}
	f.ok(f.do(auth.Director, "GET", "/courses/"+courseID+"/participants", nil), 200, &parts)
	if len(parts.Items) != 2 || parts.Items[0].UnitID != "u1" || len(parts.Items[0].ContactPersonIDs) != 1 || parts.Items[0].ContactPersonIDs[0] != "p1" {
		t.Fatalf("participants do not carry their contact people: %+v", parts.Items)
	}

	// The rest of the catalogue: a refused request, a declined unit, a
	// resolved feedback item, the scheduler's three checks, a reschedule and
	// a cancellation.
	f.problem(f.do(auth.Sales, "POST", "/requests", map[string]any{"unit_ids": []string{"u1"}, "module_code": "ke-toan", "mode": "in_person",
		"venue": "A", "proposed_dates": []string{"2026-11-20"}}), 422)
	var fb struct {
		Items []struct{ ID string } `json:"items"`
	}
	f.ok(f.do(auth.Manager, "GET", "/feedback?course_id="+courseID, nil), 200, &fb)
	f.ok(f.do(auth.Manager, "POST", "/feedback/"+fb.Items[0].ID+"/status", map[string]any{"status": "in_progress"}), 200, nil)
	f.ok(f.do(auth.Lead, "POST", "/feedback/"+fb.Items[0].ID+"/status", map[string]any{"status": "resolved", "note": "đã gửi tài liệu"}), 200, nil)
	f.ok(f.do(auth.Lead, "POST", "/feedback/"+fb.Items[0].ID+"/status", map[string]any{"status": "in_progress", "note": "đơn vị lại báo thiếu"}), 200, nil)
	second, _ := f.scheduledCourse([]string{"u2"}, "2026-12-03")
	var p3 idOf
	f.ok(f.do(auth.Sales, "POST", "/courses/"+second+"/participants", map[string]any{"unit_id": "u2"}), 201, &p3)
	f.ok(f.do(auth.Lead, "POST", "/courses/"+second+"/participants/"+p3.ID+"/decline", map[string]any{"reason": "trùng lịch"}), 200, nil)
	f.Clock.Set(calendar.NewDate(2026, 12, 2).At(12, 30))
	for _, subject := range []string{"training.course.readiness_at_risk", "training.course.staffing_plan_overdue", "training.task.overdue"} {
		testkit.WaitForEvent(t, f.JS, "TRAINING", subject, 10*time.Second, nil)
	}
	f.ok(f.do(auth.Lead, "POST", "/courses/"+second+"/reschedule", map[string]any{"first_session": "2026-12-10", "last_session": "2026-12-10",
		"reason": "đơn vị xin lùi"}), 200, nil)
	f.ok(f.do(auth.Manager, "POST", "/courses/"+second+"/cancel", map[string]any{"reason": "hủy"}), 200, nil)
	testkit.WaitForEvent(t, f.JS, "TRAINING", "training.course.cancelled", 10*time.Second, nil)
	checkPublishedEvents(t, f)
}

// checkPublishedEvents reads every event of the stream and checks it
// against the catalogue.
func checkPublishedEvents(t *testing.T, f *fixture) {
	cat := contract.Rapport()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cons, err := f.JS.OrderedConsumer(ctx, "TRAINING", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(time.Second))
		if err != nil {
			break
		}
		e, err := event.Decode(msg.Subject(), msg.Headers(), msg.Data())
		if err != nil {
			t.Fatal(err)
		}
		if err := cat.Check(e); err != nil {
			t.Errorf("published event off catalogue: %v", err)
		}
		seen[e.Subject] = true
	}
	for _, e := range cat.Entries() {
		if e.Context() == "training" && !seen[e.Subject] {
			t.Errorf("%s is in the catalogue but was never published", e.Subject)
		}
	}
}

func TestTheOpenAPIDocumentIsServed(t *testing.T) {
	h := servicetest.Start(t, training.Service(), servicetest.Options{})
	r := h.Do(t, "GET", "/api/training/openapi.json", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"openapi"`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}
