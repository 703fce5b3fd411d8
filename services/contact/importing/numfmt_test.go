package importing

import "testing"

// A number under a format of digit placeholders and literal text is shown
// as a spreadsheet shows it: a code's zeros before it, its text around it,
// decimals rounded half away from zero.
func TestANumberFormatShowsTheNumberAsASpreadsheetDoes(t *testing.T) {
	for _, tt := range []struct {
		format, value, want string
	}{
		{"00000", "123", "00123"},
		{"00000", "123456", "123456"},
		{"00000", "0", "00000"},
		{"00000", "-42", "-00042"},
		{"0000000000", "912345001", "0912345001"},
		{`"HS"0000`, "12", "HS0012"},
		{`\H\S0000`, "12", "HS0012"},
		{"000-000", "1234", "001-234"},
		{"000-000", "1234567", "1234-567"},
		{"0## ### ###", "912345001", "912 345 001"},
		{"00000;-00000;00000", "-7", "-00007"},
		{"00000;(00000)", "-7", "(00007)"},
		{"[Red]00000", "7", "00007"},
		{"[$-42A]00000", "7", "00007"},
		{"@", "7", ""}, // text: the number is shown as General
		{"0.00", "12.5", "12.50"},
		{"0.00", "12.345", "12.35"}, // 12.345 is 12.3449999... in binary; Excel rounds its 15 digits
		{"0.00", "0.5", "0.50"},
		{"#.00", "0.5", ".50"},
		{"0.0#", "3.1", "3.1"},
		{"0.0#", "3.14159", "3.14"},
		{"0", "12.5", "13"},
		{"0", "-12.5", "-13"},
		{"#,##0", "1250000", "1,250,000"},
		{"#,##0.00", "1250.5", "1,250.50"},
		{"#,##0", "0", "0"},
		{"000,000", "1234", "001,234"},
		{"0%", "0.125", "13%"},
		{"0.0%", "0.125", "12.5%"},
		{`0.00 "₫"`, "5", "5.00 ₫"},
		{"[$₫-42A]#,##0", "15000", "₫15,000"},
		{"00000", "1.23E+20", ""}, // rounded already: read raw, refused where it matters
		{"00000", "abc", ""},
		{"dd/mm/yyyy", "45000", ""},
		{"0.00E+00", "12", ""},
		{"# ?/?", "1.5", ""},
		{"[>=100]000;00", "5", ""},
		{"General", "5", ""},
		{"#,##0,", "1250000", ""}, // scaled by a thousand
		{`"HS"`, "5", ""},         // no digit shown
	} {
		got := ""
		if f := parseNumFormat(tt.format); f != nil {
			got, _ = f.show(tt.value)
		}
		if got != tt.want {
			t.Errorf("%s under %q: %q, want %q", tt.value, tt.format, got, tt.want)
		}
	}
}
