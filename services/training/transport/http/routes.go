// Package http is the training service's HTTP transport: the route table,
// request decoding and the mapping of domain errors to problem+json.
package http

import (
	"context"
	"net/http"
	"slices"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/service"
)

const prefix = "/api/training/v1"

// Route is one line of the API surface.
type Route struct {
	Method, Path string // Path as in the OpenAPI document, e.g. /api/training/v1/courses/{id}
	Roles        []auth.Role
	Handle       func(ctx context.Context, r *http.Request) (any, error)
}

var (
	everyone = []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager, auth.Director}
	lead     = []auth.Role{auth.Lead}
	field    = []auth.Role{auth.Lead, auth.Trainer}
	sellers  = []auth.Role{auth.Sales, auth.Lead}
)

// Routes is the whole API; the OpenAPI test walks it.
func Routes(svc *service.Service) []Route {
	a := api{svc}
	rs := []Route{
		{"GET", prefix + "/modules", everyone, a.listModules},
		{"PUT", prefix + "/modules/{code}", nil, a.putModule},
		{"GET", prefix + "/checklist-templates", everyone, a.templates},
		{"POST", prefix + "/requests", []auth.Role{auth.Sales}, a.submit},
		{"GET", prefix + "/requests", everyone, a.listRequests},
		{"GET", prefix + "/requests/{id}", everyone, a.getRequest},
		{"POST", prefix + "/requests/{id}/approve-exception", []auth.Role{auth.Manager}, a.approveException},
		{"POST", prefix + "/requests/{id}/withdraw", []auth.Role{auth.Sales}, a.withdraw},
		{"GET", prefix + "/courses", everyone, a.listCourses},
		{"GET", prefix + "/courses/{id}", everyone, a.getCourse},
		{"POST", prefix + "/courses/{id}/approve-plan", lead, a.approvePlan},
		{"GET", prefix + "/courses/{id}/sessions", everyone, a.sessions},
		{"POST", prefix + "/courses/{id}/sessions", lead, a.addSession},
		{"GET", prefix + "/courses/{id}/staffing", everyone, a.plan},
		{"DELETE", prefix + "/courses/{id}/sessions/{sid}", lead, a.removeSession},
		{"POST", prefix + "/courses/{id}/assignments", lead, a.assign},
		{"DELETE", prefix + "/courses/{id}/sessions/{sid}/assignments/{pid}", lead, a.unassign},
		{"GET", prefix + "/courses/{id}/participants", everyone, a.participants},
		{"POST", prefix + "/courses/{id}/participants", sellers, a.register},
		{"POST", prefix + "/courses/{id}/participants/{pid}/confirm", []auth.Role{auth.Sales, auth.Lead, auth.Trainer}, a.confirm},
		{"POST", prefix + "/courses/{id}/participants/{pid}/decline", []auth.Role{auth.Sales, auth.Lead, auth.Trainer}, a.decline},
		{"POST", prefix + "/courses/{id}/sessions/{sid}/attendance", field, a.attend},
		{"POST", prefix + "/courses/{id}/sessions/{sid}/reports", field, a.report},
		{"GET", prefix + "/courses/{id}/sessions/{sid}/attendance", everyone, a.sessionAttendance},
		{"GET", prefix + "/courses/{id}/sessions/{sid}/reports", everyone, a.sessionReports},
		{"GET", prefix + "/courses/{id}/attendance", everyone, a.courseAttendance},
		{"GET", prefix + "/courses/{id}/reports", everyone, a.courseReports},
		{"GET", prefix + "/courses/{id}/checklist", everyone, a.checklist},
		{"POST", prefix + "/courses/{id}/checklist/{key}", field, a.check},
		{"GET", prefix + "/tasks", everyone, a.listTasks},
		{"POST", prefix + "/tasks/{id}/complete", field, a.completeTask},
		{"POST", prefix + "/tasks/{id}/reopen", lead, a.reopenTask},
		{"POST", prefix + "/feedback", []auth.Role{auth.Lead, auth.Trainer, auth.Manager}, a.raiseFeedback},
		{"GET", prefix + "/feedback", everyone, a.listFeedback},
		{"GET", prefix + "/feedback/{id}", everyone, a.getFeedback},
		{"POST", prefix + "/feedback/{id}/status", []auth.Role{auth.Lead, auth.Manager}, a.moveFeedback},
		{"POST", prefix + "/desk-log", []auth.Role{auth.Lead, auth.Trainer, auth.Manager}, a.logDesk},
		{"GET", prefix + "/desk-log", everyone, a.listDesk},
		{"PUT", prefix + "/desk-log/{id}", []auth.Role{auth.Lead, auth.Trainer, auth.Manager}, a.correctDesk},
		{"GET", prefix + "/desk-log/{id}/revisions", []auth.Role{auth.Lead, auth.Trainer, auth.Manager, auth.Director}, a.deskRevisions},
	}
	// Lifecycle commands: the course package checks each command's roles (and,
	// for start and complete, the course's crew), so the transport only
	// requires a staff token (everyone).
	for _, c := range []struct {
		path string
		cmd  course.Command
	}{{"schedule", course.Schedule}, {"plan", course.Plan}, {"mark-ready", course.MarkReady}, {"start", course.Start},
		{"complete", course.Complete}, {"close", course.Close}, {"reschedule", course.Reschedule}, {"cancel", course.Cancel}} {
		rs = append(rs, Route{"POST", prefix + "/courses/{id}/" + c.path, everyone, a.command(c.cmd)})
	}
	return rs
}

// creates are the routes that add a record each time they run, so that a
// retry would add a second: they honour Idempotency-Key.
var creates = []string{
	prefix + "/requests", prefix + "/courses/{id}/sessions", prefix + "/courses/{id}/assignments",
	prefix + "/courses/{id}/participants", prefix + "/courses/{id}/sessions/{sid}/attendance",
	prefix + "/courses/{id}/sessions/{sid}/reports", prefix + "/feedback", prefix + "/desk-log",
}

// Handler mounts every route plus the OpenAPI document.
func Handler(svc *service.Service, d runner.Deps) http.Handler {
	mux := http.NewServeMux()
	opts := httpapi.ServerOptions(d.Auth, d.Log, mapError)
	idem := &httpapi.Idempotency{Keys: &httpapi.IdempotencyKeys{Pool: d.Pool}, Auth: d.Auth, Now: d.Clock.Now, Log: d.Log}
	tracer := d.Tracer.Tracer("github.com/rapportcrm/rapport/services/training")
	for _, r := range Routes(svc) {
		var ep endpoint.Endpoint = func(ctx context.Context, req any) (any, error) {
			return r.Handle(ctx, req.(*http.Request))
		}
		ep = auth.Require(r.Roles...)(ep)
		ep = httpapi.Trace(tracer, r.Method+" "+r.Path)(ep)
		// The request itself is the endpoint's input: decoding needs the
		// caller's role checked first, so bad bodies from strangers cost nothing.
		var h http.Handler = kithttp.NewServer(ep,
			func(_ context.Context, req *http.Request) (any, error) {
				return req, problem.CheckQuery(req.URL.RawQuery)
			},
			httpapi.EncodeJSON, opts...)
		if r.Method == "POST" && slices.Contains(creates, r.Path) {
			h = idem.Wrap(h)
		}
		mux.Handle(r.Method+" "+r.Path, h)
	}
	mux.HandleFunc("GET /api/training/openapi.json", serveOpenAPI)
	return mux
}
