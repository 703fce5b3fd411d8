package course

import (
	"errors"
	"strings"
	"testing"
)

func TestAModuleIsASlugWithAYearsLeadTimeAtMost(t *testing.T) {
	for _, c := range []struct {
		name string
		m    Module
		want map[string]string // field -> part of its message; empty: valid
	}{
		{"a slug", Module{Code: "ke-toan", Name: "Kế toán HCSN", LeadDays: 15}, nil},
		{"digits", Module{Code: "dt-luong-2", Name: "DT lương 2"}, nil},
		{"a year", Module{Code: "x", Name: "X", LeadDays: 365}, nil},
		{"a display name as code", Module{Code: "Kế toán", Name: "Kế toán"}, map[string]string{"code": "lowercase ASCII"}},
		{"capitals", Module{Code: "KeToan", Name: "K"}, map[string]string{"code": "lowercase ASCII"}},
		{"a space", Module{Code: "ke toan", Name: "K"}, map[string]string{"code": "lowercase ASCII"}},
		{"a dash at the end", Module{Code: "ke-toan-", Name: "K"}, map[string]string{"code": "dash"}},
		{"too long", Module{Code: strings.Repeat("a", MaxModuleCode+1), Name: "K"}, map[string]string{"code": "longer than 64"}},
		{"over a year", Module{Code: "ke-toan", Name: "K", LeadDays: 400}, map[string]string{"lead_days": "at most 365"}},
		{"two problems, two fields", Module{Code: "ke-toan", Name: " ", LeadDays: -1},
			map[string]string{"name": "is required", "lead_days": "must not be negative"}},
	} {
		err := c.m.Validate()
		if len(c.want) == 0 {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		var v *ValidationError
		if !errors.As(err, &v) || len(v.Fields) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
			continue
		}
		for _, f := range v.Fields {
			if !strings.Contains(f.Message, c.want[f.Field]) || c.want[f.Field] == "" {
				t.Errorf("%s: %s: %q, want %q", c.name, f.Field, f.Message, c.want[f.Field])
			}
		}
	}
}
