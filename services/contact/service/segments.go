package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// SegmentView is a saved filter with how many parties it selects now.
type SegmentView struct {
	store.Segment
	Filter Query `json:"filter"`
	Count  int64 `json:"count"`
}

// CreateSegment saves a named filter over organisations or people.
func (s *Service) CreateSegment(ctx context.Context, name, resource string, q Query) (SegmentView, error) {
	var fields []problem.FieldError
	if strings.TrimSpace(name) == "" {
		fields = append(fields, problem.FieldError{Field: "name", Message: "is required"})
	}
	if resource != "organizations" && resource != "people" {
		fields = append(fields, problem.FieldError{Field: "resource", Message: "must be organizations or people"})
	}
	f, _ := json.Marshal(q)
	seg := store.Segment{ID: event.NewID().String(), Name: strings.TrimSpace(name), Resource: resource, Filter: f, CreatedBy: Actor(ctx), CreatedAt: s.now()}
	// A segment naming a custom field holds the fields while it is saved:
	// a change of the fields sees it, and keeps the field it names.
	err := postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		invalid := slices.Clone(fields)
		if _, err := s.filter(ctx, tx, segmentType(resource), q, store.WriteUnderFields, s.today()); err != nil {
			var bad *problem.Problem
			if !errors.As(err, &bad) {
				return err
			}
			for _, f := range bad.Errors {
				invalid = append(invalid, problem.FieldError{Field: "filter." + f.Field, Message: f.Message})
			}
		}
		if len(invalid) > 0 {
			return problem.Invalid("the segment is not valid", invalid...)
		}
		// The list is shared by the whole team: two segments named alike
		// ("Sinh nhật tuần này", "sinh nhat tuan nay") cannot be told apart.
		if id, found, err := store.SegmentNamed(ctx, tx, resource, seg.Name); err != nil || found {
			if err != nil {
				return err
			}
			return problem.Conflict(fmt.Sprintf("a segment of %s is already named so (%s): choose another name, or delete that one first", resource, id)).
				With("segment_id", id)
		}
		return store.InsertSegment(ctx, tx, seg)
	})
	if err != nil {
		return SegmentView{}, err
	}
	return s.view(ctx, seg)
}

// savedQuery loads a saved segment and the query it saved.
func (s *Service) savedQuery(ctx context.Context, id string) (store.Segment, Query, error) {
	var q Query
	seg, err := store.GetSegment(ctx, s.Pool, id)
	if err != nil {
		return seg, q, err
	}
	if err := json.Unmarshal(seg.Filter, &q); err != nil {
		return seg, q, fmt.Errorf("segment %s: filter: %w", id, err)
	}
	return seg, q, nil
}

func (s *Service) view(ctx context.Context, seg store.Segment) (SegmentView, error) {
	v := SegmentView{Segment: seg}
	if err := json.Unmarshal(seg.Filter, &v.Filter); err != nil {
		return v, err
	}
	t := segmentType(seg.Resource)
	f, err := s.filter(ctx, s.Pool, t, v.Filter, store.ReadFields, s.today())
	if err != nil {
		return v, err
	}
	v.Count, err = store.Count(ctx, s.Pool, t, f)
	return v, err
}

// segmentType is the table of a segment's resource.
func segmentType(resource string) store.Type {
	if resource == "people" {
		return store.Person
	}
	return store.Organization
}

// Segment returns a segment with its current count.
func (s *Service) Segment(ctx context.Context, id string) (SegmentView, error) {
	seg, err := store.GetSegment(ctx, s.Pool, id)
	if err != nil {
		return SegmentView{}, err
	}
	return s.view(ctx, seg)
}

// Segments lists up to limit segments by name after position, those of
// resource ("organizations" or "people") only unless it is "", each with its
// current count. Paging bounds the counts one request runs.
func (s *Service) Segments(ctx context.Context, after store.SegmentPosition, resource string, limit int) ([]SegmentView, error) {
	if resource != "" && resource != "organizations" && resource != "people" {
		return nil, problem.Invalid("bad filter", problem.FieldError{Field: "resource", Message: "must be organizations or people"})
	}
	segs, err := store.ListSegments(ctx, s.Pool, after, resource, limit)
	if err != nil {
		return nil, err
	}
	out := make([]SegmentView, 0, len(segs))
	for _, seg := range segs {
		v, err := s.view(ctx, seg)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// DeleteSegment removes a segment. Segments are shared by the whole team,
// so only the staff member who saved one, a manager or an admin removes it.
func (s *Service) DeleteSegment(ctx context.Context, id string) error {
	return postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		seg, err := store.GetSegment(ctx, tx, id)
		if err != nil {
			return err
		}
		if seg.CreatedBy != Actor(ctx) {
			if err := auth.Check(ctx, auth.Manager); err != nil {
				return problem.Forbidden(fmt.Sprintf("the segment %q was saved by %s: only they, a manager or an admin may delete it", seg.Name, seg.CreatedBy))
			}
		}
		return store.DeleteSegment(ctx, tx, id)
	})
}
