package staff

import (
	"strings"
	"testing"
)

func TestAStaffIDLooksLikeALogin(t *testing.T) {
	for _, c := range []struct{ id, why string }{
		{"sales-lan", ""},
		{"user-07", ""},
		{"lan.nguyen@truong.edu.vn", ""},
		{"auth0|5f7c8ec7c33c6c004bbafe82", ""},
		{"00u1a2B3c4D5e6F7g8h9", ""}, // an identity provider's id may hold capitals
		{"SALES-LAN", ""},            // kept as it is: case is compared exactly
		{"Nguyễn", ""},
		{strings.Repeat("a", MaxID), ""},
		{"", "is blank"},
		{"  ", "is blank"},
		{"  sales-minh ", "starts or ends with white space"},
		{" sales-lan", "starts or ends with white space"},
		{"sales-lan\n", "starts or ends with white space"},
		{"Nguyễn Thị Lan", "holds a space, as a name does"},
		{"sales\u00a0lan", "holds a space"},
		{"sales\tlan", "holds a space"},
		{"sales-\u200blan", "invisible or control character (U+200B)"},
		{"\ufeffsales-lan", "invisible or control character (U+FEFF)"},
		{"sales\x01lan", "invisible or control character (U+0001)"},
		{"sales\xfflan", "is not UTF-8"},
		{strings.Repeat("ă", MaxID+1), "longer than 255 characters"},
	} {
		err := ID(c.id)
		switch {
		case c.why == "" && err != nil:
			t.Errorf("ID(%q) refused: %v", c.id, err)
		case c.why != "" && (err == nil || !strings.Contains(err.Error(), c.why)):
			t.Errorf("ID(%q) = %v, want %q", c.id, err, c.why)
		}
	}
}
