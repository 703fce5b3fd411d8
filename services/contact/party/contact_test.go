package party

import (
	"errors"
	"slices"
	"testing"
)

func TestPhoneInAnyVietnameseFormatNormalisesToE164(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0912 345 678", "+84912345678"},
		{"+84 912 345 678", "+84912345678"},
		{"84912345678", "+84912345678"},
		{"(091) 234-5678", "+84912345678"},
		{"0912.345.678", "+84912345678"},
		{"912345678", "+84912345678"}, // leading zero lost by a spreadsheet
		{"0386 123 456", "+84386123456"},
		{"024 3825 1234", "+842438251234"}, // Hà Nội landline
		{"+1 650 253 0000", "+16502530000"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestInvalidPhoneIsRefused(t *testing.T) {
	for _, in := range []string{"", "0123", "abc", "0912 345", "+84 000 000 000", "09123456789012"} {
		t.Run(in, func(t *testing.T) {
			if got, err := NormalizePhone(in); !errors.Is(err, ErrInvalidPhone) {
				t.Errorf("NormalizePhone(%q) = %q, %v; want ErrInvalidPhone", in, got, err)
			}
		})
	}
}

func TestEmailIsTrimmedAndLowerCased(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"an.nguyen@truong.edu.vn", "an.nguyen@truong.edu.vn"},
		{"  An.Nguyen@Truong.EDU.vn ", "an.nguyen@truong.edu.vn"},
		{"KETOAN+hs@Gmail.com", "ketoan+hs@gmail.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeEmail(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestInvalidOrDisplayNameEmailIsRefused(t *testing.T) {
	for _, in := range []string{
		"", "an", "an@", "@truong.vn", "an nguyen@truong.vn", "an@localhost",
		"An <an@truong.vn>", "<an@truong.vn>", "an@truong.vn, binh@truong.vn",
	} {
		t.Run(in, func(t *testing.T) {
			if got, err := NormalizeEmail(in); !errors.Is(err, ErrInvalidEmail) {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want ErrInvalidEmail", in, got, err)
			}
		})
	}
}

func TestTaxAndBudgetCodesTakeTheirCanonicalForm(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0101234567", "0101234567"},
		{" 0101 234 567 ", "0101234567"},
		{"0101234567-001", "0101234567-001"},
		{"0101234567001", "0101234567-001"},
		{"1234567", "1234567"}, // budget-unit code
		{"1.234.567", "1234567"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeTaxCode(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("NormalizeTaxCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestMalformedTaxCodeIsRefused(t *testing.T) {
	for _, in := range []string{"", "123", "101234567", "01012345670", "MST0101234567", "0101234567/001"} {
		t.Run(in, func(t *testing.T) {
			if got, err := NormalizeTaxCode(in); !errors.Is(err, ErrInvalidTaxCode) {
				t.Errorf("NormalizeTaxCode(%q) = %q, %v; want ErrInvalidTaxCode", in, got, err)
			}
		})
	}
}

func TestRetagAddsAndRemovesTagsComparedFolded(t *testing.T) {
	for _, c := range []struct {
		tags, add, remove, want []string
	}{
		{nil, []string{"Tiềm năng"}, nil, []string{"Tiềm năng"}},
		// A tag held keeps its written form; a new one is cleaned.
		{[]string{"Tiềm năng"}, []string{"tiem nang", "  Khối  6 "}, nil, []string{"Tiềm năng", "Khối 6"}},
		{[]string{"Tiềm năng", "VIP"}, nil, []string{"TIEM NANG"}, []string{"VIP"}},
		{[]string{"VIP"}, nil, []string{"không có"}, []string{"VIP"}},
		{[]string{"VIP"}, nil, []string{"VIP"}, []string{}},
	} {
		got := Retag(c.tags, c.add, c.remove)
		if !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
			t.Errorf("Retag(%q, +%q, -%q) = %q, want %q", c.tags, c.add, c.remove, got, c.want)
		}
	}
}
