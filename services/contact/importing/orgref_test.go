package importing

import (
	"strings"
	"testing"
)

func TestACellNamesAnOrganisationByIdTaxCodeOrName(t *testing.T) {
	tests := []struct {
		cell string
		want Ref
	}{
		{"0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d", Ref{By: ByID, Value: "0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d", Text: "0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d"}},
		{"0101 234 567", Ref{By: ByKey, Value: "tax_code:0101234567", Text: "0101 234 567"}},
		{"0101234567-001", Ref{By: ByKey, Value: "tax_code:0101234567-001", Text: "0101234567-001"}},
		{"1012345", Ref{By: ByKey, Value: "tax_code:1012345", Text: "1012345"}}, // a budget-unit code
		{"Phòng GD&ĐT Quận Đống Đa", Ref{By: ByName, Value: "phong gd&dt quan dong da", Text: "Phòng GD&ĐT Quận Đống Đa"}},
		{"101234567", Ref{By: ByName, Value: "101234567", Text: "101234567"}}, // no code: a name, with a hint when not found
		// As exports write it: the id in brackets, the name to fall back on.
		{"Trường THCS Lê Lợi (0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d)", Ref{By: ByID, Value: "0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d",
			Text: "Trường THCS Lê Lợi (0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d)", Name: "truong thcs le loi"}},
		{"Trường THCS Kim Đồng (cơ sở 2)", Ref{By: ByName, Value: "truong thcs kim dong (co so 2)", Text: "Trường THCS Kim Đồng (cơ sở 2)"}},
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
	if msg := ParseOrgRef("Sở GD (0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d)").NotFound(false); !strings.HasPrefix(msg, `no organisation has the id in "Sở GD (`) {
		t.Errorf("an id and a name not found: %q", msg)
	}
}

func TestACellNamesAPersonByIdPhoneEmailOrName(t *testing.T) {
	id := "0190d8a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d"
	tests := []struct {
		cell  string
		by    RefKind
		value string
	}{
		{id, ByID, id},
		{"Nguyễn Minh Khang (" + id + ")", ByID, id},
		{"0912 345 678", ByKey, "phone:+84912345678"},
		{"Nguyễn Minh Khang (+84912345678)", ByKey, "phone:+84912345678"},
		{"Khang.Nguyen@Example.vn", ByKey, "email:khang.nguyen@example.vn"},
		{"Nguyễn Minh Khang (khang@example.vn)", ByKey, "email:khang@example.vn"},
		{"Nguyễn Minh Khang", ByName, "nguyen minh khang"},
		{"Nguyễn Minh Khang (lớp 3A)", ByName, "nguyen minh khang (lop 3a)"},
	}
	for _, tt := range tests {
		if got := ParsePersonRef(tt.cell); got.By != tt.by || got.Value != tt.value || got.Text != tt.cell || !got.Person {
			t.Errorf("ParsePersonRef(%q) = %+v, want %v %q", tt.cell, got, tt.by, tt.value)
		}
	}
	if msg := ParsePersonRef("0912345678").NotFound(true); msg != `no person has the phone of "0912345678": add them to this file, or create them first` {
		t.Errorf("a phone not found: %q", msg)
	}
	if msg := ParsePersonRef("Nguyễn An").Ambiguous(2); msg != `2 people are named "Nguyễn An": write the phone, email or id of the one you mean` {
		t.Errorf("a name two people have: %q", msg)
	}
}
