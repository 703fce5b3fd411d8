package party

import "testing"

func TestInvisibleCharactersAreStripped(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"vip", "vip"},
		{"vip\u200b", "vip"},
		{"mai\u200b@truong.edu.vn", "mai@truong.edu.vn"},
		{"\ufeffĐỗ Thị Mai", "Đỗ Thị Mai"},
		{"Lê\u200c Văn\u200d Tám\u2060", "Lê Văn Tám"},
		{"Nguy\u00adễn", "Nguyễn"},
		{"\u200e0912\u200f345\u202a678\u202c", "0912345678"},
		{"a\u2061b\u2064c\u180e", "abc"},
		// Visible characters, spaces of any width among them, stay.
		{"Hà Nội\u00a0 \u3000", "Hà Nội\u00a0 \u3000"},
		{"", ""},
	} {
		if got := StripInvisible(tc.in); got != tc.want {
			t.Errorf("StripInvisible(%+q) = %+q, want %+q", tc.in, got, tc.want)
		}
	}
}

func TestPastedInvisibleCharactersDoNotMakeAnotherKey(t *testing.T) {
	for _, tc := range []struct {
		name      string
		norm      func(string) (string, error)
		in, want  string
		wantError bool
	}{
		{"email", NormalizeEmail, "mai\u200b@truong.edu.vn", "mai@truong.edu.vn", false},
		{"email with a BOM", NormalizeEmail, "\ufeffMai@Truong.edu.vn", "mai@truong.edu.vn", false},
		{"email invalid without them too", NormalizeEmail, "mai\u200b@truong", "", true},
		{"email with a visible stray character", NormalizeEmail, "mai @truong.edu.vn", "", true},
		{"phone", NormalizePhone, "0912\u200b345\u2060678", "+84912345678", false},
		{"tax code", NormalizeTaxCode, "0101234567\u00ad", "0101234567", false},
		{"tag", func(s string) (string, error) { return TagKey(s), nil }, "VIP\u200b", "vip", false},
		{"name", func(s string) (string, error) { return cleanText(s), nil }, "Lê\u200b Văn Tám", "Lê Văn Tám", false},
	} {
		got, err := tc.norm(tc.in)
		if got != tc.want || (err != nil) != tc.wantError {
			t.Errorf("%s: %+q gives %+q, %v; want %+q, error %v", tc.name, tc.in, got, err, tc.want, tc.wantError)
		}
	}
}
