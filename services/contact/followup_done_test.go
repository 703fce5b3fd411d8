package contact_test

import (
	"fmt"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// follow_up_done says an interaction completed the follow-up standing
// before it, in the order the party's interactions happened: with none
// standing there is nothing to complete, and the flag would be stored and
// published as work done. The clock stands at 2026-11-02 09:00 (+07).
func TestFollowUpDoneWithNoFollowUpStandingIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	p := createPerson(t, h, tok, `{"full_name":"Lê Thị Gọi Lại","phones":["0912000301"]}`).ID
	at := func(when string, done bool, next string) string {
		body := fmt.Sprintf(`{"party_id":%q,"kind":"call","occurred_at":"2026-%s:00:00+07:00","follow_up_done":%t`, p, when, done)
		if next != "" {
			body += fmt.Sprintf(`,"next_action_on":%q`, next)
		}
		return body + "}"
	}
	count := func() int64 { return testkit.Count(t, h.Pool, `SELECT count(*) FROM interaction`) }

	mustName(t, h.Do(t, "POST", interactions, tok, at("10-28T10", true, "")), "follow_up_done", "there is no follow-up to complete")
	mustName(t, h.Do(t, "POST", interactions, tok, at("10-28T10", true, "2026-11-10")), "follow_up_done", "there is no follow-up to complete")
	agreed := create(t, h, tok, interactions, at("10-30T10", false, "2026-11-10"))
	// A call backdated before the one that agreed the follow-up completed nothing.
	mustName(t, h.Do(t, "POST", interactions, tok, at("10-29T10", true, "")), "follow_up_done", "there is no follow-up to complete")
	n := count()
	done := create(t, h, tok, interactions, at("11-01T10", true, "")) // the call-back made early
	if got := followUp(t, h, tok, people+"/"+p); got != "" {
		t.Fatalf("follow-up %q after it was done", got)
	}
	mustName(t, h.Do(t, "POST", interactions, tok, at("11-02T08", true, "")), "follow_up_done", "there is no follow-up to complete")
	if c := count(); c != n+1 {
		t.Fatalf("refused interactions wrote %d", c-n-1)
	}

	// A correction moving the done call before the follow-up was agreed,
	// or saying another completed one, is refused the same way.
	mustName(t, h.Do(t, "PATCH", interactions+"/"+done, tok, `{"occurred_at":"2026-10-29T10:00:00+07:00"}`), "follow_up_done", "no follow-up to complete")
	mustName(t, h.Do(t, "PATCH", interactions+"/"+agreed, tok, `{"follow_up_done":true}`), "follow_up_done", "no follow-up to complete")
	mustStatus(t, h.Do(t, "PATCH", interactions+"/"+done, tok, `{"occurred_at":"2026-10-31T10:00:00+07:00"}`), 200)

	// A flag kept as it was is not checked again: the call that agreed the
	// follow-up is deleted as logged by mistake, and the done call's
	// outcome can still be corrected.
	mustStatus(t, h.Do(t, "DELETE", interactions+"/"+agreed, tok, nil), 204)
	mustStatus(t, h.Do(t, "PATCH", interactions+"/"+done, tok, `{"outcome":"đã gọi lại"}`), 200)
}
