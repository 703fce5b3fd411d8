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
		for _, a := range []Action{Reassign, Delete, UndoImport} {
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

func TestARefusalSaysWhoMayDoWhatInPlainWords(t *testing.T) {
	colleague := Caller{ID: "user-minh", Roles: []auth.Role{auth.Sales}}
	for a, want := range map[Action]string{
		Reassign:   "the party is cared for by user-lan: only they, a lead, a manager or an admin may give it to another owner",
		Delete:     "the party is cared for by user-lan: only they, a lead, a manager or an admin may delete it",
		UndoImport: "the import was uploaded by user-lan: only they, a lead, a manager or an admin may undo it, as undoing it deletes the parties it created",
	} {
		if err := May(colleague, a, "user-lan"); err == nil || err.Error() != want {
			t.Errorf("%s: %v\nwant %s", a, err, want)
		}
	}
}

func TestAMergeIsAllowedOverTheMergedPartyAndOverASurvivorThatChangesHands(t *testing.T) {
	lan, hoa := Caller{ID: "user-lan", Roles: []auth.Role{auth.Sales}}, Caller{ID: "user-hoa", Roles: []auth.Role{auth.Sales}}
	lead := Caller{ID: "user-tk", Roles: []auth.Role{auth.Lead}}
	for _, c := range []struct {
		name                   string
		caller                 Caller
		survivor, merged, kept string
		deniedOwner            string // "" when allowed
		deniedAction           Action
	}{
		{"two of her own", lan, "user-lan", "user-lan", "user-lan", "", ""},
		{"a colleague's two", hoa, "user-lan", "user-lan", "user-lan", "user-lan", Merge},
		{"a colleague's into her own", hoa, "user-hoa", "user-lan", "user-hoa", "user-lan", Merge},
		{"her own into a colleague's, keeping the colleague", lan, "user-hoa", "user-lan", "user-hoa", "", ""},
		{"her own into a colleague's, taking it over", lan, "user-hoa", "user-lan", "user-lan", "user-hoa", MergeOwner},
		{"a lead, taking one over", lead, "user-hoa", "user-lan", "user-lan", "", ""},
		{"a lead, a colleague's into another's", lead, "user-hoa", "user-lan", "user-hoa", "", ""},
	} {
		err := MayMerge(c.caller, c.survivor, c.merged, c.kept)
		var denied *DeniedError
		switch {
		case c.deniedOwner == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.deniedOwner != "" && (!errors.As(err, &denied) || denied.OwnerID != c.deniedOwner || denied.Action != c.deniedAction):
			t.Errorf("%s: err = %v, want a refusal naming %s (%s)", c.name, err, c.deniedOwner, c.deniedAction)
		}
	}
}

func TestADeletedPartyIsRestoredByItsOwnerWhoeverDeletedItOrASteward(t *testing.T) {
	for _, c := range []struct {
		name   string
		caller Caller
		ok     bool
	}{
		{"its owner", Caller{ID: "user-lan", Roles: []auth.Role{auth.Sales}}, true},
		{"who deleted it", Caller{ID: "user-hoa", Roles: []auth.Role{auth.Trainer}}, true},
		{"a colleague", Caller{ID: "user-binh", Roles: []auth.Role{auth.Sales}}, false},
		{"a director", Caller{ID: "user-gd", Roles: []auth.Role{auth.Director}}, false},
		{"a manager", Caller{ID: "user-tp", Roles: []auth.Role{auth.Manager}}, true},
		{"an admin", Caller{ID: "user-ad", Roles: []auth.Role{auth.Admin}}, true},
		{"nobody", Caller{}, false},
	} {
		err := MayRestore(c.caller, "user-lan", "user-hoa")
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want allowed %v", c.name, err, c.ok)
		}
		var denied *DeniedError
		if err != nil && (!errors.As(err, &denied) || denied.OwnerID != "user-lan" || denied.DeletedBy != "user-hoa" ||
			!strings.Contains(err.Error(), "user-lan") || !strings.Contains(err.Error(), "deleted by user-hoa")) {
			t.Errorf("%s: the refusal %v does not name who may", c.name, err)
		}
	}
	// Nobody's empty id is anybody's: a party with no owner is not everyone's.
	if MayRestore(Caller{Roles: []auth.Role{auth.Sales}}, "", "") == nil {
		t.Error("a caller without an id restored a party of no owner")
	}
}

func TestAnOwnerChangeOrARestoreNeedsAReason(t *testing.T) {
	for _, c := range []struct{ in, want, why string }{
		{"", "", "is required"},
		{"  \t\n ", "", "is required"},
		{"  chị Lan   nghỉ việc ", "chị Lan nghỉ việc", ""},
		{"ca\u0301n bo\u0323\u0302", "cán bộ", ""}, // decomposed letters are composed
		{strings.Repeat("a", MaxReason), strings.Repeat("a", MaxReason), ""},
		{strings.Repeat("ă", MaxReason+1), "", "longer than 500"},
	} {
		for name, reason := range map[string]func(string) (string, string){"Reason": Reason, "RestoreReason": RestoreReason} {
			got, why := reason(c.in)
			if got != c.want || (c.why == "") != (why == "") || !strings.Contains(why, c.why) {
				t.Errorf("%s(%q) = %q, %q; want %q, %q", name, c.in, got, why, c.want, c.why)
			}
		}
	}
	if _, why := RestoreReason(""); !strings.Contains(why, "comes back") {
		t.Errorf("a missing restore reason is asked for as %q", why)
	}
}

func TestOnlyAStewardLogsAnInteractionAsMadeByAnother(t *testing.T) {
	for _, c := range []struct {
		name   string
		caller Caller
		staff  string
		ok     bool
	}{
		{"their own", Caller{ID: "sales-lan", Roles: []auth.Role{auth.Sales}}, "sales-lan", true},
		{"a colleague's", Caller{ID: "sales-minh", Roles: []auth.Role{auth.Sales}}, "director-boss", false},
		{"a trainer, a colleague's", Caller{ID: "trainer-nam", Roles: []auth.Role{auth.Trainer}}, "sales-lan", false},
		{"a lead, a team member's", Caller{ID: "lead-hoa", Roles: []auth.Role{auth.Lead}}, "sales-lan", true},
		{"a manager", Caller{ID: "mgr-thu", Roles: []auth.Role{auth.Manager}}, "sales-lan", true},
		{"an admin", Caller{ID: "admin-ops", Roles: []auth.Role{auth.Admin}}, "sales-lan", true},
		{"nobody, as nobody", Caller{Roles: []auth.Role{auth.Sales}}, "", false},
	} {
		err := MayCredit(c.caller, c.staff)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want allowed %v", c.name, err, c.ok)
		}
		var denied *DeniedError
		if err != nil && (!errors.As(err, &denied) || denied.Action != Credit || denied.OwnerID != c.staff ||
			!strings.Contains(err.Error(), "only a lead, a manager or an admin may log an interaction as made by another staff member")) {
			t.Errorf("%s: the refusal %v does not say who may", c.name, err)
		}
	}
}

func TestALeadCorrectsATeamMembersInteractionAsAManagerDoes(t *testing.T) {
	for _, c := range []struct {
		name              string
		caller            Caller
		loggedBy, staffID string
		ok                bool
	}{
		{"the one who logged it", Caller{ID: "sales-lan", Roles: []auth.Role{auth.Sales}}, "sales-lan", "sales-minh", true},
		{"the one who made it", Caller{ID: "sales-minh", Roles: []auth.Role{auth.Sales}}, "sales-lan", "sales-minh", true},
		{"a trainer, their own", Caller{ID: "trainer-nam", Roles: []auth.Role{auth.Trainer}}, "trainer-nam", "trainer-nam", true},
		{"a colleague in sales", Caller{ID: "sales-hoa", Roles: []auth.Role{auth.Sales}}, "sales-lan", "sales-lan", false},
		{"a trainer, a colleague's", Caller{ID: "trainer-nam", Roles: []auth.Role{auth.Trainer}}, "sales-lan", "sales-minh", false},
		{"a director", Caller{ID: "director-boss", Roles: []auth.Role{auth.Director}}, "sales-lan", "sales-lan", false},
		{"a lead, a team member's", Caller{ID: "lead-hoa", Roles: []auth.Role{auth.Lead}}, "sales-lan", "sales-minh", true},
		{"a manager", Caller{ID: "mgr-thu", Roles: []auth.Role{auth.Manager}}, "sales-lan", "sales-lan", true},
		{"an admin", Caller{ID: "admin-ops", Roles: []auth.Role{auth.Admin}}, "sales-lan", "sales-lan", true},
		{"nobody, of nobody's", Caller{Roles: []auth.Role{auth.Sales}}, "", "", false},
	} {
		err := MayCorrect(c.caller, c.loggedBy, c.staffID)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want allowed %v", c.name, err, c.ok)
		}
		var denied *DeniedError
		if err != nil && (!errors.As(err, &denied) || denied.Action != Correct || denied.OwnerID != c.staffID || denied.LoggedBy != c.loggedBy ||
			err.Error() != "the interaction was logged by "+c.loggedBy+" and made by "+c.staffID+
				": only they, a lead, a manager or an admin may correct or delete it") {
			t.Errorf("%s: the refusal %v does not say who may", c.name, err)
		}
	}
}
