package http

import (
	"context"
	"net/http"

	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/pkg/staff"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/feedback"
	"github.com/rapportcrm/rapport/services/training/readiness"
	"github.com/rapportcrm/rapport/services/training/service"
	"github.com/rapportcrm/rapport/services/training/store"
)

// Handlers of the work around a course: checklist, tasks, feedback, desk log.

type checkJSON struct {
	Key       string `json:"key"`
	OK        bool   `json:"ok"`
	Count     *int   `json:"count,omitempty"`
	Text      string `json:"text,omitempty"`
	PhotoURL  string `json:"photo_url,omitempty"`
	Note      string `json:"note,omitempty"`
	CheckedBy string `json:"checked_by"`
	CheckedAt string `json:"checked_at"`
}

func checklistView(c service.Checklist) checklistJSON {
	checks := make([]checkJSON, len(c.Checks))
	for i, k := range c.Checks {
		checks[i] = checkJSON{k.Key, k.OK, k.Count, k.Text, k.PhotoURL, k.Note, k.CheckedBy, k.CheckedAt.Format("2006-01-02T15:04:05Z07:00")}
	}
	inc := c.Incomplete
	if inc == nil {
		inc = []string{}
	}
	return checklistJSON{itemsJSON(c.Items), checks, inc}
}

func (a api) checklist(ctx context.Context, r *http.Request) (any, error) {
	c, err := a.svc.Checklist(ctx, r.PathValue("id"))
	return checklistView(c), err
}

func (a api) check(ctx context.Context, r *http.Request) (any, error) {
	var in checkInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	c, err := a.svc.CheckItem(ctx, actor(ctx), r.PathValue("id"), readiness.Check{Key: r.PathValue("key"), OK: in.OK, Count: in.Count,
		Text: in.Text, PhotoURL: in.PhotoURL, Note: in.Note})
	return checklistView(c), err
}

func (a api) listTasks(ctx context.Context, r *http.Request) (any, error) {
	pr, after, err := paged(r, "course_id", "status", "owner_id", "overdue")
	if err != nil {
		return nil, err
	}
	f, err := course.ParseTaskFilter(r.URL.Query())
	if err != nil {
		return nil, err
	}
	ts, err := a.svc.Tasks(ctx, f, after, pr.Limit+1)
	return page.Of(ts, pr, func(last store.TaskRow) any { return last.ID }), err
}

type changeJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	By   string `json:"by"`
	At   string `json:"at"`
	Note string `json:"note,omitempty"`
}

type feedbackJSON struct {
	ID       string       `json:"id"`
	CourseID string       `json:"course_id"`
	UnitID   string       `json:"unit_id,omitempty"`
	Text     string       `json:"text"`
	Urgent   bool         `json:"urgent"`
	Status   string       `json:"status"`
	History  []changeJSON `json:"history"`
}

func feedbackView(it feedback.Item) feedbackJSON {
	out := feedbackJSON{ID: it.ID, CourseID: it.CourseID, UnitID: it.UnitID, Text: it.Text, Urgent: it.Urgent, Status: string(it.Status), History: []changeJSON{}}
	for _, c := range it.History {
		out.History = append(out.History, changeJSON{string(c.From), string(c.To), c.By, c.At.Format("2006-01-02T15:04:05Z07:00"), c.Note})
	}
	return out
}

func (a api) raiseFeedback(ctx context.Context, r *http.Request) (any, error) {
	var in feedbackInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	it, err := a.svc.RaiseFeedback(ctx, actor(ctx), feedback.Item{CourseID: in.CourseID, UnitID: in.UnitID, Text: in.Text, Urgent: in.Urgent})
	if err != nil {
		return nil, err
	}
	return httpapi.Created{Body: feedbackView(it)}, nil
}

func (a api) listFeedback(ctx context.Context, r *http.Request) (any, error) {
	pr, after, err := paged(r, "course_id", "status", "unit_id", "urgent")
	if err != nil {
		return nil, err
	}
	f, err := feedback.ParseFilter(r.URL.Query())
	if err != nil {
		return nil, err
	}
	items, err := a.svc.FeedbackList(ctx, f, after, pr.Limit+1)
	views := make([]feedbackJSON, len(items))
	for i, it := range items {
		views[i] = feedbackView(it)
	}
	return page.Of(views, pr, func(last feedbackJSON) any { return last.ID }), err
}

func (a api) getFeedback(ctx context.Context, r *http.Request) (any, error) {
	it, err := a.svc.Feedback(ctx, r.PathValue("id"))
	return feedbackView(it), err
}

func (a api) moveFeedback(ctx context.Context, r *http.Request) (any, error) {
	var in statusInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	it, err := a.svc.MoveFeedback(ctx, actor(ctx), r.PathValue("id"), in.Status, in.Note)
	return feedbackView(it), err
}

func (a api) logDesk(ctx context.Context, r *http.Request) (any, error) {
	e, err := deskEntry(r)
	if err != nil {
		return nil, err
	}
	id, err := a.svc.LogDesk(ctx, actor(ctx), e)
	if err != nil {
		return nil, err
	}
	return httpapi.Created{Body: map[string]string{"id": id}}, nil
}

func (a api) listDesk(ctx context.Context, r *http.Request) (any, error) {
	pr, after, err := paged(r, "day", "author_id")
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	if d := q.Get("day"); d != "" {
		if _, err := calendar.ParseDate(d); err != nil {
			return nil, problem.Invalid("bad filter", problem.FieldError{Field: "day", Message: "must be YYYY-MM-DD"})
		}
	}
	if id := q.Get("author_id"); id != "" {
		// A padded or pasted id would list nothing, as if the author never wrote.
		if err := staff.ID(id); err != nil {
			return nil, problem.Invalid("bad filter", problem.FieldError{Field: "author_id", Message: err.Error()})
		}
	}
	rows, err := a.svc.DeskLogs(ctx, q.Get("day"), q.Get("author_id"), after, pr.Limit+1)
	return page.Of(rows, pr, func(last store.DeskLogRow) any { return last.ID }), err
}
