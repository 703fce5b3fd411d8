package contact_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

func TestSupervisingUnitsCannotBeMadeToGoRound(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	so := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Hà Nam","kinds":["supervising_unit"]}`)
	phong := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Phòng GD&ĐT Phủ Lý","kinds":["supervising_unit"],"supervising_unit_id":%q}`, so))
	school := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường THCS Lê Hồng Phong","kinds":["school"],"supervising_unit_id":%q}`, phong))

	r := h.Do(t, "PATCH", orgs+"/"+so, tok, fmt.Sprintf(`{"supervising_unit_id":%q}`, school))
	mustName(t, r, "supervising_unit_id", "Sở GD&ĐT Hà Nam → Trường THCS Lê Hồng Phong → Phòng GD&ĐT Phủ Lý → Sở GD&ĐT Hà Nam")
	mustName(t, h.Do(t, "PATCH", orgs+"/"+phong, tok, fmt.Sprintf(`{"supervising_unit_id":%q}`, school)), "supervising_unit_id",
		"Phòng GD&ĐT Phủ Lý → Trường THCS Lê Hồng Phong → Phòng GD&ĐT Phủ Lý")
	if n := testkit.Count(t, h.Pool, "SELECT count(*) FROM organization WHERE supervising_unit_id IS NOT NULL"); n != 2 {
		t.Fatalf("%d organisations have a supervising unit, want the Phòng and the school only", n)
	}
	// Moving a unit sideways or under another chain is no loop.
	other := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Nam Định","kinds":["supervising_unit"]}`)
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+so, tok, fmt.Sprintf(`{"supervising_unit_id":%q}`, other)), 200)
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+school, tok, fmt.Sprintf(`{"supervising_unit_id":%q}`, so)), 200)

	// A merge moves the units under the merged one to the survivor: the top
	// of a chain merged into its bottom would put the middle under the bottom.
	a := create(t, h, tok, orgs, `{"name":"Đơn vị A","kinds":["unit"]}`)
	b := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Đơn vị B","kinds":["unit"],"supervising_unit_id":%q}`, a))
	c := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Đơn vị C","kinds":["unit"],"supervising_unit_id":%q}`, b))
	mustName(t, h.Do(t, "POST", orgs+"/"+c+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, a)), "merged_id",
		"Đơn vị C → Đơn vị B → Đơn vị C")
	mustStatus(t, h.Do(t, "GET", orgs+"/"+a, tok, nil), 200)
	// The bottom merged into the top is no loop: the top does not take the
	// bottom's supervising unit, which is below it.
	mustStatus(t, h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, c)), 200)
	units := namePairs(t, h, "SELECT o.name, coalesce(s.name, '') FROM organization o LEFT JOIN organization s ON s.id = o.supervising_unit_id WHERE o.id = ANY($1::uuid[])", []string{a, b})
	if units["Đơn vị A"] != "" || units["Đơn vị B"] != "Đơn vị A" {
		t.Fatalf("after the merge: %v", units)
	}
}

// A lead who reports to a Sở needs every unit under it: under= selects
// the whole tree, where supervising_unit= selects one level.
func TestUnderSelectsEveryUnitBelowAtAnyDepth(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Lead)
	so := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Hà Tĩnh","kinds":["supervising_unit"]}`)
	phong := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Phòng GD&ĐT Can Lộc","kinds":["supervising_unit"],"supervising_unit_id":%q}`, so))
	create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường THCS Can Lộc","kinds":["school"],"supervising_unit_id":%q}`, phong))
	create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường THPT Hà Tĩnh","kinds":["school"],"supervising_unit_id":%q}`, so))
	create(t, h, tok, orgs, `{"name":"Trường THCS Kỳ Anh","kinds":["school"]}`)

	if got := names(t, h, tok, orgs+"?under="+so); !slices.Equal(got, []string{"Phòng GD&ĐT Can Lộc", "Trường THCS Can Lộc", "Trường THPT Hà Tĩnh"}) {
		t.Errorf("under the Sở: %q", got)
	}
	if got := names(t, h, tok, orgs+"?supervising_unit="+so); !slices.Equal(got, []string{"Phòng GD&ĐT Can Lộc", "Trường THPT Hà Tĩnh"}) {
		t.Errorf("directly under the Sở: %q", got)
	}
	if got := names(t, h, tok, orgs+"?under="+so+"&kind=school"); !slices.Equal(got, []string{"Trường THCS Can Lộc", "Trường THPT Hà Tĩnh"}) {
		t.Errorf("schools under the Sở: %q", got)
	}
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, fmt.Sprintf(`{"name":"Trường thuộc Sở Hà Tĩnh","resource":"organizations","filter":{"under":%q,"kind":"school"}}`, so))
	mustStatus(t, r, 201)
	var seg struct{ Count int }
	r.JSON(t, &seg)
	if seg.Count != 2 {
		t.Errorf("the segment counts %d", seg.Count)
	}
	mustName(t, h.Do(t, "GET", orgs+"?under=so-ha-tinh", tok, nil), "under", "must be an organisation id")
	mustName(t, h.Do(t, "GET", people+"?under="+so, tok, nil), "under", "does not apply to people")
}
