package contact_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// mustBeMergedInto fails t unless r is a 409 saying the id was merged into survivor.
func mustBeMergedInto(t *testing.T, r servicetest.Response, survivor, hint string) {
	t.Helper()
	mustStatus(t, r, 409)
	body := string(r.Body)
	if !strings.Contains(body, "was merged into "+survivor) || !strings.Contains(body, hint) || !strings.Contains(body, `"survivor_id":"`+survivor+`"`) {
		t.Fatalf("409 does not say it was merged into %s (%q): %s", survivor, hint, body)
	}
}

func TestAWriteThroughAMergedIDDoesNotReachTheSurvivorUnseen(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := create(t, h, tok, people, `{"full_name":"Võ Thị An"}`)
	b := create(t, h, tok, people, `{"full_name":"Vo Thi An"}`)
	c := create(t, h, tok, people, `{"full_name":"Võ An"}`)
	d := create(t, h, tok, people, `{"full_name":"Đỗ Văn Dũng"}`)
	mustStatus(t, h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, b)), 200)
	mustStatus(t, h.Do(t, "POST", people+"/"+c+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, a)), 200)

	// B now names C: reading through it is meant, deleting through it is not.
	var got item
	h.Do(t, "GET", people+"/"+b, tok, nil).JSON(t, &got)
	if got.ID != c {
		t.Fatalf("b resolves to %s, want %s", got.ID, c)
	}
	mustBeMergedInto(t, h.Do(t, "DELETE", people+"/"+b, tok, nil), c, "delete it by that id")
	mustBeMergedInto(t, ifMatch(t, h, "DELETE", people+"/"+b, tok, "", `"1"`), c, "delete it by that id")
	mustStatus(t, h.Do(t, "GET", people+"/"+c, tok, nil), 200)

	// A change through it must show, by If-Match, that the survivor was read.
	mustBeMergedInto(t, h.Do(t, "PATCH", people+"/"+b, tok, `{"notes":"gọi lại"}`), c, "If-Match")
	mustBeMergedInto(t, h.Do(t, "POST", people+"/"+b+"/owner", tok, `{"owner_id":"user-lead","reason":"chia lại"}`), c, "If-Match")
	mustBeMergedInto(t, h.Do(t, "POST", people+"/"+b+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, d)), c, "If-Match")
	read := h.Do(t, "GET", people+"/"+b, tok, nil)
	mustStatus(t, ifMatch(t, h, "PATCH", people+"/"+b, tok, `{"notes":"gọi lại"}`, read.Header.Get("ETag")), 200)

	// An old id as merged_id would merge its survivor, which nobody reviewed.
	r := h.Do(t, "POST", people+"/"+d+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b))
	mustBeMergedInto(t, r, c, "merge it by that id")
	if errs := fieldErrors(t, r); len(errs) != 1 || errs[0].Field != "merged_id" {
		t.Fatalf("409 does not name merged_id: %s", r.Body)
	}

	orgA := create(t, h, tok, orgs, `{"name":"Trường A","kinds":["school"]}`)
	orgB := create(t, h, tok, orgs, `{"name":"Trường A (cũ)","kinds":["school"]}`)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+orgA+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, orgB)), 200)
	mustBeMergedInto(t, h.Do(t, "DELETE", orgs+"/"+orgB, tok, nil), orgA, "delete it by that id")
	mustStatus(t, h.Do(t, "GET", orgs+"/"+orgA, tok, nil), 200)
}
