package contact_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A fee notice goes to the parents of one class: linked_to_tag with
// relationship=parent_of selects the parents of the students tagged with
// the class, and a guardian or a sibling's teacher is not one of them.
func TestTheParentsOfAClassAreSelectedByTheirStudentsTag(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Trainer)
	an := create(t, h, tok, people, `{"full_name":"Nguyễn Văn An","tags":["6A1 2026"]}`)
	binh := create(t, h, tok, people, `{"full_name":"Trần Thị Bình","tags":["6a1 2026"]}`)
	other := create(t, h, tok, people, `{"full_name":"Lê Văn Cường","tags":["6A2 2026"]}`)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Can Lộc","kinds":["school"],"tags":["6A1 2026"]}`)
	link := func(name, kind, id string) {
		t.Helper()
		create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"relationships":[{"kind":%q,"party_id":%q}]}`, name, kind, id))
	}
	link("Nguyễn Văn Hùng", "parent_of", an)
	link("Trần Văn Dũng", "parent_of", binh)
	link("Lê Thị Mai", "parent_of", other)
	link("Phạm Thị Hoa", "guardian_of", an)
	link("Đỗ Văn Giáo", "works_at", school)

	q := url.QueryEscape("6a1 2026")
	if got := names(t, h, tok, people+"?linked_to_tag="+q+"&relationship=parent_of"); !slices.Equal(got, []string{"Nguyễn Văn Hùng", "Trần Văn Dũng"}) {
		t.Errorf("the parents of 6A1: %q", got)
	}
	if got := names(t, h, tok, people+"?linked_to_tag="+q); !slices.Equal(got, []string{"Đỗ Văn Giáo", "Nguyễn Văn Hùng", "Phạm Thị Hoa", "Trần Văn Dũng"}) {
		t.Errorf("everyone linked to 6A1: %q", got)
	}
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Phụ huynh 6A1","resource":"people","filter":{"linked_to_tag":"6A1 2026","relationship":"parent_of"}}`)
	mustStatus(t, r, 201)
	var seg struct{ Count int }
	r.JSON(t, &seg)
	if seg.Count != 2 {
		t.Errorf("the segment counts %d", seg.Count)
	}
	mustName(t, h.Do(t, "GET", people+"?linked_to_tag=%20", tok, nil), "linked_to_tag", "is blank")
	mustName(t, h.Do(t, "GET", orgs+"?linked_to_tag="+q, tok, nil), "linked_to_tag", "does not apply to organisations")
}
