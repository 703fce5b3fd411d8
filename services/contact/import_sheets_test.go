package contact_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
)

// classWorkbook returns a workbook of the sheets, in order, each a list of
// rows of cells.
func classWorkbook(t *testing.T, sheets [][]string, rows map[string][][]any) []byte {
	t.Helper()
	order := make([]string, len(sheets))
	for i, s := range sheets {
		order[i] = s[0]
	}
	b, err := importtest.Workbook(rows, order...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A class list with a sheet per class is read whole: every sheet under its
// own header, an empty sheet skipped, and each problem reported with its
// sheet and its row on that sheet, in the JSON report, the CSV report and
// the preview. Uploading it again creates nothing, and undoing it deletes
// every sheet's people.
func TestEverySheetOfAClassListIsImportedAndReportedByItsSheet(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := classWorkbook(t, [][]string{{"Lớp 10A1"}, {"Trống"}, {"Lớp 10A2"}}, map[string][][]any{
		"Lớp 10A1": {{"Họ và tên", "Điện thoại"}, {"Nguyễn Văn An", "0912000001"}, {"Lê Thị Bình", "0912000002"}},
		"Lớp 10A2": {{"DANH SÁCH LỚP 10A2"}, {}, {"STT", "Họ và tên", "Số điện thoại"},
			{1, "Trần Văn Cường", "0912000003"}, // 4 created
			{2, "Phạm Thị Dung", "12345"},       // 5 a bad phone
			{3, "Nguyễn Văn An", "0912000001"}}, // 6 the same phone as 10A1's row 2
	})
	r := previewForm(t, h, tok, "", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 5 || p.Rows[2].Row != 4 || p.Rows[2].Sheet != "Lớp 10A2" || p.Rows[2].Party == nil ||
		len(p.Rows[4].Problems) != 1 || p.Rows[4].Problems[0].Sheet != "Lớp 10A2" || p.Rows[4].Problems[0].DuplicateOfSheet != "Lớp 10A1" {
		t.Fatalf("preview: %s", r.Body)
	}

	job := importFile(t, h, tok, "lop10.xlsx", file, "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 3 || job.Progress.Failed != 2 {
		t.Fatalf("job: %+v", job)
	}
	report := problemsOf(t, h, tok, job.ID)
	want := []importProblem{
		{Row: 5, Column: "Số điện thoại", Message: `holds "12345", which is not a valid phone number`, Sheet: "Lớp 10A2"},
		{Row: 6, Column: "Số điện thoại", Message: `same phone +84912000001 as row 2 of sheet "Lớp 10A1"`, DuplicateOfRow: 2,
			Sheet: "Lớp 10A2", DuplicateOfSheet: "Lớp 10A1"},
	}
	if len(report) != 2 || report[0] != want[0] || report[1] != want[1] {
		t.Fatalf("report: %+v", report)
	}
	r = h.Do(t, "GET", imports+"/"+job.ID+"/problems?format=csv", tok, nil)
	mustStatus(t, r, 200)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(r.Body), "\ufeff")), "\n")
	if len(lines) != 3 || lines[0] != "row,column,message,duplicate_of_row,sheet,duplicate_of_sheet" ||
		lines[2] != `6,Số điện thoại,"same phone +84912000001 as row 2 of sheet ""Lớp 10A1""",2,Lớp 10A2,Lớp 10A1` {
		t.Fatalf("CSV report:\n%s", r.Body)
	}
	if got := namePairs(t, h, `SELECT name, doc->'phones'->>0 FROM person`); len(got) != 3 || got["Trần Văn Cường"] != "+84912000003" {
		t.Fatalf("people: %v", got)
	}

	r = uploadForm(t, h, tok, "lop10.xlsx", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var again importJob
	r.JSON(t, &again)
	if !again.DuplicateOfUpload || again.ID != job.ID {
		t.Fatalf("upload again: %+v", again)
	}
	if u, body := undoImport(t, h, tok, job.ID); u.Deleted != 3 {
		t.Fatalf("undo: %s", body)
	}
}

// A sheet whose header has no name column would have every row refused:
// the upload is refused at once, naming the sheet, rather than the sheet
// dropped or its rows each reported.
func TestASheetWithoutANameColumnRefusesTheWorkbookNamingIt(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := classWorkbook(t, [][]string{{"Lớp 10A1"}, {"Danh mục"}}, map[string][][]any{
		"Lớp 10A1": {{"Họ và tên", "Điện thoại"}, {"Nguyễn Văn An", "0912000001"}},
		"Danh mục": {{"Tỉnh"}, {"Hà Nội"}, {"Hải Phòng"}},
	})
	for _, r := range []servicetest.Response{
		uploadForm(t, h, tok, "lop.xlsx", file, map[string]string{"resource": "people"}),
		previewForm(t, h, tok, "", file, map[string]string{"resource": "people"}),
	} {
		mustStatus(t, r, 422)
		if !strings.Contains(string(r.Body), `sheet \"Danh mục\" has no column holding the name`) || !strings.Contains(string(r.Body), "delete it from the workbook") {
			t.Errorf("refusal: %s", r.Body)
		}
	}
}

// A workbook whose sheet XML is damaged below the first rows (cut short,
// or garbled) is accepted, as an upload reads each sheet to its first row
// only; its job then fails at once, before writing anything, saying which
// sheet is damaged after which row. The streaming reader ends a sheet at
// such damage as at its end: the job imported the rows above it, reported
// done, and dropped the rest unannounced.
func TestAWorkbookWithADamagedSheetFailsItsJobNamingTheSheetAndCreatesNothing(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	sheet := func(class string) [][]any {
		rows := [][]any{{"Họ và tên", "Điện thoại"}}
		for i := range 50 {
			rows = append(rows, []any{fmt.Sprintf("Học sinh %s %d", class, i), fmt.Sprintf("0912%03d%03d", len(class), i)})
		}
		return rows
	}
	file := classWorkbook(t, [][]string{{"Lớp 10A1"}, {"Lớp 10A2"}}, map[string][][]any{"Lớp 10A1": sheet("A"), "Lớp 10A2": sheet("BB")})
	for name, edit := range map[string]func([]byte) []byte{
		"cut short": func(b []byte) []byte { return b[:bytes.Index(b, []byte(`<row r="30"`))+5] },
		"garbled":   func(b []byte) []byte { return bytes.Replace(b, []byte(`<row r="30"`), []byte(`<row r="30" <`), 1) },
	} {
		damaged := importtest.WithPart(t, file, "xl/worksheets/sheet2.xml", edit)
		r := uploadForm(t, h, tok, name+".xlsx", damaged, map[string]string{"resource": "people"})
		mustStatus(t, r, 202)
		var job importJob
		r.JSON(t, &job)
		job = waitForImport(t, h, tok, job.ID, 30*time.Second)
		if job.Status != "failed" || !strings.Contains(job.Error, `sheet "Lớp 10A2" is damaged after row 29`) {
			t.Errorf("%s: the job ended %s: %q, %+v", name, job.Status, job.Error, job.Progress)
		}
		if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person`); n != 0 || job.Progress.Processed != 0 {
			t.Errorf("%s: %d people created, %d rows processed", name, n, job.Progress.Processed)
		}
		if report := problemsOf(t, h, tok, job.ID); len(report) != 0 {
			t.Errorf("%s: %d problems reported, the first %+v", name, len(report), report[0])
		}
	}
}
