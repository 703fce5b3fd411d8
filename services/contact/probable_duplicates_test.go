package contact_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// probablyPerson and probablyOrganisation are the import's messages for a
// row without keys that is probably another row's party or a stored one.
func probablyPerson(as string) string {
	return "same name and workplace as " + as + ", and no phone or email to tell them apart: " +
		"a person is imported once, so this row is not; if they are two people, add this one's phone or email"
}

func probablyOrganisation(as string) string {
	return "same name and province as " + as + ", and no tax code, phone or email to tell them apart: " +
		"an organisation is imported once, so this row is not; if they are two organisations, add this one's tax code"
}

// A school's staff list has no phones; imported again next week with one
// teacher added, it creates only that teacher: the others are reported as
// probable duplicates of the stored people of the same name at the same
// school, abbreviated names included, as the preview shows first. A row
// with a phone is told by its phone alone; a namesake at another school,
// or working nowhere, is someone else.
func TestAStaffListImportedAgainWithoutPhonesCreatesOnlyTheNewTeacher(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Trainer)
	canLoc := create(t, h, tok, orgs, `{"name":"Trường THCS Can Lộc","kinds":["school"]}`)
	kyAnh := create(t, h, tok, orgs, `{"name":"Trường THCS Kỳ Anh","kinds":["school"]}`)
	atCanLoc := map[string]string{"resource": "people", "defaults": fmt.Sprintf(`{"workplace":%q}`, canLoc)}
	staff := "Họ và tên,Chức vụ\nPhan Thị Hiệu,Hiệu trưởng\nLương Văn Phó,Hiệu phó\nKiều Thị Văn Thư,Văn thư\n"
	r := uploadForm(t, h, tok, "staff1.csv", []byte(staff), atCanLoc)
	mustStatus(t, r, 202)
	var job importJob
	r.JSON(t, &job)
	if job = waitForImport(t, h, tok, job.ID, 30*time.Second); job.Progress.Created != 3 {
		t.Fatalf("first list: %+v", job)
	}
	ids := namePairs(t, h, `SELECT name, id::text FROM person`)

	next := "Họ và tên,Chức vụ,Điện thoại\n" +
		"Phan Thị Hiệu,Hiệu trưởng,\n" + // 2 the stored Hiệu
		"Lương V. Phó,Hiệu phó,\n" + // 3 the stored Phó, abbreviated
		"KIỀU THỊ VĂN THƯ,Văn thư,\n" + // 4 the stored Thư, in capitals
		"Mạc Thị Mới,Giáo viên,\n" + // 5 new
		"Mạc T. Mới,Giáo viên,\n" + // 6 row 5 again
		"Phan Thị Hiệu,Giáo viên,0912 000 111\n" // 7 another Hiệu: her phone tells her
	want := []importProblem{
		{Row: 2, Column: "Họ và tên", Message: probablyPerson("existing person Phan Thị Hiệu (" + ids["Phan Thị Hiệu"] + ")")},
		{Row: 3, Column: "Họ và tên", Message: probablyPerson("existing person Lương Văn Phó (" + ids["Lương Văn Phó"] + ")")},
		{Row: 4, Column: "Họ và tên", Message: probablyPerson("existing person Kiều Thị Văn Thư (" + ids["Kiều Thị Văn Thư"] + ")")},
		{Row: 6, Column: "Họ và tên", Message: probablyPerson("row 5 (Mạc Thị Mới)"), DuplicateOfRow: 5},
	}

	r = previewForm(t, h, tok, "", []byte(next), atCanLoc)
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	var previewed []importProblem
	for _, row := range p.Rows {
		if (row.Party == nil) != (len(row.Problems) > 0) {
			t.Errorf("preview of row %d: %+v", row.Row, row)
		}
		previewed = append(previewed, row.Problems...)
	}
	if len(p.Rows) != 6 || !slices.Equal(previewed, want) {
		t.Errorf("preview:\n got %+v\nwant %+v", previewed, want)
	}

	r = uploadForm(t, h, tok, "staff2.csv", []byte(next), atCanLoc)
	mustStatus(t, r, 202)
	r.JSON(t, &job)
	if job = waitForImport(t, h, tok, job.ID, 30*time.Second); job.Progress.Created != 2 || job.Progress.Failed != 4 {
		t.Fatalf("second list: %+v", job)
	}
	if got := problemsOf(t, h, tok, job.ID); !slices.Equal(got, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", got, want)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE name IN ('Phan Thị Hiệu', 'Mạc Thị Mới')`); n != 3 {
		t.Errorf("%d of Hiệu and Mới, want the two Hiệu and one Mới", n)
	}

	// The same names at another school, or at none, are other people.
	elsewhere := map[string]string{"resource": "people", "defaults": fmt.Sprintf(`{"workplace":%q}`, kyAnh)}
	r = uploadForm(t, h, tok, "ky-anh.csv", []byte("Họ và tên\nPhan Thị Hiệu\nLương Văn Phó\n"), elsewhere)
	mustStatus(t, r, 202)
	r.JSON(t, &job)
	if job = waitForImport(t, h, tok, job.ID, 30*time.Second); job.Progress.Created != 2 {
		t.Fatalf("another school's list: %+v", job)
	}
	if job = importFile(t, h, tok, "nowhere.csv", []byte("Họ và tên\nPhan Thị Hiệu\n"), "people", 30*time.Second); job.Progress.Created != 1 {
		t.Fatalf("a list without workplaces: %+v", job)
	}
}

// A Phòng's list of schools has no tax codes; imported again with one school
// more, it creates only that school, and the same school typed in by hand
// is a 409 naming the stored one unless forced with a reason. A school of
// the same name in another province is another school; one without a
// province is any province's.
func TestAListOfSchoolsImportedAgainWithoutTaxCodesCreatesOnlyTheNewSchool(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Trainer)
	if job := importFile(t, h, tok, "o1.csv", []byte("Tên đơn vị,Loại,Tỉnh\nTrường Mầm non Sen Hồng,school,Hà Tĩnh\n"), "organizations", 30*time.Second); job.Progress.Created != 1 {
		t.Fatalf("first list: %+v", job)
	}
	senHong := namePairs(t, h, `SELECT name, id::text FROM organization`)["Trường Mầm non Sen Hồng"]

	next := "Tên đơn vị,Loại,Tỉnh,Mã số thuế\n" +
		"Trường Mầm non Sen Hồng,school,Hà Tĩnh,\n" + // 2 the stored one
		"Trường Mầm non Hoa Mai,school,Hà Tĩnh,\n" + // 3 new
		"truong mam non hoa mai,school,Hà Tĩnh,\n" + // 4 row 3 again
		"Trường Mầm non Sen Hồng,school,Nghệ An,\n" + // 5 another province's
		"Trường Mầm non Sen Hồng,school,Hà Tĩnh,3001234567\n" // 6 its tax code tells it
	job := importFile(t, h, tok, "o2.csv", []byte(next), "organizations", 30*time.Second)
	if job.Progress.Created != 3 || job.Progress.Failed != 2 {
		t.Fatalf("second list: %+v", job)
	}
	want := []importProblem{
		{Row: 2, Column: "Tên đơn vị", Message: probablyOrganisation("existing organisation Trường Mầm non Sen Hồng (" + senHong + ")")},
		{Row: 4, Column: "Tên đơn vị", Message: probablyOrganisation("row 3 (Trường Mầm non Hoa Mai)"), DuplicateOfRow: 3},
	}
	if got := problemsOf(t, h, tok, job.ID); !slices.Equal(got, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", got, want)
	}

	body := `{"name":"TRƯỜNG MẦM NON SEN HỒNG","kinds":["school"],"province":"Hà Tĩnh"%s}`
	r := h.Do(t, "POST", orgs, tok, fmt.Sprintf(body, ""))
	mustStatus(t, r, 409)
	var conflict struct {
		Detail  string
		Matches []item
	}
	r.JSON(t, &conflict)
	// The one the file created with its tax code is a match too.
	if len(conflict.Matches) != 2 || conflict.Matches[0].ID != senHong || !strings.Contains(conflict.Detail, "same name in the same province") {
		t.Fatalf("409: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "POST", orgs, tok, fmt.Sprintf(body, `,"force":true,"force_reason":"the commune has two schools of that name"`)), 201)
	mustStatus(t, h.Do(t, "POST", orgs, tok, fmt.Sprintf(body, `,"tax_code":"3001234568"`)), 201)
	// No province: compared with every province's namesake.
	mustStatus(t, h.Do(t, "POST", orgs, tok, `{"name":"Trường Mầm non Sen Hồng","kinds":["school"]}`), 409)
}

// A person without phone or email typed in by hand at the school where a
// person of the same name works is a 409 naming that person unless forced
// with a reason; with a phone, or at another school, they are created.
func TestCreatingAPersonWithoutPhoneOrEmailWhereTheirNamesakeWorksIsAConflict(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"]}`)
	other := create(t, h, tok, orgs, `{"name":"Trường THCS Kim Đồng","kinds":["school"]}`)
	works := func(org, more string) string {
		return fmt.Sprintf(`{"full_name":"Trần T. Cúc","relationships":[{"kind":"works_at","party_id":%q}]%s}`, org, more)
	}
	cuc := create(t, h, tok, people, `{"full_name":"Trần Thị Cúc","phones":["0912000111"],"relationships":[{"kind":"works_at","party_id":"`+school+`"}]}`)

	r := h.Do(t, "POST", people, tok, works(school, ""))
	mustStatus(t, r, 409)
	var conflict struct {
		Detail  string
		Matches []item
	}
	r.JSON(t, &conflict)
	if len(conflict.Matches) != 1 || conflict.Matches[0].ID != cuc || !strings.Contains(conflict.Detail, "same name at the same workplace") {
		t.Fatalf("409: %s", r.Body)
	}
	mustStatus(t, h.Do(t, "POST", people, tok, works(school, `,"force":true`)), 422) // a reason is needed
	forced := create(t, h, tok, people, works(school, `,"force":true,"force_reason":"two teachers of that name"`))
	if got := namePairs(t, h, `SELECT id::text, force_reason FROM person WHERE id = $1`, forced)[forced]; got != "two teachers of that name" {
		t.Errorf("force reason %q", got)
	}
	create(t, h, tok, people, works(school, `,"emails":["cuc2@example.vn"]`)) // her email tells her
	create(t, h, tok, people, works(other, ""))                               // another school's Cúc
	create(t, h, tok, people, `{"full_name":"Trần Thị Cúc"}`)                 // working nowhere: nothing to compare
	mustStatus(t, h.Do(t, "POST", people, tok, `{"full_name":"Trần Thị Hoa","relationships":[{"kind":"works_at","party_id":"`+school+`"}]}`), 201)
}

// A problem naming a stored party names it by its name as well as its id,
// whichever way the row duplicates it: its phone, its tax code, its id
// (a row without the phone Bình has differs from his record); and a phone
// the party refuses is quoted as the row holds it.
func TestImportProblemsNameTheStoredPartyAndQuoteTheRefusedPhone(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	binh := create(t, h, tok, people, `{"full_name":"Nguyễn Văn Bình","phones":["0912345678"]}`)
	school := create(t, h, tok, orgs, `{"name":"Trường THCS Lê Lợi","kinds":["school"],"tax_code":"0101234567"}`)

	teachers := "ID,Họ và tên,Điện thoại\n" +
		",Lê Thị Hoa,0912 345 678\n" + // 2 Bình's phone
		",Trần Văn Nam,09O4 777 999\n" + // 3 a letter O
		",Phạm Thu,\"0987 000 111, 12345\"\n" + // 4 the second is no phone
		binh + ",Nguyễn Văn Bình,\n" // 5 Bình again, by id
	job := importFile(t, h, tok, "teachers.csv", []byte(teachers), "people", 30*time.Second)
	want := []importProblem{
		{Row: 2, Column: "Điện thoại", Message: "same phone +84912345678 as existing person Nguyễn Văn Bình (" + binh + ")"},
		{Row: 3, Column: "Điện thoại", Message: `holds "09O4 777 999", which is not a valid phone number`},
		{Row: 4, Column: "Điện thoại", Message: `holds "12345", which is not a valid phone number`},
		{Row: 5, Column: "Điện thoại", Message: differsMessage("existing person Nguyễn Văn Bình ("+binh+")", "Điện thoại", "person")},
	}
	if got := problemsOf(t, h, tok, job.ID); job.Progress.Created != 0 || !slices.Equal(got, want) {
		t.Errorf("people problems (%+v):\n got %+v\nwant %+v", job.Progress, got, want)
	}

	job = importFile(t, h, tok, "schools.csv", []byte("Tên đơn vị,Mã số thuế\nTHCS Lê Lợi,0101234567\n"), "organizations", 30*time.Second)
	want = []importProblem{{Row: 2, Column: "Mã số thuế", Message: "same tax code 0101234567 as existing organisation Trường THCS Lê Lợi (" + school + ")"}}
	if got := problemsOf(t, h, tok, job.ID); !slices.Equal(got, want) {
		t.Errorf("organisation problems:\n got %+v\nwant %+v", got, want)
	}
}
