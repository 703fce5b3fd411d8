package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/go-kit/kit/endpoint"

	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
	"github.com/rapportcrm/rapport/services/contact/store"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func decodeInteraction(_ context.Context, r *http.Request) (any, error) {
	var in service.InteractionInput
	return in, problem.DecodeJSON(nil, r, &in, bodyLimit)
}

func logInteraction(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		it, err := s.LogInteraction(ctx, req.(service.InteractionInput))
		if err != nil {
			return nil, err
		}
		return httpapi.Tagged{Body: it, Version: it.Version, Status: http.StatusCreated}, nil
	}
}

func getInteraction(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		it, err := s.Interaction(ctx, req.(idRequest).ID)
		return httpapi.Tagged{Body: it, Version: it.Version}, err
	}
}

type interactionPatch struct {
	ID    string
	Patch map[string]json.RawMessage
	Pre   service.Precondition
}

func decodeInteractionPatch(_ context.Context, r *http.Request) (any, error) {
	var req interactionPatch
	var err error
	if req.ID, req.Pre, err = writeTarget(r); err != nil {
		return nil, err
	}
	return req, problem.DecodeJSON(nil, r, &req.Patch, bodyLimit)
}

func correctInteraction(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(interactionPatch)
		it, err := s.CorrectInteraction(ctx, in.ID, in.Patch, in.Pre)
		return httpapi.Tagged{Body: it, Version: it.Version}, err
	}
}

func deleteInteraction(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(deleteRequest)
		return nil, s.DeleteInteraction(ctx, in.ID, in.Pre)
	}
}

type interactionList struct {
	PartyID string
	Page    page.Request
	Pos     timelinePos // newest first, like the timeline
}

func decodeInteractionList(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	in := interactionList{PartyID: q.Get("party_id"), Pos: newest}
	pr, err := page.FromRequest(r, &in.Pos, "party_id")
	if err != nil {
		return nil, err
	}
	switch {
	case in.PartyID == "":
		return nil, problem.Invalid("which party?", problem.FieldError{Field: "party_id", Message: "is required: the id of an organisation or person"})
	case !party.ValidID(in.PartyID):
		return nil, problem.Invalid("which party?", problem.FieldError{Field: "party_id", Message: "is not an id: it must be the id of an organisation or person"})
	}
	in.Page = pr
	return in, nil
}

func listInteractions(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(interactionList)
		items, err := s.Interactions(ctx, in.PartyID, in.Pos.At, in.Pos.ID, in.Page.Limit+1)
		if err != nil {
			return nil, err
		}
		return page.Of(items, in.Page, func(i store.Interaction) any { return timelinePos{At: i.OccurredAt, ID: i.ID} }), nil
	}
}

type handoverRequest struct {
	FromOwnerID string `json:"from_owner_id"`
	ToOwnerID   string `json:"to_owner_id"`
	Reason      string `json:"reason"`
}

func decodeHandover(_ context.Context, r *http.Request) (any, error) {
	var in handoverRequest
	return in, problem.DecodeJSON(nil, r, &in, bodyLimit)
}

// handOver answers 201 with the hand-over recorded, which Location names.
func handOver(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(handoverRequest)
		h, err := s.HandOver(ctx, in.FromOwnerID, in.ToOwnerID, in.Reason)
		if err != nil {
			return nil, err
		}
		return located{Body: h, Location: base + "/handovers/" + h.ID}, nil
	}
}

// located is a 201 answer naming the record it created in Location.
type located struct {
	Body     any
	Location string
}

// StatusCode is 201.
func (located) StatusCode() int { return http.StatusCreated }

// Headers sets Location.
func (l located) Headers() http.Header { return http.Header{"Location": {l.Location}} }

// MarshalJSON encodes the body.
func (l located) MarshalJSON() ([]byte, error) { return httpapi.Marshal(l.Body) }

type handoverList struct {
	Before store.HandoverPosition
	Page   page.Request
}

func decodeHandoverList(_ context.Context, r *http.Request) (any, error) {
	in := handoverList{Before: store.HandoverPosition(newest)}
	pr, err := page.FromRequest(r, &in.Before)
	in.Page = pr
	return in, err
}

// listHandovers pages the hand-overs, newest first.
func listHandovers(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(handoverList)
		items, err := s.Handovers(ctx, in.Before, in.Page.Limit+1)
		if err != nil {
			return nil, err
		}
		return page.Of(items, in.Page, func(h store.Handover) any { return store.HandoverPosition{At: h.HandedOverAt, ID: h.ID} }), nil
	}
}

func getHandover(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) { return s.Handover(ctx, req.(idRequest).ID) }
}

type segmentRequest struct {
	Name      string          `json:"name"`
	Resource  string          `json:"resource"`
	RawFilter json.RawMessage `json:"filter"`
	Filter    service.Query   `json:"-"`
}

func decodeSegment(_ context.Context, r *http.Request) (any, error) {
	var in segmentRequest
	if err := problem.DecodeJSON(nil, r, &in, bodyLimit); err != nil {
		return nil, err
	}
	q, err := filterFromJSON(in.RawFilter)
	if q != nil {
		in.Filter = *q
	}
	return in, err
}

func createSegment(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(segmentRequest)
		v, err := s.CreateSegment(ctx, in.Name, strings.TrimSpace(in.Resource), in.Filter)
		if err != nil {
			return nil, err
		}
		return httpapi.Created{Body: v}, nil
	}
}

type segmentList struct {
	After    store.SegmentPosition
	Resource string
	Page     page.Request
}

func decodeSegmentList(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	req := segmentList{Resource: q.Get("resource")}
	pr, err := page.FromRequest(r, &req.After, "resource")
	if err == nil && pr.Cursor != "" && !party.ValidID(req.After.ID) {
		err = problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "is not a cursor this API returned"})
	}
	req.Page = pr
	return req, err
}

func listSegments(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(segmentList)
		items, err := s.Segments(ctx, in.After, in.Resource, in.Page.Limit+1)
		if err != nil {
			return nil, err
		}
		return page.Of(items, in.Page, func(last service.SegmentView) any {
			return store.SegmentPosition{ID: last.ID}
		}), nil
	}
}

func getSegment(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) { return s.Segment(ctx, req.(idRequest).ID) }
}

func deleteSegment(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) { return nil, s.DeleteSegment(ctx, req.(idRequest).ID) }
}

// fieldDefinitions answers the custom fields of each organisation kind, so
// a client can build its forms and import mappings from them.
func fieldDefinitions(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, _ any) (any, error) {
		f, err := s.FieldDefinitions(ctx)
		return httpapi.Tagged{Body: f.Schema, Version: f.Version}, err
	}
}

type fieldVersionsRequest struct {
	Before int64
	Page   page.Request
}

func decodeFieldVersions(_ context.Context, r *http.Request) (any, error) {
	req := fieldVersionsRequest{Before: math.MaxInt64}
	pr, err := page.FromRequest(r, &req.Before)
	req.Page = pr
	return req, err
}

func fieldVersions(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(fieldVersionsRequest)
		vs, err := s.FieldVersions(ctx, in.Before, in.Page.Limit+1)
		if err != nil {
			return nil, err
		}
		return page.Of(vs, in.Page, func(last service.FieldVersion) any { return last.Version }), nil
	}
}

type defineFieldsRequest struct {
	Schema party.CustomFieldSchema
	Pre    service.Precondition
}

// decodeDefineFields reads the whole new schema, kind by kind as GET
// answers it, and the version it was made on from If-Match.
func decodeDefineFields(_ context.Context, r *http.Request) (any, error) {
	m, err := httpapi.ParseIfMatch(r)
	if err != nil {
		return nil, err
	}
	req := defineFieldsRequest{Pre: m.Allows}
	if err := problem.DecodeJSON(nil, r, &req.Schema, bodyLimit); err != nil {
		return nil, err
	}
	if req.Schema == nil { // null: send {} to define no field at all
		return nil, problem.Invalid("no schema", problem.FieldError{Field: "(body)", Message: "must be an object of kinds; {} defines no field"})
	}
	return req, nil
}

func defineFields(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(defineFieldsRequest)
		f, err := s.DefineFields(ctx, in.Schema, in.Pre)
		return httpapi.Tagged{Body: f.Schema, Version: f.Version}, err
	}
}

type activityRequest struct{ From, To party.Date }

// decodeActivity reads the optional from and to days of the report.
func decodeActivity(_ context.Context, r *http.Request) (any, error) {
	q := r.URL.Query()
	if err := problem.KnownParams(q, "from", "to"); err != nil {
		return nil, err
	}
	var in activityRequest
	var bad []problem.FieldError
	for name, d := range map[string]*party.Date{"from": &in.From, "to": &in.To} {
		if v := q.Get(name); v != "" {
			var err error
			if *d, err = party.ParseDate(v); err != nil {
				bad = append(bad, problem.FieldError{Field: name, Message: err.Error()})
			}
		}
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b problem.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return nil, problem.Invalid("the window is not valid", bad...)
	}
	return in, nil
}

func activity(s *service.Service) endpoint.Endpoint {
	return func(ctx context.Context, req any) (any, error) {
		in := req.(activityRequest)
		return s.Activity(ctx, in.From, in.To)
	}
}
