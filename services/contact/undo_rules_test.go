package contact_test

import (
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// A hand-over that would move nothing (a double click, a staff member
// handed over already) is refused, naming the hand-over that moved their
// parties, and records nothing; one that moves parties answers 201 with
// its Location.
func TestAHandOverThatWouldMoveNothingIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	minh, boss := staffToken(t, "user-minh", auth.Sales), h.Token(t, auth.Manager)
	createPerson(t, h, minh, `{"full_name":"Nguyễn Văn Bình"}`)
	create(t, h, minh, orgs, `{"name":"Trường MN Hoa Sen","kinds":["school"]}`)
	const handovers = "/api/contact/v1/handovers"
	body := `{"from_owner_id":"user-minh","to_owner_id":"user-lan","reason":"Minh nghỉ việc 30/11"}`

	r := h.Do(t, "POST", handovers, boss, body)
	mustStatus(t, r, 201)
	var ho struct {
		ID                    string
		Organizations, People int
	}
	r.JSON(t, &ho)
	if loc := r.Header.Get("Location"); loc != handovers+"/"+ho.ID || ho.Organizations != 1 || ho.People != 1 {
		t.Fatalf("hand-over: Location %q, %s", loc, r.Body)
	}
	mustStatus(t, h.Do(t, "GET", r.Header.Get("Location"), boss, nil), 200)
	recorded := func() int64 {
		return testkit.Count(t, h.Pool, `SELECT (SELECT count(*) FROM handover) * 100 + (SELECT count(*) FROM owner_audit WHERE handover_id IS NOT NULL) * 10
 + (SELECT count(*) FROM outbox WHERE subject LIKE 'contact.%.owner_changed')`)
	}
	before := recorded()

	r = h.Do(t, "POST", handovers, boss, body)
	mustName(t, r, "from_owner_id", "user-minh owns no party now")
	mustName(t, r, "from_owner_id", "hand-over "+ho.ID+" gave their 1 organisations and 1 people to user-lan")
	var p struct {
		HandoverID string `json:"handover_id"`
	}
	r.JSON(t, &p)
	if p.HandoverID != ho.ID {
		t.Fatalf("the refusal does not name the earlier hand-over: %s", r.Body)
	}
	r = h.Do(t, "POST", handovers, h.Token(t, auth.Admin), `{"from_owner_id":"user-nobody","to_owner_id":"user-lan","reason":"nhầm"}`)
	mustName(t, r, "from_owner_id", "owns no party now")
	if strings.Contains(string(r.Body), "handover_id") {
		t.Fatalf("a staff member never handed over is named a hand-over: %s", r.Body)
	}
	if after := recorded(); after != before {
		t.Fatalf("refused hand-overs recorded something: %d, was %d", after, before)
	}
}
