package contact_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// conflict is one member of a merge-conflict problem's conflicts.
type conflict struct {
	Field    string `json:"field"`
	Survivor any    `json:"survivor"`
	Merged   any    `json:"merged"`
}

// conflictsOf fails t unless r is the 409 of a merge with undecided
// conflicts, and returns them.
func conflictsOf(t *testing.T, r servicetest.Response) []conflict {
	t.Helper()
	mustStatus(t, r, 409)
	var p struct {
		Type      string
		Detail    string
		Conflicts []conflict
	}
	r.JSON(t, &p)
	if p.Type != "https://rapport.dev/problems/merge-conflict" || !strings.Contains(p.Detail, "keep") {
		t.Fatalf("409 is no merge conflict telling to name each in keep: %s", r.Body)
	}
	return p.Conflicts
}

// unchanged fails t unless each party path still answers the ETag it had.
func unchanged(t *testing.T, h *servicetest.Harness, tok string, etags map[string]string) {
	t.Helper()
	for path, etag := range etags {
		r := h.Do(t, "GET", path, tok, nil)
		mustStatus(t, r, 200)
		var v item
		r.JSON(t, &v)
		if got := r.Header.Get("ETag"); got != etag || !strings.HasSuffix(path, "/"+v.ID) {
			t.Fatalf("%s answers %s (ETag %s, was %s) after a refused merge", path, v.ID, got, etag)
		}
	}
}

// mergeHistory returns the merge_conflict.* entries of a party's history by
// field, their new values decoded.
func mergeHistory(t *testing.T, h *servicetest.Harness, tok, path string) map[string]map[string]any {
	t.Helper()
	var hist struct {
		Items []struct {
			Field string
			New   json.RawMessage
		}
	}
	r := h.Do(t, "GET", path+"/history", tok, nil)
	mustStatus(t, r, 200)
	r.JSON(t, &hist)
	out := map[string]map[string]any{}
	for _, it := range hist.Items {
		if field, ok := strings.CutPrefix(it.Field, "merge_conflict."); ok {
			var v map[string]any
			if err := json.Unmarshal(it.New, &v); err != nil {
				t.Fatal(err)
			}
			out[field] = v
		}
	}
	return out
}

// Two records of one school with two tax codes: a merge that kept one
// unasked would drop the other, and with it the duplicate check it gives.
func TestAMergeOfTwoTaxCodesAsksWhichToKeep(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	d := newDocumented(t, h)
	tok := h.Token(t, auth.Sales)
	a := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"tax_code":"0101234567","province":"Hà Nội","address":"12 Lê Lợi"}`)
	b := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"tax_code":"0109876543","province":"Hà Nội"}`)
	etags := map[string]string{}
	for _, id := range []string{a, b} {
		etags[orgs+"/"+id] = h.Do(t, "GET", orgs+"/"+id, tok, nil).Header.Get("ETag")
	}

	got := conflictsOf(t, d.do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b), 409))
	if want := []conflict{{"tax_code", "0101234567", "0109876543"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts %+v, want %+v", got, want)
	}
	// Nothing was written: both are there as they were, and b's tax code
	// still refuses a third record.
	unchanged(t, h, tok, etags)
	mustStatus(t, h.Do(t, "POST", orgs, tok, `{"name":"Kim Đồng","kinds":["school"],"tax_code":"0109876543"}`), 409)
	// A decision on another field does not decide this one.
	got = conflictsOf(t, h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"name":"merged"}}`, b)))
	if len(got) != 1 || got[0].Field != "tax_code" {
		t.Fatalf("conflicts %+v, want tax_code", got)
	}
	unchanged(t, h, tok, etags)

	r := d.do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"tax_code":"survivor","name":"merged"}}`, b), 200)
	var merged struct {
		TaxCode string `json:"tax_code"`
		Address string `json:"address"`
	}
	r.JSON(t, &merged)
	if merged.TaxCode != "0101234567" || merged.Address != "12 Lê Lợi" {
		t.Fatalf("merged organisation: %s", r.Body)
	}
	// The tax code kept away is in the survivor's history, with the choice.
	want := map[string]map[string]any{"tax_code": {"survivor": "0101234567", "merged": "0109876543", "kept": "survivor"}}
	if hist := mergeHistory(t, h, tok, orgs+"/"+a); !reflect.DeepEqual(hist, want) {
		t.Fatalf("merge history %v, want %v", hist, want)
	}

	// Choosing the merged one's takes it, and the survivor's goes to history.
	c := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"tax_code":"0301234567"}`)
	e := create(t, h, tok, orgs, `{"name":"THCS Lê Lợi","kinds":["school"],"tax_code":"0309876543"}`)
	r = h.Do(t, "POST", orgs+"/"+c+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"tax_code":"merged","name":"survivor"}}`, e))
	mustStatus(t, r, 200)
	var v struct {
		Name    string `json:"name"`
		TaxCode string `json:"tax_code"`
	}
	r.JSON(t, &v)
	if v.Name != "Trường THCS Lê Lợi" || v.TaxCode != "0309876543" {
		t.Fatalf("merged organisation: %s", r.Body)
	}
	hist := mergeHistory(t, h, tok, orgs+"/"+c)
	if hist["tax_code"]["survivor"] != "0301234567" || hist["tax_code"]["kept"] != "merged" || hist["name"]["merged"] != "THCS Lê Lợi" {
		t.Fatalf("merge history %v", hist)
	}
}

func TestABadKeepIsRefusedNamingItsField(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := create(t, h, tok, orgs, `{"name":"Trường A","kinds":["school"],"tax_code":"0101234567"}`)
	b := create(t, h, tok, orgs, `{"name":"Trường A","kinds":["school"],"tax_code":"0109876543"}`)
	etags := map[string]string{}
	for _, id := range []string{a, b} {
		etags[orgs+"/"+id] = h.Do(t, "GET", orgs+"/"+id, tok, nil).Header.Get("ETag")
	}
	merge := func(keep string) servicetest.Response {
		return h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":%s}`, b, keep))
	}
	mustName(t, merge(`{"tax_code":"both"}`), "keep.tax_code", `must be "survivor" or "merged"`)
	mustName(t, merge(`{"tax_code":"survivor","stage":"merged"}`), "keep.stage", "is no field a merge can conflict on (name, tax_code, address, website, supervising_unit_id, owner_id, force_reason, custom_fields.<name>)")
	mustName(t, merge(`{"tax_code":"survivor","province":"merged"}`), "keep.province", "name address")
	unchanged(t, h, tok, etags)

	p := create(t, h, tok, people, `{"full_name":"Lê Văn Tám"}`)
	q := create(t, h, tok, people, `{"full_name":"Lê Văn Tám"}`)
	mustName(t, h.Do(t, "POST", people+"/"+p+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"custom_fields.level":"merged"}}`, q)),
		"keep.custom_fields.level", "is no field a merge can conflict on")
	// A decision on a field the two agree on is no fault: a client may
	// send back every conflict it was once shown.
	mustStatus(t, h.Do(t, "POST", people+"/"+p+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"merged","birthday":"survivor"}}`, q)), 200)
}

// Two records of one parent: name, Zalo, birthday and the staff caring
// for them differ, and each is the user's to choose.
func TestAPersonMergeAsksAboutNameZaloBirthdayAndOwner(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := create(t, h, tok, people, `{"full_name":"Nguyễn Văn An","zalo_id":"an.zalo","birthday":"1990-05-09","phones":["0912345678"]}`)
	b := create(t, h, tok, people, `{"full_name":"Nguyễn V. An","zalo_id":"an.2","birthday":"1990-09-05","owner_id":"user-lead","phones":["0987654321"]}`)
	etags := map[string]string{people + "/" + a: h.Do(t, "GET", people+"/"+a, tok, nil).Header.Get("ETag"),
		people + "/" + b: h.Do(t, "GET", people+"/"+b, tok, nil).Header.Get("ETag")}

	// b is the lead's: the lead merges it (the owner rule keeps a sales
	// user from merging a colleague's party away).
	lead := h.Token(t, auth.Lead)
	got := conflictsOf(t, h.Do(t, "POST", people+"/"+a+"/merge", lead, fmt.Sprintf(`{"merged_id":%q}`, b)))
	want := []conflict{
		{"full_name", "Nguyễn Văn An", "Nguyễn V. An"},
		{"zalo_id", "an.zalo", "an.2"},
		{"birthday", "1990-05-09", "1990-09-05"},
		{"owner_id", "user-sales", "user-lead"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts %+v, want %+v", got, want)
	}
	unchanged(t, h, tok, etags)

	r := h.Do(t, "POST", people+"/"+a+"/merge", lead, fmt.Sprintf(
		`{"merged_id":%q,"keep":{"full_name":"survivor","zalo_id":"merged","birthday":"merged","owner_id":"merged"}}`, b))
	mustStatus(t, r, 200)
	var v struct {
		FullName string   `json:"full_name"`
		ZaloID   string   `json:"zalo_id"`
		Birthday string   `json:"birthday"`
		OwnerID  string   `json:"owner_id"`
		Phones   []string `json:"phones"`
	}
	r.JSON(t, &v)
	if v.FullName != "Nguyễn Văn An" || v.ZaloID != "an.2" || v.Birthday != "1990-09-05" || v.OwnerID != "user-lead" || len(v.Phones) != 2 {
		t.Fatalf("merged person: %s", r.Body)
	}
	hist := mergeHistory(t, h, tok, people+"/"+a)
	if len(hist) != 4 || hist["full_name"]["merged"] != "Nguyễn V. An" || hist["zalo_id"]["survivor"] != "an.zalo" ||
		hist["birthday"]["survivor"] != "1990-05-09" || hist["owner_id"]["kept"] != "merged" {
		t.Fatalf("merge history %v", hist)
	}
	// The owner chosen takes the person over as a hand-over would.
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM owner_audit WHERE party_id=$1 AND reason='merged' AND old_owner='user-sales' AND new_owner='user-lead'`, a); n != 1 {
		t.Fatalf("%d owner audit rows of the merge, want 1", n)
	}
}

// Custom fields conflict one by one, named custom_fields.<name>.
func TestAMergeAsksAboutEachDifferingCustomField(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	a := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"custom_fields":{"student_count":900}}`)
	b := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"emails":["kimdong@example.vn"],"custom_fields":{"student_count":1200}}`)

	got := conflictsOf(t, h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b)))
	if want := []conflict{{"custom_fields.student_count", 900.0, 1200.0}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts %+v, want %+v", got, want)
	}
	r := h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"custom_fields.student_count":"merged"}}`, b))
	mustStatus(t, r, 200)
	var v struct {
		CustomFields map[string]any `json:"custom_fields"`
	}
	r.JSON(t, &v)
	if v.CustomFields["student_count"] != 1200.0 {
		t.Fatalf("merged organisation: %s", r.Body)
	}
	if hist := mergeHistory(t, h, tok, orgs+"/"+a); hist["custom_fields.student_count"]["survivor"] != 900.0 {
		t.Fatalf("merge history %v", hist)
	}
}

// An address is decided whole: the ward of one with the province of the
// other names no place. Choosing one takes its province with today's.
func TestAMergeAsksAboutTheAddressAsAWhole(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	d := newDocumented(t, h)
	tok := h.Token(t, auth.Sales)
	a := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"province":"Hà Nội","address":"12 Lê Lợi"}`)
	b := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"province":"Bình Dương","ward":"Phú Cường"}`)

	got := conflictsOf(t, d.do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b), 409))
	want := []conflict{{"address", map[string]any{"province": "Hà Nội", "address": "12 Lê Lợi"}, map[string]any{"province": "Bình Dương", "ward": "Phú Cường"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts %+v, want %+v", got, want)
	}
	r := d.do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"address":"merged"}}`, b), 200)
	var v struct {
		Province        string `json:"province"`
		CurrentProvince string `json:"current_province"`
		Ward            string `json:"ward"`
		Address         string `json:"address"`
	}
	r.JSON(t, &v)
	if v.Province != "Bình Dương" || v.CurrentProvince != "Thành phố Hồ Chí Minh" || v.Ward != "Phú Cường" || v.Address != "" {
		t.Fatalf("merged organisation: %s", r.Body)
	}
	if hist := mergeHistory(t, h, tok, orgs+"/"+a); hist["address"]["survivor"].(map[string]any)["address"] != "12 Lê Lợi" {
		t.Fatalf("merge history %v", hist)
	}
}

// The merged party's supervising unit, chosen over the survivor's own, may
// be below one of the two: the merge would drop it as a loop, and the
// survivor's with it, so the choice is refused instead.
func TestChoosingASupervisingUnitBelowTheMergedPartiesIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	so := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Hà Nội","kinds":["supervising_unit"]}`)
	a := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Phòng GD&ĐT Ba Đình","kinds":["supervising_unit"],"supervising_unit_id":%q}`, so))
	below := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Trường THCS Ba Đình","kinds":["school"],"supervising_unit_id":%q}`, a))
	b := create(t, h, tok, orgs, fmt.Sprintf(`{"name":"Phòng GD&ĐT Ba Đình","kinds":["supervising_unit"],"emails":["badinh@example.vn"],"supervising_unit_id":%q}`, below))

	r := h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b))
	got := conflictsOf(t, r)
	if want := []conflict{{"supervising_unit_id", so, below}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts %+v, want %+v", got, want)
	}
	// The user chooses between two units, not two ids.
	var named struct {
		Conflicts []struct {
			SurvivorName string `json:"survivor_name"`
			MergedName   string `json:"merged_name"`
		}
	}
	r.JSON(t, &named)
	if c := named.Conflicts[0]; c.SurvivorName != "Sở GD&ĐT Hà Nội" || c.MergedName != "Trường THCS Ba Đình" {
		t.Errorf("conflict names: %s", r.Body)
	}
	mustName(t, h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"supervising_unit_id":"merged"}}`, b)),
		"keep.supervising_unit_id", "keep the survivor's")
	r = h.Do(t, "POST", orgs+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"supervising_unit_id":"survivor"}}`, b))
	mustStatus(t, r, 200)
	var v struct {
		SupervisingUnitID string `json:"supervising_unit_id"`
	}
	r.JSON(t, &v)
	if v.SupervisingUnitID != so {
		t.Fatalf("merged organisation: %s", r.Body)
	}
}

// A person created on purpose beside another ("two teachers named Bình")
// is not merged into it unasked: a merge cannot be taken back, so the
// reason shows as a conflict on force_reason, deciding it acknowledges it,
// and the merge's history keeps it after the record holding it is gone.
func TestAMergeShowsWhyAPartyWasCreatedBesideAnother(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Bình Minh","kinds":["school"],"province":"Hà Nội"}`)
	works := fmt.Sprintf(`"relationships":[{"kind":"works_at","party_id":%q}]`, school)
	a := create(t, h, tok, people, `{"full_name":"Trần Văn Bình",`+works+`}`)
	const why = "hai thầy Bình khác nhau: dạy Toán và dạy Văn"
	b := create(t, h, tok, people, `{"full_name":"Trần Văn Bình","force":true,"force_reason":"`+why+`",`+works+`}`)
	etags := map[string]string{people + "/" + a: h.Do(t, "GET", people+"/"+a, tok, nil).Header.Get("ETag"),
		people + "/" + b: h.Do(t, "GET", people+"/"+b, tok, nil).Header.Get("ETag")}

	r := h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, b))
	if !strings.Contains(string(r.Body), "created on purpose") {
		t.Fatalf("the 409 does not say why force_reason needs a decision: %s", r.Body)
	}
	got := conflictsOf(t, r)
	if want := []conflict{{"force_reason", "", why}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts %+v, want %+v", got, want)
	}
	unchanged(t, h, tok, etags)

	r = h.Do(t, "POST", people+"/"+a+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"force_reason":"survivor"}}`, b))
	mustStatus(t, r, 200)
	var v struct {
		ForceReason string `json:"force_reason"`
	}
	r.JSON(t, &v)
	if v.ForceReason != "" {
		t.Fatalf("the survivor, created without force, now says %q", v.ForceReason)
	}
	if hist := mergeHistory(t, h, tok, people+"/"+a); hist["force_reason"]["merged"] != why || hist["force_reason"]["kept"] != "survivor" {
		t.Fatalf("merge history %v", hist)
	}
}
