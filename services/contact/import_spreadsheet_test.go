package contact_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A form's workbook as people and programs write them: two "Điện thoại"
// columns (home and mobile) both feed the phones, a Zalo id kept in a
// number cell gets back the leading 0 the spreadsheet dropped, as a phone
// does, and a cell holding a formula with no value saved (a file a
// program wrote) refuses its row in that column, in the preview as in the
// import, rather than storing no value unannounced.
func TestAFormsWorkbookKeepsBothPhoneColumnsZaloZerosAndFormulasWithoutValues(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range [][]any{
		{"Họ và tên", "Điện thoại", "Điện thoại", "Zalo"},
		{"Trần Thị Hoa", "024 3825 1234", 912345678, 912345001}, // numbers in number cells
		{"Lê Văn Nam", "", 987654321},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sheet1", "D3", "=CONCAT(0,C3)"); err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := f.Write(&file); err != nil {
		t.Fatal(err)
	}
	wantNam := importProblem{Row: 3, Column: "Zalo", Message: "holds a formula with no value saved (the file was written by a program, " +
		"and only a spreadsheet computes formulas): open the file in Excel and save it, then upload it again"}

	r := postForm(t, h, tok, imports+"/preview", "lop.xlsx", file.Bytes(), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Columns) != 4 || p.Columns[2].Header != "Điện thoại (2)" || p.Columns[2].Field != "phones" {
		t.Errorf("columns %+v", p.Columns)
	}
	if len(p.Rows) != 2 || p.Rows[0].Party == nil || len(p.Rows[1].Problems) != 1 || p.Rows[1].Problems[0] != wantNam {
		t.Errorf("preview %s", r.Body)
	}

	job := importFile(t, h, tok, "lop.xlsx", file.Bytes(), "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 || job.Progress.Failed != 1 {
		t.Fatalf("job %+v", job)
	}
	if got := problemsOf(t, h, tok, job.ID); !slices.Equal(got, []importProblem{wantNam}) {
		t.Errorf("report %+v", got)
	}
	got := namePairs(t, h, `SELECT name, (doc->>'phones') || ' ' || (doc->>'zalo_id') FROM person`)
	if want := `["+842438251234", "+84912345678"] 0912345001`; got["Trần Thị Hoa"] != want {
		t.Errorf("Hoa: %q, want %q", got["Trần Thị Hoa"], want)
	}

	// A column repeated that feeds one value still refuses the file.
	r = uploadForm(t, h, tok, "hai-ten.csv", []byte("Họ và tên,Điện thoại,Họ và tên\nAn,0912000111,Bình\n"), map[string]string{"resource": "people"})
	mustStatus(t, r, 422)
	if !strings.Contains(string(r.Body), `column \"Họ và tên\" appears twice in the header`) {
		t.Errorf("a repeated name column: %s", r.Body)
	}
}
