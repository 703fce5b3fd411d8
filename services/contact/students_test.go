package contact_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A pupil on two sheets of a class list (a sheet per class), named beside
// the same parent under the same name, initials and left-out middle names
// aside, is one child: the second row is reported as a duplicate of the
// first, in the preview as in the import, and not created, so the parent
// gets one child of that name. A parent only the refused row names is not
// created, and the report says so.
func TestAStudentOnTwoSheetsOfAClassListIsCreatedOnceAndReported(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	header := []any{"Họ và tên", "Ngày sinh", "Họ tên mẹ", "SĐT mẹ", "Họ tên cha", "SĐT cha"}
	file := classWorkbook(t, [][]string{{"Lớp 5A"}, {"CLB Cờ vua"}}, map[string][][]any{
		"Lớp 5A": {header,
			{"Nguyễn Văn An", "02/03/2015", "Phạm Thị Cúc", "0987000222"},
			{"Lê Thị Bình", "05/09/2015", "Ngô Thị Mai", "0903000333"}},
		"CLB Cờ vua": {header,
			{"Trần Văn Cường", "01/01/2017", "Phạm Thị Cúc", "0987 000 222"},                        // 2 her other child
			{"Nguyễn An", "", "Phạm T. Cúc", "0987000222", "Nguyễn Văn Đức", "0912000444"},          // 3 row 2 of 5A, with a father
			{"le thi binh", "05/09/2015", "", "+84903000333"},                                       // 4 row 3 of 5A
			{"Lê Thị Bình", "05/09/2015", "Ngô Thị Mai", "0903000333", "Lê Văn Hải", "0912000555"}}, // 5 row 3 of 5A again
	})
	an := `same student as row 2 of sheet "Lớp 5A" (Nguyễn Văn An), named beside the same mother (+84987000222): ` +
		"a child is imported once, so this row is not; if they are two children, write each one's full name"
	binh := strings.ReplaceAll(strings.ReplaceAll(an, "row 2", "row 3"), "Nguyễn Văn An), named beside the same mother (+84987000222",
		"Lê Thị Bình), named beside the same mother (+84903000333")
	unlinked := func(name, phone, row string) string {
		return fmt.Sprintf(". It also names the father %s (%s), left unlinked as the row is not imported: add them to %s to link them", name, phone, row)
	}
	want := []importProblem{
		{Row: 3, Column: "Họ và tên", Message: an + unlinked("Nguyễn Văn Đức", "+84912000444", `row 2 of sheet "Lớp 5A"`),
			DuplicateOfRow: 2, Sheet: "CLB Cờ vua", DuplicateOfSheet: "Lớp 5A"},
		{Row: 4, Column: "Họ và tên", Message: binh, DuplicateOfRow: 3, Sheet: "CLB Cờ vua", DuplicateOfSheet: "Lớp 5A"},
		{Row: 5, Column: "Họ và tên", Message: binh + unlinked("Lê Văn Hải", "+84912000555", `row 3 of sheet "Lớp 5A"`),
			DuplicateOfRow: 3, Sheet: "CLB Cờ vua", DuplicateOfSheet: "Lớp 5A"},
	}

	r := previewForm(t, h, tok, "", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 6 || p.Rows[2].Party == nil {
		t.Fatalf("preview: %s", r.Body)
	}
	for i, w := range want {
		if row := p.Rows[3+i]; row.Party != nil || len(row.Problems) != 1 || row.Problems[0] != w || row.Parents != nil {
			t.Errorf("preview of row %d of %q:\n got %+v\nwant %+v", row.Row, row.Sheet, row, w)
		}
	}

	job := importFile(t, h, tok, "lop5a.xlsx", file, "people", 30*time.Second)
	progress := progressOf(t, h, tok, job.ID)
	if w := (importProgress{Created: 3, Failed: 3, ParentsCreated: 2}); progress != w {
		t.Fatalf("progress %+v, want %+v", progress, w)
	}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", report, want)
	}
	family := map[string]string{
		"Phạm Thị Cúc": "parent_of Nguyễn Văn An, parent_of Trần Văn Cường",
		"Ngô Thị Mai":  "parent_of Lê Thị Bình",
	}
	sameFamilies(t, h, family)
	if u, body := undoImport(t, h, tok, job.ID); u.Deleted != 5 {
		t.Fatalf("undo: %s", body)
	}
}

// Next term's class list is another file, and names the students a stored
// parent already has: a row naming a parent the stored people hold, beside
// a stored child of theirs under the same name, is reported as that
// person and not created again, in the preview as in the import; a new
// brother is created and linked, and a student twice in the file is
// reported as the row above. Undoing the second list takes back only what
// it added.
func TestNextTermsClassListCreatesNoStudentTheParentsAlreadyHave(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	first := "Họ và tên,Ngày sinh,Họ tên mẹ,SĐT mẹ\n" +
		"Nguyễn Văn An,02/03/2015,Phạm Thị Cúc,0987000222\n" +
		"Lê Thị Bình,05/09/2015,Ngô Thị Mai,0903000333\n"
	job := importFile(t, h, tok, "hk1.csv", []byte(first), "people", 30*time.Second)
	if job.Progress.Created != 2 {
		t.Fatalf("first term: %+v", job)
	}
	ids := namePairs(t, h, `SELECT name, id::text FROM person`)

	next := "Họ và tên,Ngày sinh,Họ tên mẹ,SĐT mẹ,Họ tên cha,SĐT cha\n" +
		"Nguyễn V. An,02/03/2015,,0987 000 222,Nguyễn Văn Đức,0912000444\n" + // 2 the stored An, with a father
		"LÊ THỊ BÌNH,05/09/2015,Ngô Thị Mai,0903000333,,\n" + // 3 the stored Bình
		"Nguyễn Văn Châu,01/01/2018,Phạm Thị Cúc,0987000222,,\n" + // 4 An's new brother
		"Nguyễn Văn Châu,01/01/2018,Phạm Thị Cúc,0987000222,,\n" + // 5 row 4 again
		"Lê Thị Bình,05/09/2015,Vũ Thị Lan,0977000666,,\n" // 6 another mother's Bình
	same := func(name, phone string) string {
		return fmt.Sprintf("same student as existing person %s (%s), named beside the same mother (%s): "+
			"a child is imported once, so this row is not; if they are two children, write each one's full name", name, ids[name], phone)
	}
	want := []importProblem{
		{Row: 2, Column: "Họ và tên", Message: same("Nguyễn Văn An", "+84987000222") +
			". It also names the father Nguyễn Văn Đức (+84912000444), left unlinked as the row is not imported: link them to person " +
			ids["Nguyễn Văn An"] + " on their record"},
		{Row: 3, Column: "Họ và tên", Message: same("Lê Thị Bình", "+84903000333")},
		{Row: 5, Column: "Họ và tên", Message: "same student as row 4 (Nguyễn Văn Châu), named beside the same mother (+84987000222): " +
			"a child is imported once, so this row is not; if they are two children, write each one's full name", DuplicateOfRow: 4},
	}

	r := previewForm(t, h, tok, "", []byte(next), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 5 || p.Rows[2].Party == nil || p.Rows[4].Party == nil {
		t.Fatalf("preview: %s", r.Body)
	}
	for i, row := range []int{0, 1, 3} {
		if got := p.Rows[row]; got.Party != nil || len(got.Problems) != 1 || got.Problems[0] != want[i] {
			t.Errorf("preview of row %d:\n got %+v\nwant %+v", got.Row, got, want[i])
		}
	}

	job = importFile(t, h, tok, "hk2.csv", []byte(next), "people", 30*time.Second)
	progress := progressOf(t, h, tok, job.ID)
	if w := (importProgress{Created: 2, Failed: 3, ParentsCreated: 1, ParentsLinked: 1}); progress != w {
		t.Fatalf("progress %+v, want %+v", progress, w)
	}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Fatalf("report:\n got %+v\nwant %+v", report, want)
	}
	family := map[string]string{
		"Phạm Thị Cúc": "parent_of Nguyễn Văn An, parent_of Nguyễn Văn Châu",
		"Ngô Thị Mai":  "parent_of Lê Thị Bình",
		"Vũ Thị Lan":   "parent_of Lê Thị Bình",
	}
	sameFamilies(t, h, family)
	if n := len(namePairs(t, h, `SELECT id::text, name FROM person WHERE name = 'Nguyễn Văn An'`)); n != 1 {
		t.Fatalf("%d people named Nguyễn Văn An, want 1", n)
	}

	u, body := undoImport(t, h, tok, job.ID)
	if u.Deleted != 3 || u.Kept != 0 {
		t.Fatalf("undo: %s", body)
	}
	family = map[string]string{"Phạm Thị Cúc": "parent_of Nguyễn Văn An", "Ngô Thị Mai": "parent_of Lê Thị Bình"}
	if got := familyOf(t, h); !maps.Equal(got, family) {
		t.Fatalf("families after the undo %v, want %v", got, family)
	}
}
