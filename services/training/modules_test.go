package training_test

import (
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
)

type moduleOf struct {
	Code             string `json:"code"`
	LeadDays         int    `json:"lead_days"`
	LeadRule         string `json:"lead_rule"`
	RequiredLeadDays int    `json:"required_lead_days"`
}

// The module list answers the lead time each module's requests are held
// to, not only the module's own override: the payroll modules need 30
// days although they set none.
func TestEachModuleSaysTheLeadTimeItsRequestsNeed(t *testing.T) {
	f := start(t)
	var put moduleOf
	f.ok(f.do(auth.Admin, "PUT", "/modules/trien-khai-nhanh", map[string]any{"name": "Triển khai nhanh", "lead_days": 5}), 200, &put)
	if put.LeadRule != "module" || put.RequiredLeadDays != 5 {
		t.Errorf("PUT answers %+v, want the module's own 5 days", put)
	}
	var list struct {
		Items []moduleOf `json:"items"`
	}
	f.ok(f.do(auth.Sales, "GET", "/modules", nil), 200, &list)
	want := map[string]moduleOf{
		"tinh-luong":       {Code: "tinh-luong", LeadDays: 0, LeadRule: "payroll", RequiredLeadDays: 30},
		"dt-luong":         {Code: "dt-luong", LeadDays: 0, LeadRule: "payroll", RequiredLeadDays: 30},
		"ke-toan":          {Code: "ke-toan", LeadDays: 0, LeadRule: "standard", RequiredLeadDays: 10},
		"trien-khai-nhanh": {Code: "trien-khai-nhanh", LeadDays: 5, LeadRule: "module", RequiredLeadDays: 5},
	}
	for _, m := range list.Items {
		if w, ok := want[m.Code]; ok && m != w {
			t.Errorf("%s: %+v, want %+v", m.Code, m, w)
		}
		delete(want, m.Code)
	}
	if len(want) != 0 {
		t.Errorf("modules missing from the list: %v", want)
	}
}
