package http

import (
	"context"
	"net/http"

	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/desklog"
)

// deskEntry reads a desk-log entry's body, for writing and correcting it.
func deskEntry(r *http.Request) (desklog.Entry, error) {
	var in deskInput
	if err := decode(r, &in); err != nil {
		return desklog.Entry{}, err
	}
	e := desklog.Entry{Kind: in.Kind, Day: calendar.Date(in.Day), Backlog: in.Backlog, Difficulties: in.Difficulties, Proposals: in.Proposals}
	for _, w := range in.Workload {
		e.Workload = append(e.Workload, desklog.Workload{Activity: w.Activity, Count: w.Count, Note: w.Note})
	}
	for _, h := range in.HandedOver {
		e.HandedOver = append(e.HandedOver, desklog.Handover{Department: h.Department, Units: h.Units})
	}
	return e, nil
}

// correctDesk is the author correcting an entry (service.CorrectDesk).
func (a api) correctDesk(ctx context.Context, r *http.Request) (any, error) {
	e, err := deskEntry(r)
	if err != nil {
		return nil, err
	}
	return a.svc.CorrectDesk(ctx, actor(ctx), r.PathValue("id"), e)
}

// deskRevisions answers an entry's earlier versions (service.DeskRevisions).
func (a api) deskRevisions(ctx context.Context, r *http.Request) (any, error) {
	return items(a.svc.DeskRevisions(ctx, actor(ctx), r.PathValue("id")))
}
