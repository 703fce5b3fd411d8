package importing

import (
	"strings"
	"testing"
)

func TestACellNamesAnOrganisationByIdTaxCodeOrName(t *testing.T) {
	tests := []struct {
		cell string
		want OrgRef
	}{
		{"0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d", OrgRef{ByID, "0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d", "0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d"}},
		{"0101 234 567", OrgRef{ByTaxCode, "tax_code:0101234567", "0101 234 567"}},
		{"0101234567-001", OrgRef{ByTaxCode, "tax_code:0101234567-001", "0101234567-001"}},
		{"1012345", OrgRef{ByTaxCode, "tax_code:1012345", "1012345"}}, // a budget-unit code
		{"Phòng GD&ĐT Quận Đống Đa", OrgRef{ByName, "phong gd&dt quan dong da", "Phòng GD&ĐT Quận Đống Đa"}},
		{"101234567", OrgRef{ByName, "101234567", "101234567"}}, // no code: a name, with a hint when not found
	}
	for _, tt := range tests {
		if got := ParseOrgRef(tt.cell); got != tt.want {
			t.Errorf("ParseOrgRef(%q) = %+v, want %+v", tt.cell, got, tt.want)
		}
	}
	if msg := ParseOrgRef("101234567").NotFound(true); !strings.Contains(msg, "leading 0") {
		t.Errorf("a code that lost its 0: %q", msg)
	}
	if msg := ParseOrgRef("Sở GD&ĐT").NotFound(false); strings.Contains(msg, "leading 0") || !strings.Contains(msg, `"Sở GD&ĐT"`) ||
		strings.Contains(msg, "this file") {
		t.Errorf("a name not found, where the file cannot hold it: %q", msg)
	}
	if msg := ParseOrgRef("Sở GD&ĐT").NotFound(true); !strings.HasSuffix(msg, "or add it to this file, or create it first") {
		t.Errorf("a name not found, where the file may hold it: %q", msg)
	}
}
