package training_test

import (
	"net/url"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
)

// A staff id is the login staff sign in with (pkg/staff), in training as in
// contact: "  Trainer-Nam " is no second person the double-booking check
// lets through.
func TestAStaffIDThatCannotBeALoginIsRefused(t *testing.T) {
	f := start(t)
	f.unit("u1", "dvcq-1")
	f.waitUnits(1)
	courseID, sessions := f.scheduledCourse([]string{"u1"}, "2026-12-21")
	f.ok(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": "trainer-nam", "duty": "trainer"}), 201, nil)
	for _, id := range []string{"  Trainer-Nam ", "Nguyễn Văn Nam", "trainer-\u200bnam", ""} {
		p := f.problem(f.do(auth.Lead, "POST", "/courses/"+courseID+"/assignments", map[string]any{"session_id": sessions[0], "person_id": id, "duty": "assistant"}), 422)
		if fieldErrors(p)["person_id"] == "" {
			t.Errorf("person_id %q: %v", id, p)
		}
	}
	p := f.problem(f.do(auth.Lead, "GET", "/desk-log?author_id="+url.QueryEscape(" trainer-nam"), nil), 422)
	if fieldErrors(p)["author_id"] == "" {
		t.Errorf("a padded author_id filter: %v", p)
	}
}

// fieldErrors maps a problem's field errors by field.
func fieldErrors(p map[string]any) map[string]string {
	out := map[string]string{}
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		m := e.(map[string]any)
		f, _ := m["field"].(string)
		msg, _ := m["message"].(string)
		if out[f] != "" {
			msg = out[f] + "; " + msg
		}
		out[f] = msg
	}
	return out
}
