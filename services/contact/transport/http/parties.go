package http

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-kit/kit/endpoint"

	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
	"github.com/rapportcrm/rapport/services/contact/store"
)

const bodyLimit = 256 << 10

// createRequest is a new party plus the duplicate override.
type createRequest[T any] struct {
	Party       T
	Force       bool
	ForceReason string
}

func decodeCreate[T any](_ context.Context, r *http.Request) (any, error) {
	var body map[string]json.RawMessage
	if err := problem.DecodeJSON(nil, r, &body, bodyLimit); err != nil {
		return nil, err
	}
	var req createRequest[T]
	if err := takeForce(body, &req.Force, &req.ForceReason); err != nil {
		return nil, err
	}
	for _, f := range service.ReadOnlyFields {
		if _, ok := body[f]; ok {
			return nil, problem.Invalid("read-only field", problem.FieldError{Field: f, Message: "is set by the service"})
		}
	}
	rest, _ := json.Marshal(body)
	return req, problem.Decode(bytesReader(rest), &req.Party, bodyLimit)
}

func create[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(createRequest[T])
		v, err := p.Create(ctx, in.Party, in.Force, in.ForceReason)
		if err != nil {
			return nil, err
		}
		return httpapi.Tagged{Body: v, Version: 1, Status: http.StatusCreated}, nil
	}
}

type idRequest struct{ ID string }

func decodeID(_ context.Context, r *http.Request) (any, error) {
	return idRequest{ID: r.PathValue("id")}, validID(r.PathValue("id"))
}

func validID(id string) error {
	if !party.ValidID(id) {
		return problem.NotFound("no such record")
	}
	return nil
}

func get[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		v, err := p.Get(ctx, req.(idRequest).ID)
		return httpapi.Tagged{Body: v.Party, Version: v.Meta.Version}, err
	}
}

// patchRequest is a merge patch plus the duplicate override, as a
// create's.
type patchRequest struct {
	ID          string
	Patch       map[string]json.RawMessage
	Pre         service.Precondition
	Force       bool
	ForceReason string
}

func decodePatch(_ context.Context, r *http.Request) (any, error) {
	id, pre, err := writeTarget(r)
	if err != nil {
		return nil, err
	}
	req := patchRequest{ID: id, Pre: pre}
	if err := problem.DecodeJSON(nil, r, &req.Patch, bodyLimit); err != nil {
		return nil, err
	}
	return req, takeForce(req.Patch, &req.Force, &req.ForceReason)
}

func patch[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(patchRequest)
		v, err := p.Patch(ctx, in.ID, in.Patch, in.Pre, in.Force, in.ForceReason)
		return httpapi.Tagged{Body: v.Party, Version: v.Meta.Version}, err
	}
}

// writeTarget reads the id of the record a write (PATCH, DELETE, merge,
// owner change) changes and, from If-Match, the versions the client
// allows: a write of a record changed since the client read it is refused.
// Without If-Match the precondition is nil, which the service reads as
// "the client did not say which record it read".
func writeTarget(r *http.Request) (string, service.Precondition, error) {
	id := r.PathValue("id")
	if err := validID(id); err != nil {
		return id, nil, err
	}
	m, err := httpapi.ParseIfMatch(r)
	if err != nil || !m.Given() {
		return id, nil, err
	}
	return id, m.Allows, nil
}

type deleteRequest struct {
	ID  string
	Pre service.Precondition
}

func decodeDelete(_ context.Context, r *http.Request) (any, error) {
	id, pre, err := writeTarget(r)
	return deleteRequest{ID: id, Pre: pre}, err
}

func del[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(deleteRequest)
		return nil, p.Delete(ctx, in.ID, in.Pre)
	}
}

type mergeRequest struct {
	ID       string               `json:"-"`
	Pre      service.Precondition `json:"-"`
	MergedID string               `json:"merged_id"`
	// Keep decides the conflicts of the merge, by field; checked by the
	// party rules, which know the fields.
	Keep party.Keep `json:"keep,omitempty"`
}

func decodeMerge(_ context.Context, r *http.Request) (any, error) {
	var req mergeRequest
	var err error
	if req.ID, req.Pre, err = writeTarget(r); err != nil {
		return nil, err
	}
	if err := problem.DecodeJSON(nil, r, &req, bodyLimit); err != nil {
		return nil, err
	}
	switch {
	case req.MergedID == "":
		return nil, problem.Invalid("nothing to merge", problem.FieldError{Field: "merged_id", Message: "is required"})
	case !party.ValidID(req.MergedID):
		return nil, problem.Invalid("nothing to merge", problem.FieldError{Field: "merged_id", Message: "is not an id"})
	}
	return req, nil
}

func merge[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(mergeRequest)
		v, err := p.Merge(ctx, in.ID, in.MergedID, in.Keep, in.Pre)
		return httpapi.Tagged{Body: v.Party, Version: v.Meta.Version}, err
	}
}

// bulkRequest is a bulk change whose filter is read as a list's query.
type bulkRequest struct {
	service.BulkChange
	Filter json.RawMessage `json:"filter,omitempty"` // shadows BulkChange's
}

func decodeBulk(_ context.Context, r *http.Request) (any, error) {
	var req bulkRequest
	if err := problem.DecodeJSON(nil, r, &req, bodyLimit); err != nil {
		return nil, err
	}
	var err error
	req.BulkChange.Filter, err = filterFromJSON(req.Filter)
	return req.BulkChange, err
}

func bulk[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		return p.Bulk(ctx, req.(service.BulkChange))
	}
}

type reassignRequest struct {
	ID      string               `json:"-"`
	Pre     service.Precondition `json:"-"`
	OwnerID string               `json:"owner_id"`
	Reason  string               `json:"reason"`
}

func decodeReassign(_ context.Context, r *http.Request) (any, error) {
	var req reassignRequest
	var err error
	if req.ID, req.Pre, err = writeTarget(r); err != nil {
		return nil, err
	}
	return req, problem.DecodeJSON(nil, r, &req, bodyLimit)
}

func reassign[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(reassignRequest)
		v, err := p.Reassign(ctx, in.ID, in.OwnerID, in.Reason, in.Pre)
		return httpapi.Tagged{Body: v.Party, Version: v.Meta.Version}, err
	}
}

type restoreRequest struct {
	ID     string `json:"-"`
	Reason string `json:"reason"`
	// Force restores it even though live parties created since share a
	// phone, email or tax code; ForceReason says why, and is kept as its
	// force_reason.
	Force       bool   `json:"force,omitempty"`
	ForceReason string `json:"force_reason,omitempty"`
}

func decodeRestore(_ context.Context, r *http.Request) (any, error) {
	req := restoreRequest{ID: r.PathValue("id")}
	if err := validID(req.ID); err != nil {
		return nil, err
	}
	return req, problem.DecodeJSON(nil, r, &req, bodyLimit)
}

func restore[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(restoreRequest)
		v, err := p.Restore(ctx, in.ID, in.Reason, in.Force, in.ForceReason)
		return httpapi.Tagged{Body: v.Party, Version: v.Meta.Version}, err
	}
}

func care[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) { return p.Care(ctx, req.(idRequest).ID) }
}

type searchRequest struct {
	Query service.Query
	Page  page.Request
	After *store.Position
}

func decodeSearch(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	after := &store.Position{}
	pr, err := page.FromRequest(r, after, filterParams...)
	if err != nil {
		return nil, err
	}
	query, err := queryFrom(q)
	if err != nil {
		return nil, err
	}
	req := searchRequest{Page: pr, Query: query}
	if pr.Cursor != "" {
		req.After = after
		// The cursor came from this query (paged), so these refuse only a
		// forged position, which would otherwise reach the SQL.
		if !party.ValidID(req.After.ID) || !pages(*req.After, query) {
			return nil, problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "is not a cursor this API returned for this list"})
		}
	}
	return req, nil
}

// pages reports whether a cursor at pos pages the list q asks for: the
// follow-ups due are listed by their day, which their cursor holds
// (dates_within wins when both are asked, and its cursor holds no day:
// the day of a birthday is read from the person), any other list by name;
// so a position of one does not page another. The cursor's fingerprint
// already refuses a cursor of another list; this refuses a forged
// position, whose day would otherwise reach the SQL.
func pages(pos store.Position, q service.Query) bool {
	if q.NextActionDue != "" && q.DatesWithin == 0 {
		return isDay(pos.Due)
	}
	return pos.Due == ""
}

// isDay reports whether s is a day written YYYY-MM-DD.
func isDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func search[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(searchRequest)
		items, pos, err := p.Search(ctx, in.Query, in.After, in.Page.Limit+1)
		if err != nil {
			return nil, err
		}
		idx := make([]int, len(items))
		for i := range idx {
			idx[i] = i
		}
		pg := page.Of(idx, in.Page, func(last int) any { return pos[last] })
		out := page.Page[T]{Items: items[:len(pg.Items)], NextCursor: pg.NextCursor}
		return out, nil
	}
}

type historyRequest struct {
	ID     string
	Fields string
	Query  store.HistoryQuery
	Page   page.Request
}

func decodeHistory(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	req := historyRequest{ID: r.PathValue("id"), Fields: q.Get("field"), Query: store.HistoryQuery{From: store.HistoryStart}}
	if err := validID(req.ID); err != nil {
		return nil, err
	}
	switch q.Get("order") {
	case "", "oldest":
	case "newest":
		req.Query.Newest = true
	default:
		return nil, problem.Invalid("bad history query", problem.FieldError{Field: "order", Message: "must be oldest (the default) or newest"})
	}
	pr, err := page.FromRequest(r, &req.Query.From, "order", "field")
	req.Query.Limit, req.Page = pr.Limit+1, pr
	return req, err
}

func history[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(historyRequest)
		rows, err := p.History(ctx, in.ID, in.Fields, in.Query)
		if err != nil {
			return nil, err
		}
		return page.Of(rows, in.Page, func(last store.HistoryEntry) any { return last.ID }), nil
	}
}

type timelinePos struct {
	At time.Time `json:"t"`
	ID string    `json:"i"`
}

// newest is where a newest-first list (timeline, interactions) starts.
var newest = timelinePos{At: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), ID: "~"}

type timelineRequest struct {
	ID         string
	WithPeople bool
	Page       page.Request
	Pos        timelinePos
}

func decodeTimeline(_ context.Context, r *http.Request) (any, error) {
	req := timelineRequest{ID: r.PathValue("id"), Pos: newest}
	if err := validID(req.ID); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	pr, err := page.FromRequest(r, &req.Pos, "with")
	if err != nil {
		return nil, err
	}
	switch q.Get("with") {
	case "people":
		req.WithPeople = true
	case "":
	default:
		return nil, problem.Invalid("bad timeline", problem.FieldError{Field: "with", Message: `must be "people": the people who work at the organisation`})
	}
	req.Page = pr
	return req, nil
}

func timeline[T any](p *service.Parties[T]) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(timelineRequest)
		rows, err := p.Timeline(ctx, in.ID, in.WithPeople, in.Pos.At, in.Pos.ID, in.Page.Limit+1)
		if err != nil {
			return nil, err
		}
		return page.Of(rows, in.Page, func(l store.TimelineEntry) any { return timelinePos{At: l.OccurredAt, ID: l.EventID} }), nil
	}
}
