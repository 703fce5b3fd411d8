package contact_test

import (
	"fmt"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// written counts the rows a write leaves behind anywhere a merge writes.
func written(t *testing.T, h *servicetest.Harness) int64 {
	t.Helper()
	return testkit.Count(t, h.Pool, `SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM party_alias) + (SELECT count(*) FROM history)
 + (SELECT count(*) FROM owner_audit) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM party_key)`)
}

func TestMergingAColleaguesPartyAwayIsForbiddenAndWritesNothing(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, hoa := staffToken(t, "user-lan", auth.Sales), staffToken(t, "user-hoa", auth.Sales)
	lans := createPerson(t, h, lan, `{"full_name":"Đỗ Thị Hương","phones":["0913111222"]}`).ID
	hoas := createPerson(t, h, hoa, `{"full_name":"Đỗ Thị Hương","phones":["0913111333"]}`).ID
	before := written(t, h)

	// Hoa cannot fold Lan's customer into her own record, with or without
	// deciding the owner, nor a trainer.
	for _, c := range []struct{ tok, body string }{
		{hoa, fmt.Sprintf(`{"merged_id":%q}`, lans)},
		{hoa, fmt.Sprintf(`{"merged_id":%q,"keep":{"owner_id":"survivor"}}`, lans)},
		{h.Token(t, auth.Trainer), fmt.Sprintf(`{"merged_id":%q,"keep":{"owner_id":"survivor"}}`, lans)},
	} {
		mustBeDeniedNaming(t, h.Do(t, "POST", people+"/"+hoas+"/merge", c.tok, c.body), "user-lan")
	}
	// Nor can Lan take Hoa's record over by merging hers into it and
	// keeping herself as its owner.
	r := h.Do(t, "POST", people+"/"+hoas+"/merge", lan, fmt.Sprintf(`{"merged_id":%q,"keep":{"owner_id":"merged"}}`, lans))
	mustBeDeniedNaming(t, r, "user-hoa")
	if n := written(t, h); n != before {
		t.Fatalf("refused merges wrote %d rows", n-before)
	}
	for _, id := range []string{lans, hoas} {
		mustStatus(t, h.Do(t, "GET", people+"/"+id, hoa, nil), 200)
	}

	// Lan may give her record up into Hoa's, which stays Hoa's.
	r = h.Do(t, "POST", people+"/"+hoas+"/merge", lan, fmt.Sprintf(`{"merged_id":%q,"keep":{"owner_id":"survivor"}}`, lans))
	mustStatus(t, r, 200)
	if v := decodeItem(t, r); v.OwnerID != "user-hoa" || len(v.Phones) != 2 {
		t.Fatalf("merged by its owner: %s", r.Body)
	}
	// A lead may merge anyone's, giving the survivor the merged one's owner.
	a := createPerson(t, h, lan, `{"full_name":"Phan Văn Đức"}`).ID
	b := createPerson(t, h, hoa, `{"full_name":"Phan Văn Đức"}`).ID
	r = h.Do(t, "POST", people+"/"+a+"/merge", h.Token(t, auth.Lead), fmt.Sprintf(`{"merged_id":%q,"keep":{"owner_id":"merged"}}`, b))
	mustStatus(t, r, 200)
	if v := decodeItem(t, r); v.OwnerID != "user-hoa" {
		t.Fatalf("merged by a lead: %s", r.Body)
	}
}

func decodeItem(t *testing.T, r servicetest.Response) item {
	t.Helper()
	var v item
	r.JSON(t, &v)
	return v
}
