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

// ?missing= finds the records staff should complete: units without a tax
// code before a course, parents no channel reaches. It combines with the
// other filters, and works in segments (with counts), exports and bulk
// changes; a gap a resource cannot have is a 422.
func TestMissingFindsTheRecordsToComplete(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	phong := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Hoàn Kiếm","kinds":["supervising_unit"],"tax_code":"0100100100",
		"phones":["024 3825 1234"],"province":"Hà Nội","address":"2 Lê Lai"}`)
	create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường Tiểu học Tràng An","kinds":["school"],"phones":["024 3826 0000"],
		"province":"Hà Nội","supervising_unit_id":%q}`, phong))
	bare := create(t, h, tok, orgs, `{"name":"Trường Mầm non Bông Sen","kinds":["school"]}`)
	school := []string{"Trường Tiểu học Tràng An"}
	for missing, want := range map[string][]string{
		"tax_code":                   {"Trường Mầm non Bông Sen", "Trường Tiểu học Tràng An"},
		"tax_code,phones":            {"Trường Mầm non Bông Sen"},
		"phones,%20tax_code,phones":  {"Trường Mầm non Bông Sen"},
		"supervising_unit":           {"Phòng GD&ĐT Hoàn Kiếm", "Trường Mầm non Bông Sen"},
		"address":                    {"Trường Mầm non Bông Sen", "Trường Tiểu học Tràng An"},
		"province,emails":            {"Trường Mầm non Bông Sen"},
		"emails&kind=school&q=trang": school,
		"tax_code&province=" + url.QueryEscape("Hà Nội"): school,
	} {
		if got := names(t, h, tok, orgs+"?missing="+missing); !slices.Equal(got, want) {
			t.Errorf("organisations missing %s: %q, want %q", missing, got, want)
		}
	}

	p := create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Vũ Thị Hoa","birthday":"1985-04-12","zalo_id":"vuhoa85",
		"relationships":[{"kind":"works_at","party_id":%q,"title":"Hiệu trưởng"}],
		"consents":{"email":{"granted":true,"at":"2026-10-01T09:00:00+07:00","source":"phiếu đăng ký"}}}`, bare))
	child := create(t, h, tok, people, `{"full_name":"Lê Minh Khang"}`)
	create(t, h, tok, people, fmt.Sprintf(`{"full_name":"Lê Văn Tùng","phones":["0912345678"],
		"relationships":[{"kind":"parent_of","party_id":%q}],
		"consents":{"zalo":{"granted":false,"at":"2026-10-02T09:00:00+07:00","source":"gọi điện"}}}`, child))
	for missing, want := range map[string][]string{
		"consent":                           {"Lê Minh Khang", "Lê Văn Tùng"}, // a withdrawn consent reaches no one
		"works_at":                          {"Lê Minh Khang", "Lê Văn Tùng"},
		"birthday,zalo_id":                  {"Lê Minh Khang", "Lê Văn Tùng"},
		"phones,emails":                     {"Lê Minh Khang", "Vũ Thị Hoa"},
		"consent&relationship=parent_of":    {"Lê Văn Tùng"},
		"works_at,phones,emails,consent":    {"Lê Minh Khang"},
		"emails&linked_to=" + bare:          {"Vũ Thị Hoa"},
		"birthday&linked_to=" + bare:        {},
		"works_at&q=" + "le%20minh%20khang": {"Lê Minh Khang"},
	} {
		if got := names(t, h, tok, people+"?missing="+missing); !slices.Equal(got, want) {
			t.Errorf("people missing %s: %q, want %q", missing, got, want)
		}
	}

	// Filling a gap takes the record off the list.
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+bare, tok, `{"tax_code":"0100200300"}`), 200)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+p, tok, `{"consents":{"email":{"granted":false,"at":"2026-11-01T09:00:00+07:00","source":"email"}}}`), 200)
	if got := names(t, h, tok, orgs+"?missing=tax_code"); !slices.Equal(got, school) {
		t.Errorf("missing a tax code once one is filled in: %q", got)
	}
	if got := names(t, h, tok, people+"?missing=consent"); len(got) != 3 {
		t.Errorf("missing consent once hers is withdrawn: %q", got)
	}

	// Segments count them, exports and bulk changes take them.
	seg := create(t, h, tok, "/api/contact/v1/segments", `{"name":"Phụ huynh chưa đồng ý","resource":"people","filter":{"missing":"consent","relationship":"parent_of"}}`)
	var view struct{ Count int }
	h.Do(t, "GET", "/api/contact/v1/segments/"+seg, tok, nil).JSON(t, &view)
	if view.Count != 1 {
		t.Errorf("the segment counts %d", view.Count)
	}
	if rows := readCSV(t, h.Do(t, "GET", orgs+"/export?format=csv&missing=phones", tok, nil)); len(rows) != 2 || !slices.Contains(rows[1], "Trường Mầm non Bông Sen") {
		t.Errorf("export of organisations missing phones: %q", rows)
	}
	r := h.Do(t, "POST", people+"/bulk-changes", tok, `{"filter":{"missing":"consent"},"add_tags":["Xin đồng ý"]}`)
	mustStatus(t, r, 200)
	if got := names(t, h, tok, people+"?tag="+url.QueryEscape("Xin đồng ý")); len(got) != 3 {
		t.Errorf("tagged by a bulk change of those missing consent: %q", got)
	}

	for path, field := range map[string]string{
		orgs + "?missing=birthday":              "missing", // a person's
		people + "?missing=tax_code":            "missing",
		people + "?missing=phone":               "missing",
		orgs + "?missing=phones&missing=emails": "missing",
	} {
		r := h.Do(t, "GET", path, tok, nil)
		mustStatus(t, r, 422)
		if got := fieldsOf(t, r); !slices.Equal(got, []string{field}) {
			t.Errorf("%s: problems on %q", path, got)
		}
	}
	mustStatus(t, h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"x","resource":"organizations","filter":{"missing":"zalo_id"}}`), 422)
}
