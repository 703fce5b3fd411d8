// Package http is the contact service's HTTP transport: the route table,
// request decoding and the mapping of domain errors to problem+json.
package http

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"
	"go.opentelemetry.io/otel/trace"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// Role sets. Manager reads everything, hands parties over, gives one to
// another owner, deletes, restores, undoes imports, logs interactions
// (the department head calls the unhappy customer) and corrects the
// team's, but does not create or edit records (that is the field staff's
// job); director only reads.
var (
	readers = []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager, auth.Director}
	writers = []auth.Role{auth.Sales, auth.Lead, auth.Trainer}
	// loggers log an interaction: the writers and the manager, who may
	// delete a customer and so may record the work done with them.
	loggers = []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager}
	// owners change a party's owner and deleters delete one: the service
	// lets only its owner, a lead, a manager or an admin (ownership.May).
	owners   = []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager}
	deleters = []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager}
	// restorers bring a deleted party back: the service lets only the owner
	// it had, the one who deleted it, a lead, a manager or an admin
	// (ownership.MayRestore).
	restorers = deleters
	leaders   = []auth.Role{auth.Manager}
	// undoers undo an import, which deletes the parties it created: the
	// service lets only its uploader, a lead, a manager or an admin.
	undoers = []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager}
	// correctors change a logged interaction: the staff member who logged
	// or made it, a lead, a manager or an admin (ownership.MayCorrect).
	correctors = []auth.Role{auth.Sales, auth.Lead, auth.Trainer, auth.Manager}
	// overseers watch the team's work: the deployment lead, the department
	// head and the director; they read the hand-overs too.
	overseers = []auth.Role{auth.Lead, auth.Manager, auth.Director}
	// admins configure the service (the custom fields).
	admins = []auth.Role{auth.Admin}
)

// Route is one API operation.
type Route struct {
	Method, Path string
	Name         string
	Roles        []auth.Role
	Decode       kithttp.DecodeRequestFunc
	Endpoint     endpoint.Endpoint
	Encode       kithttp.EncodeResponseFunc // nil: JSON, or the file of a download
}

//go:embed openapi.json
var openAPI []byte

const base = "/api/contact/v1"

// Routes is the whole API surface of the contact service.
func Routes(s *service.Service) []Route {
	orgs, ppl := partyRoutes(s.Organisations, "organizations"), partyRoutes(s.People, "people")
	rs := append(orgs, ppl...)
	return append(rs,
		Route{"POST", base + "/interactions", "log_interaction", loggers, decodeInteraction, logInteraction(s), nil},
		Route{"GET", base + "/interactions", "list_interactions", readers, decodeInteractionList, listInteractions(s), nil},
		Route{"GET", base + "/interactions/{id}", "get_interaction", readers, decodeID, getInteraction(s), nil},
		Route{"PATCH", base + "/interactions/{id}", "correct_interaction", correctors, decodeInteractionPatch, correctInteraction(s), nil},
		Route{"DELETE", base + "/interactions/{id}", "delete_interaction", correctors, decodeDelete, deleteInteraction(s), nil},
		Route{"POST", base + "/handovers", "hand_over", leaders, decodeHandover, handOver(s), nil},
		Route{"GET", base + "/handovers", "list_handovers", overseers, decodeHandoverList, listHandovers(s), nil},
		Route{"GET", base + "/handovers/{id}", "get_handover", overseers, decodeID, getHandover(s), nil},
		Route{"GET", base + "/activity", "staff_activity", overseers, decodeActivity, activity(s), nil},
		Route{"GET", base + "/field-definitions", "field_definitions", readers, decodeNone, fieldDefinitions(s), nil},
		Route{"PUT", base + "/field-definitions", "define_fields", admins, decodeDefineFields, defineFields(s), nil},
		Route{"GET", base + "/field-definitions/versions", "field_versions", readers, decodeFieldVersions, fieldVersions(s), nil},
		Route{"POST", base + "/segments", "create_segment", readers, decodeSegment, createSegment(s), nil},
		Route{"GET", base + "/segments", "list_segments", readers, decodeSegmentList, listSegments(s), nil},
		Route{"GET", base + "/segments/{id}", "get_segment", readers, decodeID, getSegment(s), nil},
		Route{"DELETE", base + "/segments/{id}", "delete_segment", readers, decodeID, deleteSegment(s), nil},
		Route{"GET", base + "/segments/{id}/export", "export_segment", readers, decodeExport, exportSegment(s), nil},
		Route{"POST", base + "/imports", "create_import", writers, decodeUpload, upload(s), nil},
		Route{"POST", base + "/imports/preview", "preview_import", writers, decodePreview, preview(s), nil},
		Route{"GET", base + "/imports", "list_imports", readers, decodeImportList, listImports(s), nil},
		Route{"GET", base + "/imports/{id}", "get_import", readers, decodeID, getImport(s), nil},
		Route{"GET", base + "/imports/{id}/problems", "import_problems", readers, decodeProblems, importProblems(s), nil},
		Route{"POST", base + "/imports/{id}/undo", "undo_import", undoers, decodeID, undoImport(s), nil},
	)
}

// partyRoutes are the routes shared by organisations and people.
func partyRoutes[T any](p *service.Parties[T], plural string) []Route {
	b := base + "/" + plural
	return []Route{
		{"POST", b, "create_" + plural, writers, decodeCreate[T], create(p), nil},
		{"GET", b, "search_" + plural, readers, decodeSearch, search(p), nil},
		{"GET", b + "/export", "export_" + plural, readers, decodeExport, exportParties(p), nil},
		{"POST", b + "/bulk-changes", "bulk_change_" + plural, writers, decodeBulk, bulk(p), nil},
		{"GET", b + "/{id}", "get_" + plural, readers, decodeID, get(p), nil},
		{"PATCH", b + "/{id}", "update_" + plural, writers, decodePatch, patch(p), nil},
		{"DELETE", b + "/{id}", "delete_" + plural, deleters, decodeDelete, del(p), nil},
		{"POST", b + "/{id}/merge", "merge_" + plural, writers, decodeMerge, merge(p), nil},
		{"POST", b + "/{id}/owner", "reassign_" + plural, owners, decodeReassign, reassign(p), nil},
		{"POST", b + "/{id}/restore", "restore_" + plural, restorers, decodeRestore, restore(p), nil},
		{"GET", b + "/{id}/care", "care_" + plural, readers, decodeID, care(p), nil},
		{"GET", b + "/{id}/history", "history_" + plural, readers, decodeHistory, history(p), nil},
		{"GET", b + "/{id}/timeline", "timeline_" + plural, readers, decodeTimeline, timeline(p), nil},
	}
}

// creates are the routes that make a record each time they run, so that a
// retry would make a second: they honour Idempotency-Key. An upload is
// one too, although a second upload of the same file is refused anyway: the
// retry gets the first job rather than a 409 naming it.
var creates = []string{"create_organizations", "create_people", "log_interaction", "hand_over", "create_segment", "create_import"}

// Handler mounts every route with auth, tracing and problem+json errors.
func Handler(s *service.Service, v *auth.Verifier, log *slog.Logger, tp trace.TracerProvider) http.Handler {
	mux := http.NewServeMux()
	tracer := tp.Tracer("contact")
	opts := httpapi.ServerOptions(v, log, mapError)
	encode := encodeDownload(log)
	idem := &httpapi.Idempotency{Keys: &httpapi.IdempotencyKeys{Pool: s.Pool}, Auth: v, Now: s.Clock.Now, Log: log}
	for _, r := range Routes(s) {
		ep := auth.Require(r.Roles...)(r.Endpoint)
		ep = httpapi.Trace(tracer, "contact."+r.Name)(ep)
		enc := r.Encode
		if enc == nil {
			enc = encode
		}
		var h http.Handler = kithttp.NewServer(ep, httpapi.Guard(r.Roles, r.Decode), enc, opts...)
		if slices.Contains(creates, r.Name) {
			h = idem.Wrap(h)
		}
		mux.Handle(r.Method+" "+r.Path, h)
	}
	mux.HandleFunc("GET /api/contact/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
	return mux
}

// mapError maps the domain's errors to problems, once.
func mapError(err error) *problem.Problem {
	var verr *party.ValidationError
	var dup *service.DuplicateError
	var stale *service.StaleError
	var inUse *service.InUseError
	var merged *service.MergedError
	var conflict *party.ConflictError
	var denied *ownership.DeniedError
	switch {
	case errors.As(err, &denied) && denied.Action == ownership.UndoImport:
		// Named as the job names its uploader.
		return problem.Forbidden(denied.Error()).With("created_by", denied.OwnerID)
	case errors.As(err, &denied) && denied.Action == ownership.Credit:
		return problem.Forbidden(denied.Error()).With("staff_id", denied.OwnerID)
	case errors.As(err, &denied) && denied.Action == ownership.Correct:
		return problem.Forbidden(denied.Error()).With("logged_by", denied.LoggedBy).With("staff_id", denied.OwnerID)
	case errors.As(err, &denied):
		p := problem.Forbidden(denied.Error()).With("owner_id", denied.OwnerID)
		if denied.Action == ownership.Restore {
			p = p.With("deleted_by", denied.DeletedBy)
		}
		return p
	case errors.As(err, &verr):
		fields := make([]problem.FieldError, len(verr.Fields))
		for i, f := range verr.Fields {
			fields[i] = problem.FieldError{Field: f.Field, Message: f.Message}
		}
		return problem.Invalid("the "+verr.Subject()+" is not valid", fields...)
	case errors.As(err, &dup):
		return duplicateProblem(dup)
	case errors.As(err, &stale):
		return problem.PreconditionFailed("the record changed since the version If-Match names: GET it again and make the change on what it holds now").
			With("etag", httpapi.ETag(stale.Version))
	case errors.As(err, &inUse):
		return problem.Conflict("stored organisations hold values, or saved segments list gaps, that the new definitions refuse: "+
			"change or clear those values, or delete those segments, first").
			With("in_use", inUse.Fields)
	case errors.As(err, &merged):
		return mergedProblem(merged)
	case errors.As(err, &conflict):
		return mergeConflictProblem(conflict)
	case errors.Is(err, party.ErrSelfMerge):
		return problem.Invalid("a party cannot be merged into itself", problem.FieldError{Field: "merged_id", Message: "must name another party"})
	case errors.Is(err, store.ErrCursorGone):
		return problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "ends on a record no longer in this list " +
			"(merged or deleted since, or its dates no longer within the window), so where the list goes on is unknown: start again without a cursor"})
	case errors.Is(err, store.ErrNotFound):
		return problem.NotFound("no such record")
	case postgres.LockTimedOut(err):
		return problem.Busy(fmt.Sprintf("this customer is being changed by another operation (a hand-over or a bulk change?) "+
			"that held it for more than %s; try again in a moment", service.LockWait))
	}
	return nil
}

func decodeNone(context.Context, *http.Request) (any, error) { return nil, nil }

// mergedProblem is the 409 of a write through the old id of a merged party:
// it names the survivor, and how to act on it if that is what was meant.
func mergedProblem(e *service.MergedError) *problem.Problem {
	what := "the record " + e.ID
	if e.Field != "" {
		what = e.Field + " " + e.ID
	}
	how := e.Action + " it by that id if that is what you mean"
	if e.Action == "change" || e.Action == "merge into" {
		how += ", or send If-Match with the ETag it has, read through this id"
	}
	p := problem.Conflict(fmt.Sprintf("%s was merged into %s: %s", what, e.SurvivorID, how)).With("survivor_id", e.SurvivorID)
	if e.Field != "" {
		p.Errors = []problem.FieldError{{Field: e.Field, Message: "was merged into " + e.SurvivorID}}
	}
	return p
}

// mergeConflictProblem is the 409 of a merge the caller did not decide:
// both parties hold a single value differently, and only one can stay.
// conflicts lists each with both values; its own type tells a client to
// show the choice rather than a generic conflict.
func mergeConflictProblem(e *party.ConflictError) *problem.Problem {
	var fields []string
	forced := ""
	for _, c := range e.Conflicts {
		if c.Field == "force_reason" {
			forced = "; force_reason: one of them was created on purpose beside a record it matched, for the reason shown, " +
				"and a merge cannot be taken back"
			continue
		}
		fields = append(fields, c.Field)
	}
	detail := "the two parties hold different values of " + strings.Join(fields, ", ") + " and only one of each can stay"
	if len(fields) == 0 {
		detail = "the merge needs a decision"
	}
	p := problem.Conflict(detail+forced+": "+
		`name each in keep with "survivor" or "merged" and send the merge again; nothing was merged`).
		With("conflicts", namedConflicts(e))
	p.Type = "https://rapport.dev/problems/merge-conflict"
	return p
}

// mergeConflict is a conflict as a merge-conflict problem lists it: a
// conflict on a link names the parties either side links to.
type mergeConflict struct {
	party.Conflict
	SurvivorName string `json:"survivor_name,omitempty"`
	MergedName   string `json:"merged_name,omitempty"`
}

func namedConflicts(e *party.ConflictError) []mergeConflict {
	out := make([]mergeConflict, len(e.Conflicts))
	for i, c := range e.Conflicts {
		out[i].Conflict = c
		if !slices.Contains(party.LinkConflictFields, c.Field) {
			continue
		}
		if s, ok := c.Survivor.(string); ok {
			out[i].SurvivorName = e.Names[s]
		}
		if m, ok := c.Merged.(string); ok {
			out[i].MergedName = e.Names[m]
		}
	}
	return out
}
