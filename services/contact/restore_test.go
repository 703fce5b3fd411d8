package contact_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
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

type restoredPerson struct {
	ID            string            `json:"id"`
	FullName      string            `json:"full_name"`
	Phones        []string          `json:"phones"`
	Emails        []string          `json:"emails"`
	Tags          []string          `json:"tags"`
	OwnerID       string            `json:"owner_id"`
	ForceReason   string            `json:"force_reason"`
	Consents      map[string]any    `json:"consents"`
	Relationships []json.RawMessage `json:"relationships"`
}

type historyItem struct {
	Actor  string
	Field  string
	Reason string
	Old    json.RawMessage
	New    json.RawMessage
}

func historyOf(t *testing.T, h *servicetest.Harness, path string) []historyItem {
	t.Helper()
	r := h.Do(t, "GET", path+"/history?limit=100", h.Token(t, auth.Director), nil)
	mustStatus(t, r, 200)
	var page struct{ Items []historyItem }
	r.JSON(t, &page)
	return page.Items
}

func TestADeletedPersonIsRestoredWhole(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, hoa := staffToken(t, "user-lan", auth.Sales), staffToken(t, "user-hoa", auth.Sales)
	school := create(t, h, lan, orgs, `{"name":"Trường THCS Trưng Vương","kinds":["school"]}`)
	oldSchool := create(t, h, lan, orgs, `{"name":"Trường THCS Trưng Vương (cũ)","kinds":["school"]}`)
	p := createPerson(t, h, lan, fmt.Sprintf(`{"full_name":"Nguyễn Thị Thu Hà","phones":["0912 777 888"],"emails":["thuha@example.vn"],
 "tags":["phụ huynh"],"consents":{"zalo":{"granted":true,"at":"2026-10-01T08:00:00+07:00","source":"form"}},
 "relationships":[{"kind":"works_at","party_id":%q,"title":"Kế toán"}]}`, oldSchool))
	path := people + "/" + p.ID
	sister := create(t, h, hoa, people, fmt.Sprintf(`{"full_name":"Nguyễn Thị Minh Thư","relationships":[{"kind":"related_to","party_id":%q,"label":"chị gái"}]}`, p.ID))
	create(t, h, lan, "/api/contact/v1/interactions", fmt.Sprintf(`{"party_id":%q,"kind":"call","outcome":"hẹn gặp thứ Năm","next_action_on":"2026-11-05"}`, p.ID))
	testkit.Eventually(t, 10*time.Second, "the call on the timeline", func() bool {
		return testkit.Count(t, h.Pool, `SELECT count(*) FROM timeline_entry WHERE party_id=$1`, p.ID) == 1
	})
	mustStatus(t, h.Do(t, "DELETE", path, h.Token(t, auth.Manager), nil), 204)
	// While she is gone, her school is merged into another record of it.
	mustStatus(t, h.Do(t, "POST", orgs+"/"+school+"/merge", lan, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"survivor"}}`, oldSchool)), 200)

	// A colleague may not bring her back; the refusal names who may.
	r := h.Do(t, "POST", path+"/restore", hoa, `{"reason":"khách gọi lại"}`)
	mustStatus(t, r, 403)
	var denied struct {
		Detail    string `json:"detail"`
		OwnerID   string `json:"owner_id"`
		DeletedBy string `json:"deleted_by"`
	}
	r.JSON(t, &denied)
	if denied.OwnerID != "user-lan" || denied.DeletedBy != "user-manager" || !strings.Contains(denied.Detail, "deleted by user-manager") {
		t.Fatalf("the refusal does not say who may: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "POST", path+"/restore", h.Token(t, auth.Director), `{"reason":"x"}`), 403)
	for _, body := range []string{`{}`, `{"reason":"   "}`} {
		mustName(t, h.Do(t, "POST", path+"/restore", lan, body), "reason", "is required")
	}
	mustStatus(t, h.Do(t, "GET", path, lan, nil), 404)

	// Her owner brings her back, whole.
	r = h.Do(t, "POST", path+"/restore", lan, `{"reason":"  xoá nhầm:   chị Hà vẫn là khách "}`)
	mustStatus(t, r, 200)
	var v restoredPerson
	r.JSON(t, &v)
	if v.ID != p.ID || v.FullName != "Nguyễn Thị Thu Hà" || !slices.Equal(v.Phones, []string{"+84912777888"}) ||
		!slices.Equal(v.Emails, []string{"thuha@example.vn"}) || !slices.Equal(v.Tags, []string{"phụ huynh"}) ||
		v.OwnerID != "user-lan" || v.Consents["zalo"] == nil || len(v.Relationships) != 1 {
		t.Fatalf("restored: %s", r.Body)
	}
	// Her school was merged since: she works at the survivor.
	if rel := string(v.Relationships[0]); !strings.Contains(rel, school) || !strings.Contains(rel, "Trường THCS Trưng Vương") {
		t.Fatalf("her link to the merged school: %s", rel)
	}
	mustStatus(t, h.Do(t, "GET", path, hoa, nil), 200)
	for _, q := range []string{"thu%20ha", "0912777888", "thuha@example.vn"} {
		if got := names(t, h, hoa, people+"?q="+q); !slices.Equal(got, []string{"Nguyễn Thị Thu Hà"}) {
			t.Fatalf("search %s found %q", q, got)
		}
	}
	r = h.Do(t, "GET", "/api/contact/v1/interactions?party_id="+p.ID, hoa, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), "hẹn gặp thứ Năm") {
		t.Fatalf("her interactions: %s", r.Body)
	}
	if got := names(t, h, hoa, people+"?next_action_due=2026-11-05"); !slices.Equal(got, []string{"Nguyễn Thị Thu Hà"}) {
		t.Fatalf("her follow-up: due %q", got)
	}
	r = h.Do(t, "GET", path+"/timeline", hoa, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), "interaction.logged") {
		t.Fatalf("her timeline: %s", r.Body)
	}
	// Her sister's link to her, dropped by the deletion, is back.
	r = h.Do(t, "GET", people+"/"+sister, hoa, nil)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), p.ID) || !strings.Contains(string(r.Body), "chị gái") {
		t.Fatalf("her sister: %s", r.Body)
	}

	hist := historyOf(t, h, path)
	last := hist[len(hist)-1]
	restored := slices.IndexFunc(hist, func(e historyItem) bool { return e.Field == "restored" })
	if restored < 0 || hist[restored].Actor != "user-lan" || hist[restored].Reason != "xoá nhầm: chị Hà vẫn là khách" ||
		!strings.Contains(string(hist[restored].New), "Nguyễn Thị Thu Hà") || last.Field != "relationships" {
		t.Fatalf("history after the restore: %+v", hist)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM party_key WHERE party_id=$1`, p.ID); n != 2 {
		t.Fatalf("%d duplicate keys restored, want her phone and email", n)
	}

	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.restored", 10*time.Second, nil)
	back, err := contract.Decode[contract.PersonRestored](e)
	if err != nil || contract.Rapport().Check(e) != nil || back.Person.ID != p.ID || back.Person.FullName != "Nguyễn Thị Thu Hà" ||
		!back.Person.Consents["zalo"].Granted || !slices.Equal(back.Person.OrganizationIDs, []string{school}) ||
		back.RestoredBy != "user-lan" || back.Reason != "xoá nhầm: chị Hà vẫn là khách" {
		t.Fatalf("restored event: %s", e.Data)
	}
}

func TestADeletedOrganisationIsRestoredByWhoDeletedItWithItsStaff(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan, hoa := staffToken(t, "user-lan", auth.Sales), staffToken(t, "user-hoa", auth.Sales)
	o := create(t, h, lan, orgs, `{"name":"Trường Tiểu học Kim Liên","kinds":["school"],"tax_code":"0101234567","tags":["vip"]}`)
	teacher := create(t, h, hoa, people, fmt.Sprintf(`{"full_name":"Lê Văn Nam","relationships":[{"kind":"works_at","party_id":%q,"title":"Hiệu trưởng"}]}`, o))
	lead := h.Token(t, auth.Lead)
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+o, lead, nil), 204)
	if r := h.Do(t, "GET", people+"/"+teacher, hoa, nil); strings.Contains(string(r.Body), o) {
		t.Fatalf("the teacher still works at the deleted school: %s", r.Body)
	}

	mustStatus(t, h.Do(t, "POST", orgs+"/"+o+"/restore", hoa, `{"reason":"x"}`), 403)
	r := h.Do(t, "POST", orgs+"/"+o+"/restore", lead, `{"reason":"xoá nhầm trường"}`)
	mustStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `"tax_code":"0101234567"`) || !strings.Contains(string(r.Body), `"owner_id":"user-lan"`) ||
		!strings.Contains(string(r.Body), `"vip"`) {
		t.Fatalf("restored school: %s", r.Body)
	}
	if got := names(t, h, hoa, orgs+"?q=kim%20lien"); !slices.Equal(got, []string{"Trường Tiểu học Kim Liên"}) {
		t.Fatalf("search found %q", got)
	}
	if got := names(t, h, hoa, people+"?linked_to="+o); !slices.Equal(got, []string{"Lê Văn Nam"}) {
		t.Fatalf("the school's staff: %q", got)
	}
	r = h.Do(t, "GET", people+"/"+teacher, hoa, nil)
	if !strings.Contains(string(r.Body), "Hiệu trưởng") || !strings.Contains(string(r.Body), "Trường Tiểu học Kim Liên") {
		t.Fatalf("the teacher's link is not back: %s", r.Body)
	}
	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.organization.restored", 10*time.Second, nil)
	back, err := contract.Decode[contract.OrganizationRestored](e)
	if err != nil || contract.Rapport().Check(e) != nil || back.Organization.ID != o || back.Organization.TaxCode != "0101234567" || back.RestoredBy != "user-lead" {
		t.Fatalf("restored event: %s", e.Data)
	}
}

func TestARestoreIsRefusedByADuplicateCreatedSinceUnlessForced(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	p := createPerson(t, h, lan, `{"full_name":"Trần Quốc Toản","phones":["0903123456"]}`)
	mustStatus(t, h.Do(t, "DELETE", people+"/"+p.ID, lan, nil), 204)
	again := createPerson(t, h, lan, `{"full_name":"Trần Q. Toản","phones":["+84 903 123 456"]}`)

	before := written(t, h)
	r := h.Do(t, "POST", people+"/"+p.ID+"/restore", lan, `{"reason":"xoá nhầm"}`)
	mustStatus(t, r, 409)
	var dup struct {
		Detail  string
		Matches []item
	}
	r.JSON(t, &dup)
	if len(dup.Matches) != 1 || dup.Matches[0].ID != again.ID || !strings.Contains(dup.Detail, "force") {
		t.Fatalf("the 409 does not name the match: %s", r.Body)
	}
	if n := written(t, h); n != before {
		t.Fatalf("a refused restore wrote %d rows", n-before)
	}
	// Forced, it takes its own reason: why it stands beside the other,
	// which the record shows, apart from why it came back, which its
	// history keeps.
	mustName(t, h.Do(t, "POST", people+"/"+p.ID+"/restore", lan, `{"reason":"xoá nhầm","force":true}`), "force_reason", "is required when force is true")
	mustName(t, h.Do(t, "POST", people+"/"+p.ID+"/restore", lan, `{"reason":"xoá nhầm","force_reason":"x"}`), "force_reason", "only allowed with force")
	r = h.Do(t, "POST", people+"/"+p.ID+"/restore", lan, `{"reason":"xoá nhầm","force":true,"force_reason":"hai anh em dùng chung số"}`)
	mustStatus(t, r, 200)
	var v restoredPerson
	r.JSON(t, &v)
	if v.ForceReason != "hai anh em dùng chung số" {
		t.Fatalf("forced restore: %s", r.Body)
	}
	hs := historyOf(t, h, people+"/"+p.ID)
	if last := hs[len(hs)-1]; last.Field != "restored" || last.Reason != "xoá nhầm" {
		t.Fatalf("the restore's history entry: %+v", last)
	}
	if got := names(t, h, lan, people+"?q=0903123456"); len(got) != 2 {
		t.Fatalf("both share the phone: %q", got)
	}
}

// Force with nothing to force past is accepted, as a client may send it
// blindly, and changes nothing: no reason is kept for a duplicate the
// party does not have, on a restore as on a creation.
func TestForceWithNoDuplicateKeepsNoForceReason(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	for _, body := range []string{
		`{"full_name":"Không Trùng","phones":["0812000401"],"force":true,"force_reason":"không cần"}`,
		`{"full_name":"Không Trùng Ai","force":true,"force_reason":"không cần"}`, // no key, and no namesake where they work
	} {
		r := h.Do(t, "POST", people, lan, body)
		mustStatus(t, r, 201)
		var v restoredPerson
		r.JSON(t, &v)
		if v.ForceReason != "" {
			t.Fatalf("a creation that forced nothing keeps %q", v.ForceReason)
		}
		if hs := historyOf(t, h, people+"/"+v.ID); len(hs) != 1 || strings.Contains(string(hs[0].New), "không cần") {
			t.Fatalf("its creation entry: %+v", hs)
		}
	}
	p := createPerson(t, h, lan, `{"full_name":"Khôi Phục Test","phones":["0912000402"]}`)
	mustStatus(t, h.Do(t, "DELETE", people+"/"+p.ID, lan, nil), 204)
	r := h.Do(t, "POST", people+"/"+p.ID+"/restore", lan, `{"reason":"xoá nhầm","force":true,"force_reason":"không cần"}`)
	mustStatus(t, r, 200)
	var v restoredPerson
	r.JSON(t, &v)
	if v.ForceReason != "" {
		t.Fatalf("a restore that forced nothing keeps %q", v.ForceReason)
	}
}

func TestOnlyADeletedPartyIsRestored(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	a := createPerson(t, h, lan, `{"full_name":"Vũ Thị Lan"}`).ID
	b := createPerson(t, h, lan, `{"full_name":"Vũ Thị Lan"}`).ID
	mustStatus(t, h.Do(t, "POST", people+"/"+a+"/merge", lan, fmt.Sprintf(`{"merged_id":%q}`, b)), 200)
	body := `{"reason":"xoá nhầm"}`

	// A merged-away party lives on in its survivor.
	r := h.Do(t, "POST", people+"/"+b+"/restore", lan, body)
	mustStatus(t, r, 409)
	var merged struct {
		Detail     string `json:"detail"`
		SurvivorID string `json:"survivor_id"`
	}
	r.JSON(t, &merged)
	if merged.SurvivorID != a || !strings.Contains(merged.Detail, "merged into "+a) {
		t.Fatalf("restoring a merged party: %s", r.Body)
	}
	// A live party is not deleted.
	r = h.Do(t, "POST", people+"/"+a+"/restore", lan, body)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), "not deleted") {
		t.Fatalf("restoring a live party: %s", r.Body)
	}
	// An id never issued, or a person's id as an organisation's, is not found.
	mustStatus(t, h.Do(t, "POST", people+"/"+event.NewID().String()+"/restore", lan, body), 404)
	mustStatus(t, h.Do(t, "DELETE", people+"/"+a, lan, nil), 204)
	mustStatus(t, h.Do(t, "POST", orgs+"/"+a+"/restore", lan, body), 404)
	// Restored once, it is live: a second restore is refused.
	mustStatus(t, h.Do(t, "POST", people+"/"+a+"/restore", lan, body), 200)
	mustStatus(t, h.Do(t, "POST", people+"/"+a+"/restore", lan, body), 409)
	// Its old id resolves to it again.
	if r := h.Do(t, "GET", people+"/"+b, lan, nil); decodeItem(t, r).ID != a {
		t.Fatalf("the merged id after the restore: %s", r.Body)
	}
	hist := historyOf(t, h, people+"/"+a)
	var fields []string
	for _, e := range hist {
		fields = append(fields, e.Field)
	}
	if !slices.Equal(fields[len(fields)-3:], []string{"merged_from", "deleted", "restored"}) {
		t.Fatalf("history fields %q", fields)
	}
	// An import undo's deletion keeps no record to restore: the row is
	// in the import's file.
	job := importFile(t, h, lan, "khach.csv", []byte("Họ và tên;Điện thoại\nLê Văn Nhập;0912000009\n"), "people", 30*time.Second)
	imported := namePairs(t, h, `SELECT doc->>'full_name', id::text FROM person`)["Lê Văn Nhập"]
	undoImport(t, h, lan, job.ID)
	r = h.Do(t, "POST", people+"/"+imported+"/restore", lan, body)
	mustStatus(t, r, 409)
	if !strings.Contains(string(r.Body), "import it again") {
		t.Fatalf("restoring a party an undo deleted: %s", r.Body)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM history WHERE field='restored'`); n != 1 {
		t.Fatalf("%d restores recorded, want 1", n)
	}
}
