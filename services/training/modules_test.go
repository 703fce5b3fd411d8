package training_test

import (
	"net/url"
	"strings"
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

// A module code is a slug (course.Module.Validate): a display name, a lead
// time over a year or two mistakes at once are 422s, each on its field.
func TestAModuleCodeIsASlugAndEachProblemIsOnItsField(t *testing.T) {
	f := start(t)
	p := f.problem(f.do(auth.Admin, "PUT", "/modules/"+url.PathEscape("Kế toán"), map[string]any{"name": "Kế toán"}), 422)
	if fieldErrors(p)["code"] == "" {
		t.Errorf("a display name as code: %v", p)
	}
	p = f.problem(f.do(auth.Admin, "PUT", "/modules/ke-toan-2", map[string]any{"name": "Kế toán 2", "lead_days": 400}), 422)
	if !strings.Contains(fieldErrors(p)["lead_days"], "at most 365") {
		t.Errorf("lead_days 400: %v", p)
	}
	p = f.problem(f.do(auth.Admin, "PUT", "/modules/ke-toan-2", map[string]any{"name": "", "lead_days": -1}), 422)
	if fe := fieldErrors(p); fe["name"] == "" || fe["lead_days"] == "" {
		t.Errorf("two problems, not two fields: %v", p)
	}
	f.ok(f.do(auth.Admin, "PUT", "/modules/ke-toan-2", map[string]any{"name": "Kế toán 2", "lead_days": 365}), 200, nil)
}
