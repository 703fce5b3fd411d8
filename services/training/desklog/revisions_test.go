package desklog

import (
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
)

func TestAnEntrysRevisionsAreForItsAuthorAndThoseOverseeingTheDesk(t *testing.T) {
	for _, tc := range []struct {
		name   string
		caller string
		roles  []auth.Role
		want   bool
	}{
		{"its author, a trainer", "trainer-an", []auth.Role{auth.Trainer}, true},
		{"another trainer", "trainer-binh", []auth.Role{auth.Trainer}, false},
		{"a lead", "lead-chi", []auth.Role{auth.Lead}, true},
		{"a manager", "mgr-dung", []auth.Role{auth.Manager}, true},
		{"a director", "dir-em", []auth.Role{auth.Director}, true},
		{"an admin", "admin-giang", []auth.Role{auth.Admin}, true},
		{"sales", "sales-ha", []auth.Role{auth.Sales}, false},
		{"a trainer who also leads", "trainer-binh", []auth.Role{auth.Trainer, auth.Lead}, true},
		{"no id is nobody's author", "", []auth.Role{auth.Trainer}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			author := "trainer-an"
			if tc.caller == "" {
				author = ""
			}
			if got := MayReadRevisions(tc.caller, tc.roles, author); got != tc.want {
				t.Fatalf("MayReadRevisions(%q, %v) = %v, want %v", tc.caller, tc.roles, got, tc.want)
			}
		})
	}
}
