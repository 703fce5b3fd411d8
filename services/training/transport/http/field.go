package http

import (
	"context"
	"net/http"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// Handlers of what is read back from a course's field work, and of its
// follow-up tasks' completion and reopening.

// decodeOptional decodes a body that may be left out altogether.
func decodeOptional(r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(r, dst)
}

// items answers a whole list: a course's reports and attendance are bounded
// by its sessions and units, so they are not paged.
func items[T any](list []T, err error) (any, error) {
	if list == nil {
		list = []T{}
	}
	return whole[T]{list}, err
}

func (a api) sessionAttendance(ctx context.Context, r *http.Request) (any, error) {
	if err := problem.KnownParams(r.URL.Query()); err != nil {
		return nil, err
	}
	return items(a.svc.Attendance(ctx, r.PathValue("id"), r.PathValue("sid")))
}

func (a api) courseAttendance(ctx context.Context, r *http.Request) (any, error) {
	if err := problem.KnownParams(r.URL.Query()); err != nil {
		return nil, err
	}
	return items(a.svc.Attendance(ctx, r.PathValue("id"), ""))
}

func (a api) sessionReports(ctx context.Context, r *http.Request) (any, error) {
	if err := problem.KnownParams(r.URL.Query()); err != nil {
		return nil, err
	}
	return items(a.svc.Reports(ctx, r.PathValue("id"), r.PathValue("sid")))
}

func (a api) courseReports(ctx context.Context, r *http.Request) (any, error) {
	if err := problem.KnownParams(r.URL.Query()); err != nil {
		return nil, err
	}
	return items(a.svc.Reports(ctx, r.PathValue("id"), ""))
}

func (a api) completeTask(ctx context.Context, r *http.Request) (any, error) {
	var in noteInput
	if err := decodeOptional(r, &in); err != nil {
		return nil, err
	}
	return a.svc.CompleteTask(ctx, actor(ctx), r.PathValue("id"), in.Note)
}

func (a api) reopenTask(ctx context.Context, r *http.Request) (any, error) {
	var in reasonInput
	if err := decodeOptional(r, &in); err != nil {
		return nil, err
	}
	return a.svc.ReopenTask(ctx, actor(ctx), r.PathValue("id"), in.Reason)
}
