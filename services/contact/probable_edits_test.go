package contact_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// probablyNamesake is the import's message for an organisation row without
// keys of the name of another row's or a stored one, one of the two
// without a province.
func probablyNamesake(as string) string {
	return "same name as " + as + ", one of them without a province, and no tax code, phone or email to tell them apart: " +
		"an organisation is imported once, so this row is not; if they are two organisations, give both their provinces, or add this one's tax code"
}

// conflictOf reads a 409: its detail and the ids of its matches, in order.
func conflictOf(t *testing.T, r servicetest.Response) (string, []string) {
	t.Helper()
	mustStatus(t, r, 409)
	var c struct {
		Detail  string
		Matches []item
	}
	r.JSON(t, &c)
	ids := make([]string, len(c.Matches))
	for i, m := range c.Matches {
		ids[i] = m.ID
	}
	return c.Detail, ids
}

// An edit is checked as a creation is, for what it changes: a teacher
// without phone or email renamed into the name of a colleague at her
// school, or moved to the school where her namesake works, is a 409 naming
// the colleague, and writes nothing; forced with a reason it is saved, the
// reason becoming her force_reason, its change in her history. A phone
// the edit adds that another holds is the same 409, as it says.
func TestAnEditThatMakesAPersonANamesakeAtTheirSchoolIsAConflictUnlessForced(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"]}`)
	other := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	at := func(org string) string {
		return fmt.Sprintf(`"relationships":[{"kind":"works_at","party_id":%q}]`, org)
	}
	cuc := create(t, h, tok, people, `{"full_name":"Trần Thị Cúc","phones":["0912000111"],`+at(school)+`}`)
	mai := create(t, h, tok, people, `{"full_name":"Trần Thị Mai",`+at(school)+`}`)
	elsewhere := create(t, h, tok, people, `{"full_name":"Trần Thị Cúc",`+at(other)+`}`)

	before := written(t, h)
	detail, matches := conflictOf(t, h.Do(t, "PATCH", people+"/"+mai, tok, `{"full_name":"Trần T. Cúc"}`))
	if !slices.Equal(matches, []string{cuc}) || !strings.Contains(detail, "after the edit") ||
		!strings.Contains(detail, "same name at the same workplace") || !strings.Contains(detail, "to make the edit anyway") {
		t.Fatalf("the rename's 409: %s, %q", detail, matches)
	}
	if _, matches = conflictOf(t, h.Do(t, "PATCH", people+"/"+elsewhere, tok, `{`+at(school)+`}`)); !slices.Equal(matches, []string{cuc}) {
		t.Fatalf("the move's 409 names %q", matches)
	}
	if n := written(t, h); n != before {
		t.Fatalf("a refused edit wrote %d rows", n-before)
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+elsewhere, tok, `{"tags":["k10"]}`), 200) // nothing the rule reads

	mustName(t, h.Do(t, "PATCH", people+"/"+mai, tok, `{"full_name":"Trần T. Cúc","force":true}`), "force_reason", "is required when force is true")
	mustName(t, h.Do(t, "PATCH", people+"/"+mai, tok, `{"full_name":"Trần T. Cúc","force_reason":"x"}`), "force_reason", "cannot be changed")
	r := h.Do(t, "PATCH", people+"/"+mai, tok, `{"full_name":"Trần T. Cúc","force":true,"force_reason":"two teachers of that name"}`)
	mustStatus(t, r, 200)
	var v restoredPerson
	if r.JSON(t, &v); v.FullName != "Trần T. Cúc" || v.ForceReason != "two teachers of that name" {
		t.Fatalf("the forced edit: %s", r.Body)
	}

	detail, matches = conflictOf(t, h.Do(t, "PATCH", people+"/"+mai, tok, `{"phones":["0912 000 111"]}`))
	if !slices.Equal(matches, []string{cuc}) || !strings.Contains(detail, "the edit adds a phone, email or tax code another party holds") ||
		!strings.Contains(detail, "to make the edit anyway") {
		t.Fatalf("the added phone's 409: %s, %q", detail, matches)
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+mai, tok, `{"phones":["0912 000 111"],"force":true,"force_reason":"she answers the school phone"}`), 200)
	got := historyPages(t, h, tok, people+"/"+mai, "field=force_reason")
	if len(got) != 2 || string(got[0].Old) != "null" || string(got[0].New) != `"two teachers of that name"` ||
		string(got[1].Old) != `"two teachers of that name"` || string(got[1].New) != `"she answers the school phone"` {
		t.Fatalf("force_reason in history: %+v", got)
	}
}

// A pair that matched before an edit stays editable: two schools of one
// name kept on purpose, and two teachers of one name at one school, take
// a change of tags, and edits that leave them matching as they did, with
// no force.
func TestAnEditThatChangesNothingTheRuleReadsIsSavedBesideAnAlreadyMatchingParty(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	force := `,"force":true,"force_reason":"two of that name"`
	first := create(t, h, tok, orgs, `{"name":"Trường Mầm non Sen Hồng","kinds":["school"],"province":"Hà Tĩnh"}`)
	second := create(t, h, tok, orgs, `{"name":"Trường Mầm non Sen Hồng","kinds":["school"]`+force+`}`)
	for _, id := range []string{first, second} {
		mustStatus(t, h.Do(t, "PATCH", orgs+"/"+id, tok, `{"tags":["vip"]}`), 200)
	}
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+second, tok, `{"province":"Hà Tĩnh"}`), 200)
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+second, tok, `{"name":"TRƯỜNG MẦM NON SEN HỒNG"}`), 200)

	at := fmt.Sprintf(`"relationships":[{"kind":"works_at","party_id":%q}]`, first)
	cuc := create(t, h, tok, people, `{"full_name":"Trần Thị Cúc",`+at+`}`)
	again := create(t, h, tok, people, `{"full_name":"Trần Thị Cúc",`+at+force+`}`)
	for _, id := range []string{cuc, again} {
		mustStatus(t, h.Do(t, "PATCH", people+"/"+id, tok, `{"tags":["k10"]}`), 200)
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+again, tok, `{"full_name":"Trần T. Cúc"}`), 200)
}

// An organisation without a province is compared with the organisations
// of its name in every province, and one with a province with those of its
// name without one, on a creation and on an edit that removes or changes
// its province or renames it; a tax code tells them apart.
func TestAnOrganisationWithoutAProvinceIsComparedWithEveryProvincesNamesake(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	leLoi := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"province":"Hà Tĩnh"}`)
	detail, matches := conflictOf(t, h.Do(t, "POST", orgs, tok, `{"name":"Trường THCS Lê Lợi.","kinds":["school"]}`))
	if !slices.Equal(matches, []string{leLoi}) || !strings.Contains(detail, "with no province on one of them") ||
		!strings.Contains(detail, "to create it anyway") {
		t.Fatalf("no province beside one with: %s, %q", detail, matches)
	}
	hoaSen := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Hoa Sen","kinds":["school"]}`)
	if _, matches = conflictOf(t, h.Do(t, "POST", orgs, tok, `{"name":"Trường Tiểu học Hoa Sen","kinds":["school"],"province":"Nghệ An"}`)); !slices.Equal(matches, []string{hoaSen}) {
		t.Fatalf("a province beside one without names %q", matches)
	}
	create(t, h, tok, orgs, `{"name":"Trường Tiểu học Hoa Sen","kinds":["school"],"province":"Nghệ An","tax_code":"2901234567"}`)

	// Another province's namesake is another school, until the edit
	// removes or changes its province.
	ngheAn := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"province":"Nghệ An"}`)
	for _, edit := range []string{`{"province":null}`, `{"province":"Hà Tĩnh"}`} {
		if _, matches = conflictOf(t, h.Do(t, "PATCH", orgs+"/"+ngheAn, tok, edit)); !slices.Equal(matches, []string{leLoi}) {
			t.Fatalf("%s names %q", edit, matches)
		}
	}
	kimDong := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	if _, matches = conflictOf(t, h.Do(t, "PATCH", orgs+"/"+kimDong, tok, `{"name":"Trường Tiểu học Hoa Sen"}`)); !slices.Contains(matches, hoaSen) {
		t.Fatalf("the rename names %q", matches)
	}
	mustStatus(t, h.Do(t, "PATCH", orgs+"/"+kimDong, tok, `{"name":"Trường Tiểu học Hoa Sen","tax_code":"2901234568"}`), 200)
}

// A restore is compared as a creation is: a teacher without phone or
// email deleted, and typed in again since at the same school, or a school
// deleted and created again since without its province, is a 409 naming
// the party created since, which writes nothing; forced, it is restored
// with the reason.
func TestARestoreIsRefusedByAProbableDuplicateCreatedSinceUnlessForced(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	lan := staffToken(t, "user-lan", auth.Sales)
	school := create(t, h, lan, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"province":"Hà Tĩnh"}`)
	at := fmt.Sprintf(`"relationships":[{"kind":"works_at","party_id":%q}]`, school)
	toan := create(t, h, lan, people, `{"full_name":"Trần Quốc Toản",`+at+`}`)
	mustStatus(t, h.Do(t, "DELETE", people+"/"+toan, lan, nil), 204)
	again := create(t, h, lan, people, `{"full_name":"Trần Q. Toản",`+at+`}`)

	before := written(t, h)
	detail, matches := conflictOf(t, h.Do(t, "POST", people+"/"+toan+"/restore", lan, `{"reason":"xoá nhầm"}`))
	if !slices.Equal(matches, []string{again}) || !strings.Contains(detail, "a party created since probably is it") ||
		!strings.Contains(detail, "to restore it anyway") {
		t.Fatalf("the restore's 409: %s, %q", detail, matches)
	}
	if n := written(t, h); n != before {
		t.Fatalf("a refused restore wrote %d rows", n-before)
	}
	r := h.Do(t, "POST", people+"/"+toan+"/restore", lan, `{"reason":"xoá nhầm","force":true,"force_reason":"hai thầy cùng tên"}`)
	mustStatus(t, r, 200)
	var v restoredPerson
	if r.JSON(t, &v); v.ForceReason != "hai thầy cùng tên" {
		t.Fatalf("the forced restore: %s", r.Body)
	}

	senHong := create(t, h, lan, orgs, `{"name":"Trường Mầm non Sen Hồng","kinds":["school"],"province":"Hà Tĩnh"}`)
	mustStatus(t, h.Do(t, "DELETE", orgs+"/"+senHong, lan, nil), 204)
	since := create(t, h, lan, orgs, `{"name":"Trường Mầm non Sen Hồng","kinds":["school"]}`)
	if _, matches = conflictOf(t, h.Do(t, "POST", orgs+"/"+senHong+"/restore", lan, `{"reason":"xoá nhầm"}`)); !slices.Equal(matches, []string{since}) {
		t.Fatalf("the school's restore names %q", matches)
	}
}

// An import compares an organisation row without keys as the API does:
// a row without a province with every province's namesake, stored or an
// earlier row's, and a row with one with those without; what the import
// creates without a province, the API then refuses a namesake of.
func TestAnImportComparesAnOrganisationWithoutAProvinceAsTheAPIDoes(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	leLoi := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"province":"Hà Tĩnh"}`)
	hoaSen := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Hoa Sen","kinds":["school"]}`)
	file := "Tên đơn vị,Loại,Tỉnh\n" +
		"Trường THCS Lê Lợi,school,\n" + // 2 the stored one, in Hà Tĩnh
		"Trường Tiểu học Hoa Sen,school,Nghệ An\n" + // 3 the stored one, without a province
		"Trường THCS Kim Đồng,school,\n" + // 4 new
		"Trường THCS Kim Đồng,school,Hà Tĩnh\n" + // 5 row 4 in any province
		"Trường Tiểu học Hoa Mai,school,Nghệ An\n" // 6 new
	job := importFile(t, h, tok, "schools.csv", []byte(file), "organizations", 30*time.Second)
	want := []importProblem{
		{Row: 2, Column: "Tên đơn vị", Message: probablyNamesake("existing organisation Trường THCS Lê Lợi (" + leLoi + ")")},
		{Row: 3, Column: "Tên đơn vị", Message: probablyNamesake("existing organisation Trường Tiểu học Hoa Sen (" + hoaSen + ")")},
		{Row: 5, Column: "Tên đơn vị", Message: probablyNamesake("row 4 (Trường THCS Kim Đồng)"), DuplicateOfRow: 4},
	}
	if got := problemsOf(t, h, tok, job.ID); job.Progress.Created != 2 || !slices.Equal(got, want) {
		t.Fatalf("problems (%+v):\n got %+v\nwant %+v", job.Progress, got, want)
	}
	kimDong := namePairs(t, h, `SELECT name, id::text FROM organization WHERE name = 'Trường THCS Kim Đồng'`)["Trường THCS Kim Đồng"]
	if _, matches := conflictOf(t, h.Do(t, "POST", orgs, tok, `{"name":"Trường THCS Kim Đồng","kinds":["school"],"province":"Hà Tĩnh"}`)); !slices.Equal(matches, []string{kimDong}) {
		t.Fatalf("the API names %q", matches)
	}
}
