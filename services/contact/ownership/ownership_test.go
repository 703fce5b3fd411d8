package ownership

import (
	"errors"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
)

func TestOnlyTheOwnerOrAStewardMayReassignOrDelete(t *testing.T) {
	for _, c := range []struct {
		name   string
		caller Caller
		owner  string
		ok     bool
	}{
		{"the owner", Caller{ID: "user-lan", Roles: []auth.Role{auth.Sales}}, "user-lan", true},
		{"a trainer who owns it", Caller{ID: "user-minh", Roles: []auth.Role{auth.Trainer}}, "user-minh", true},
		{"a colleague in sales", Caller{ID: "user-hoa", Roles: []auth.Role{auth.Sales}}, "user-lan", false},
		{"a trainer", Caller{ID: "user-minh", Roles: []auth.Role{auth.Trainer}}, "user-lan", false},
		{"a director", Caller{ID: "user-gd", Roles: []auth.Role{auth.Director}}, "user-lan", false},
		{"a lead", Caller{ID: "user-tk", Roles: []auth.Role{auth.Lead}}, "user-lan", true},
		{"a manager", Caller{ID: "user-tp", Roles: []auth.Role{auth.Manager}}, "user-lan", true},
		{"an admin", Caller{ID: "user-ad", Roles: []auth.Role{auth.Admin}}, "user-lan", true},
		{"a sales user who is also a lead", Caller{ID: "user-hoa", Roles: []auth.Role{auth.Sales, auth.Lead}}, "user-lan", true},
		{"nobody", Caller{}, "", false},
	} {
		for _, a := range []Action{Reassign, Delete} {
			err := May(c.caller, a, c.owner)
			if (err == nil) != c.ok {
				t.Errorf("%s, %s: err = %v, want allowed %v", c.name, a, err, c.ok)
			}
			var denied *DeniedError
			if err != nil && (!errors.As(err, &denied) || denied.OwnerID != c.owner || !strings.Contains(err.Error(), c.owner) || denied.Action != a) {
				t.Errorf("%s, %s: the refusal %v does not name the owner and the action", c.name, a, err)
			}
		}
	}
}

func TestAnOwnerChangeNeedsAReason(t *testing.T) {
	for _, c := range []struct{ in, want, why string }{
		{"", "", "is required"},
		{"  \t\n ", "", "is required"},
		{"  chị Lan   nghỉ việc ", "chị Lan nghỉ việc", ""},
		{"ca\u0301n bo\u0323\u0302", "cán bộ", ""}, // decomposed letters are composed
		{strings.Repeat("a", MaxReason), strings.Repeat("a", MaxReason), ""},
		{strings.Repeat("ă", MaxReason+1), "", "longer than 500"},
	} {
		got, why := Reason(c.in)
		if got != c.want || (c.why == "") != (why == "") || !strings.Contains(why, c.why) {
			t.Errorf("Reason(%q) = %q, %q; want %q, %q", c.in, got, why, c.want, c.why)
		}
	}
}
