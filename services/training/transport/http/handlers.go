package http

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/readiness"
	"github.com/rapportcrm/rapport/services/training/report"
	"github.com/rapportcrm/rapport/services/training/service"
	"github.com/rapportcrm/rapport/services/training/staffing"
	"github.com/rapportcrm/rapport/services/training/store"
)

const bodyLimit = 64 << 10

type api struct{ svc *service.Service }

func decode(r *http.Request, dst any) error { return problem.DecodeJSON(nil, r, dst, bodyLimit) }

// paged reads limit and cursor; the cursor is the last id seen. filters
// are the list's other parameters: any parameter outside them is refused,
// and a cursor pages only the list it came from (page.FromRequest).
func paged(r *http.Request, filters ...string) (page.Request, string, error) {
	var after string
	pr, err := page.FromRequest(r, &after, filters...)
	return pr, after, err
}

// oneOf refuses a filter whose value is none of allowed: a misspelt state
// or status would otherwise list nothing, as if there were nothing to do.
func oneOf[T ~string](r *http.Request, param string, allowed ...T) error {
	v := r.URL.Query().Get(param)
	if v == "" || slices.Contains(allowed, T(v)) {
		return nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return problem.Invalid("bad filter", problem.FieldError{Field: param, Message: "must be one of " + strings.Join(names, ", ")})
}

func actor(ctx context.Context) service.Actor { return service.ActorFrom(ctx) }

type itemJSON struct {
	Key      string `json:"key"`
	Section  string `json:"section"`
	LabelVI  string `json:"label_vi"`
	LabelEN  string `json:"label_en"`
	Kind     string `json:"kind"`
	Required bool   `json:"required"`
}

func itemsJSON(items []readiness.Item) []itemJSON {
	out := make([]itemJSON, len(items))
	for i, it := range items {
		out[i] = itemJSON{it.Key, it.Section, it.LabelVI, it.LabelEN, string(it.Kind), it.Required}
	}
	return out
}

func (a api) templates(ctx context.Context, r *http.Request) (any, error) {
	if err := problem.KnownParams(r.URL.Query(), "mode"); err != nil {
		return nil, err
	}
	if err := oneOf(r, "mode", course.InPerson, course.Online); err != nil {
		return nil, err
	}
	mode := r.URL.Query().Get("mode")
	if mode == "" {
		mode = string(course.InPerson)
	}
	items, err := a.svc.Templates(ctx, mode)
	return page.Page[itemJSON]{Items: itemsJSON(items)}, err
}

type requestJSON struct {
	UnitIDs       []string    `json:"unit_ids"`
	ModuleCode    string      `json:"module_code"`
	Mode          course.Mode `json:"mode"`
	Venue         string      `json:"venue"`
	MeetingLink   string      `json:"meeting_link"`
	ProposedDates []string    `json:"proposed_dates"`
	HandoverNotes string      `json:"handover_notes"`
	Objectives    struct {
		Contract       bool `json:"contract"`
		Liquidation    bool `json:"liquidation"`
		DebtCollection bool `json:"debt_collection"`
	} `json:"objectives"`
}

func (a api) submit(ctx context.Context, r *http.Request) (any, error) {
	var in requestJSON
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	proposed, err := proposedDays(in.ProposedDates)
	if err != nil {
		return nil, err
	}
	row, err := a.svc.Submit(ctx, actor(ctx), service.SubmitRequest{UnitIDs: in.UnitIDs, ModuleCode: in.ModuleCode, Mode: in.Mode,
		Venue: in.Venue, MeetingLink: in.MeetingLink, ProposedDates: proposed, HandoverNotes: in.HandoverNotes,
		Objectives: course.Objectives{Contract: in.Objectives.Contract, Liquidation: in.Objectives.Liquidation, DebtCollection: in.Objectives.DebtCollection}})
	if err != nil {
		return nil, err
	}
	return httpapi.Created{Body: requestView(row)}, nil
}

type requestOut struct {
	store.Request
	ProposedDates []string `json:"proposed_dates"`
}

func requestView(r store.Request) requestOut {
	out := requestOut{Request: r, ProposedDates: []string{}}
	for _, d := range r.ProposedDates {
		out.ProposedDates = append(out.ProposedDates, store.Date(&d).String())
	}
	return out
}

func (a api) listRequests(ctx context.Context, r *http.Request) (any, error) {
	pr, after, err := paged(r, "status")
	if err != nil {
		return nil, err
	}
	if err := oneOf(r, "status", "submitted", "refused", "withdrawn"); err != nil {
		return nil, err
	}
	rows, err := a.svc.Requests(ctx, r.URL.Query().Get("status"), after, pr.Limit+1)
	if err != nil {
		return nil, err
	}
	views := make([]requestOut, len(rows))
	for i, row := range rows {
		views[i] = requestView(row)
	}
	return page.Of(views, pr, func(last requestOut) any { return last.ID }), nil
}

func (a api) getRequest(ctx context.Context, r *http.Request) (any, error) {
	row, err := a.svc.Request(ctx, r.PathValue("id"))
	return requestView(row), err
}

func (a api) approveException(ctx context.Context, r *http.Request) (any, error) {
	var in reasonInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	row, err := a.svc.ApproveException(ctx, actor(ctx), r.PathValue("id"), in.Reason)
	return requestView(row), err
}

func (a api) listCourses(ctx context.Context, r *http.Request) (any, error) {
	pr, after, err := paged(r, "state", "unit_id", "staff_id", "from", "to", "module_code")
	if err != nil {
		return nil, err
	}
	f, err := course.ParseCourseFilter(r.URL.Query())
	if err != nil {
		return nil, err
	}
	cs, err := a.svc.Courses(ctx, f, after, pr.Limit+1)
	if err != nil {
		return nil, err
	}
	return page.Of(cs, pr, func(last service.CourseView) any { return last.CourseID }), nil
}

func (a api) getCourse(ctx context.Context, r *http.Request) (any, error) {
	return a.svc.Course(ctx, r.PathValue("id"))
}

func (a api) approvePlan(ctx context.Context, r *http.Request) (any, error) {
	return a.svc.ApprovePlan(ctx, actor(ctx), r.PathValue("id"))
}

func (a api) command(cmd course.Command) func(context.Context, *http.Request) (any, error) {
	return func(ctx context.Context, r *http.Request) (any, error) {
		var in commandInput
		if r.ContentLength != 0 {
			if err := decode(r, &in); err != nil {
				return nil, err
			}
		}
		return a.svc.Command(ctx, actor(ctx), r.PathValue("id"), cmd, service.CommandInput{FirstSession: calendar.Date(in.FirstSession), LastSession: calendar.Date(in.LastSession), Reason: in.Reason})
	}
}

type sessionJSON struct {
	ID          string           `json:"id"`
	CourseID    string           `json:"course_id"`
	Date        calendar.Date    `json:"date"`
	HalfDay     staffing.HalfDay `json:"half_day"`
	Venue       string           `json:"venue,omitempty"`
	MeetingLink string           `json:"meeting_link,omitempty"`
}

func sessionsJSON(ss []staffing.Session) []sessionJSON {
	out := make([]sessionJSON, len(ss))
	for i, s := range ss {
		out[i] = sessionJSON(s)
	}
	return out
}

func (a api) sessions(ctx context.Context, r *http.Request) (any, error) {
	ss, err := a.svc.Sessions(ctx, r.PathValue("id"))
	return page.Page[sessionJSON]{Items: sessionsJSON(ss)}, err
}

func (a api) addSession(ctx context.Context, r *http.Request) (any, error) {
	var in sessionInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	s, err := a.svc.AddSession(ctx, r.PathValue("id"), staffing.Session{Date: calendar.Date(in.Date), HalfDay: in.HalfDay, Venue: in.Venue, MeetingLink: in.MeetingLink})
	if err != nil {
		return nil, err
	}
	return httpapi.Created{Body: sessionJSON(s)}, nil
}

type assignmentJSON struct {
	SessionID string        `json:"session_id"`
	PersonID  string        `json:"person_id"`
	Duty      staffing.Duty `json:"duty"`
}

type planJSON struct {
	Sessions    []sessionJSON    `json:"sessions"`
	Assignments []assignmentJSON `json:"assignments"`
	Unstaffed   []string         `json:"unstaffed_session_ids"`
}

func planView(p staffing.Plan) planJSON {
	out := planJSON{Sessions: sessionsJSON(p.Sessions), Assignments: []assignmentJSON{}, Unstaffed: staffing.Unstaffed(p)}
	for _, as := range p.Assignments {
		out.Assignments = append(out.Assignments, assignmentJSON(as))
	}
	return out
}

func (a api) plan(ctx context.Context, r *http.Request) (any, error) {
	p, err := a.svc.Plan(ctx, r.PathValue("id"))
	return planView(p), err
}

func (a api) assign(ctx context.Context, r *http.Request) (any, error) {
	var in assignmentJSON
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Duty != staffing.Trainer && in.Duty != staffing.Assistant {
		return nil, problem.Invalid("the assignment is not valid", problem.FieldError{Field: "duty", Message: "must be trainer or assistant"})
	}
	p, err := a.svc.Assign(ctx, r.PathValue("id"), staffing.Assignment(in))
	if err != nil {
		return nil, err
	}
	return httpapi.Created{Body: planView(p)}, nil
}

func (a api) removeSession(ctx context.Context, r *http.Request) (any, error) {
	p, err := a.svc.RemoveSession(ctx, r.PathValue("id"), r.PathValue("sid"))
	return planView(p), err
}

func (a api) unassign(ctx context.Context, r *http.Request) (any, error) {
	p, err := a.svc.Unassign(ctx, r.PathValue("id"), r.PathValue("sid"), r.PathValue("pid"))
	return planView(p), err
}

func (a api) participants(ctx context.Context, r *http.Request) (any, error) {
	ps, err := a.svc.Participants(ctx, r.PathValue("id"))
	return page.Page[store.Participant]{Items: ps}, err
}

func (a api) register(ctx context.Context, r *http.Request) (any, error) {
	var in unitInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	p, err := a.svc.Register(ctx, actor(ctx), r.PathValue("id"), in.UnitID)
	if err != nil {
		return nil, err
	}
	return httpapi.Created{Body: p}, nil
}

func (a api) confirm(ctx context.Context, r *http.Request) (any, error) {
	var in confirmInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return a.svc.Answer(ctx, actor(ctx), r.PathValue("id"), r.PathValue("pid"), true, store.Participant{Attendees: in.Attendees,
		BringsLaptops: in.BringsLaptops, BringsDocuments: in.BringsDocuments, BringsData: in.BringsData, Note: in.Note})
}

func (a api) decline(ctx context.Context, r *http.Request) (any, error) {
	var in reasonInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	return a.svc.Answer(ctx, actor(ctx), r.PathValue("id"), r.PathValue("pid"), false, store.Participant{Note: in.Reason})
}

func (a api) attend(ctx context.Context, r *http.Request) (any, error) {
	var in attendanceInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Present == nil || in.UnitID == "" {
		return nil, problem.Invalid("the attendance is not valid", problem.FieldError{Field: "present", Message: "unit_id and present are required"})
	}
	at, corrected, err := a.svc.RecordAttendance(ctx, actor(ctx), r.PathValue("id"), r.PathValue("sid"), store.Attendance{UnitID: in.UnitID, Present: *in.Present, Reason: in.Reason})
	if err != nil || corrected {
		return at, err // a correction changes the unit's one record: 200
	}
	return httpapi.Created{Body: at}, nil
}

func (a api) report(ctx context.Context, r *http.Request) (any, error) {
	var in reportInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	rep := report.SessionReport{CourseID: r.PathValue("id"), SessionID: r.PathValue("sid"), SupervisorSpoke: in.SupervisorSpoke,
		SupervisorReason: in.SupervisorReason, Difficulties: in.Difficulties, DataEntryPercent: in.DataEntryPercent, Progress: in.Progress,
		Escalate: in.Escalate, Escalation: in.Escalation}
	for _, ab := range in.AbsentUnits {
		rep.AbsentUnits = append(rep.AbsentUnits, report.Absence{UnitID: ab.UnitID, Reason: ab.Reason})
	}
	id, err := a.svc.Report(ctx, actor(ctx), rep)
	if err != nil {
		return nil, err
	}
	return httpapi.Created{Body: createdID{id}}, nil
}
