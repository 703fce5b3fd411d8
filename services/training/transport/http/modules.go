package http

import (
	"context"
	"net/http"

	"github.com/rapportcrm/rapport/pkg/page"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/store"
)

// moduleJSON is a module with the lead-time rule its requests are held to:
// lead_days is only the module's own override (0: none), so a screen that
// showed it alone would promise a payroll module no lead time at all.
type moduleJSON struct {
	store.ModuleRow
	LeadRule         string `json:"lead_rule"`          // standard, payroll or module
	RequiredLeadDays int    `json:"required_lead_days"` // days before the first session the rule requires
}

func moduleOut(m store.ModuleRow) moduleJSON {
	rule, days := course.Module{Code: m.Code, Name: m.Name, Payroll: m.Payroll, LeadDays: m.LeadDays}.LeadRule()
	return moduleJSON{ModuleRow: m, LeadRule: rule, RequiredLeadDays: days}
}

func (a api) listModules(ctx context.Context, r *http.Request) (any, error) {
	ms, err := store.Modules(ctx, a.svc.Pool())
	if err != nil {
		return nil, err
	}
	out := make([]moduleJSON, len(ms))
	for i, m := range ms {
		out[i] = moduleOut(m)
	}
	return page.Page[moduleJSON]{Items: out}, nil
}

func (a api) putModule(ctx context.Context, r *http.Request) (any, error) {
	var in moduleInput
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	m := store.ModuleRow{Code: r.PathValue("code"), Name: in.Name, Payroll: in.Payroll, LeadDays: in.LeadDays}
	if err := (course.Module{Code: m.Code, Name: m.Name, Payroll: m.Payroll, LeadDays: m.LeadDays}).Validate(); err != nil {
		return nil, err
	}
	if err := store.PutModule(ctx, a.svc.Pool(), m, false); err != nil {
		return nil, err
	}
	return moduleOut(m), nil
}
