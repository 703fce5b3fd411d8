package contact_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/xuri/excelize/v2"
)

// problemAt returns the message of the report's problem at row and column,
// or "".
func problemAt(report []importProblem, row int, column string) string {
	for _, p := range report {
		if p.Row == row && p.Column == column {
			return p.Message
		}
	}
	return ""
}

// A number alone in a date column is a year or a number typed as such,
// never silently a day of 1905: a CSV file's is refused, and so is a year
// alone in a workbook, where only a date cell's serial number is a date.
func TestANumberAloneInADateColumnIsRefusedUnlessAWorkbookDateCellHoldsIt(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := "Họ tên,Ngày sinh,Ngày quan trọng\n" +
		"Năm Sinh Một,1985,\n" + // 2 a year alone
		"Ngày Cưới Hai,,Ngày cưới: 2015\n" + // 3 a year alone
		"Số Sê Ri Ba,32998,\n" + // 4 a number
		"Đúng Ngày Bốn,07/06/1985,Ngày cưới: 20/06/2015\n" // 5 created
	job := importFile(t, h, tok, "nam-sinh.csv", []byte(file), "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 || job.Progress.Failed != 3 {
		t.Fatalf("job: %+v", job)
	}
	report := problemsOf(t, h, tok, job.ID)
	for _, want := range []struct {
		row            int
		column, phrase string
	}{{2, "Ngày sinh", "1985 is a year alone"}, {3, "Ngày quan trọng", "2015 is a year alone"}, {4, "Ngày sinh", "32998 is a number, not a date"}} {
		if msg := problemAt(report, want.row, want.column); !strings.Contains(msg, want.phrase) {
			t.Errorf("row %d, %s: %q, want %q", want.row, want.column, msg, want.phrase)
		}
	}
	if got := namePairs(t, h, `SELECT name, doc->>'birthday' FROM person`); len(got) != 1 || got["Đúng Ngày Bốn"] != "1985-06-07" {
		t.Fatalf("birthdays: %v", got)
	}

	// A workbook's date cell holds a serial number, read as its date; a
	// number cell holding a year is refused.
	f := excelize.NewFile()
	defer f.Close()
	for cell, value := range map[string]any{"A1": "Họ tên", "B1": "Ngày sinh",
		"A2": "Ô Ngày Năm", "B2": time.Date(1990, 5, 5, 0, 0, 0, 0, time.UTC),
		"A3": "Ô Số Sáu", "B3": 1985} {
		if err := f.SetCellValue("Sheet1", cell, value); err != nil {
			t.Fatal(err)
		}
	}
	var xlsx bytes.Buffer
	if err := f.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	job = importFile(t, h, tok, "nam-sinh.xlsx", xlsx.Bytes(), "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 || job.Progress.Failed != 1 {
		t.Fatalf("workbook job: %+v", job)
	}
	if msg := problemAt(problemsOf(t, h, tok, job.ID), 3, "Ngày sinh"); !strings.Contains(msg, "1985 is a year alone") {
		t.Errorf("workbook row 3: %q", msg)
	}
	if got := namePairs(t, h, `SELECT name, doc->>'birthday' FROM person WHERE name = 'Ô Ngày Năm'`); got["Ô Ngày Năm"] != "1990-05-05" {
		t.Fatalf("the date cell's birthday: %v", got)
	}
}

// A NUL character, which Postgres text cannot hold, refuses its row in the
// preview and in the import alike; the other rows are created, and the job
// neither fails nor waits for retries.
func TestACellHoldingANulCharacterRefusesItsRowOnly(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := []byte("Họ tên,Điện thoại\nNul\x00 Tên,0912000001\nĐúng Tên,0912000002\n")
	want := importProblem{Row: 2, Column: "Họ tên", Message: "holds a NUL character (0x00), which cannot be stored: remove it from the cell"}

	r := previewForm(t, h, tok, "", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 2 || p.Rows[0].Party != nil || len(p.Rows[0].Problems) != 1 || p.Rows[0].Problems[0] != want || p.Rows[1].Party == nil {
		t.Fatalf("preview: %s", r.Body)
	}
	job := importFile(t, h, tok, "nul.csv", file, "people", 30*time.Second)
	if job.Status != "done" || job.Error != "" || job.Progress.Created != 1 || job.Progress.Failed != 1 {
		t.Fatalf("job: %+v", job)
	}
	if report := problemsOf(t, h, tok, job.ID); len(report) != 1 || report[0] != want {
		t.Fatalf("report: %+v", report)
	}
	// A header Postgres cannot store refuses the file at once.
	mustStatus(t, uploadForm(t, h, tok, "nul.csv", []byte("Họ tên,Ghi\x00 chú\nAn,x\n"), map[string]string{"resource": "people"}), 422)
}

// A quote inside a CSV field that does not start with one is a character
// of it, as Excel reads it: the preview and the import read the row alike,
// and the file is not refused for it.
func TestACSVWithAStrayQuoteIsReadAsExcelReadsIt(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := []byte("Họ tên,Điện thoại\nGood Row,0912000000\nBad \"Quote,0912000001\n")
	r := previewForm(t, h, tok, "", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 2 || p.Rows[1].Party["full_name"] != `Bad "Quote` {
		t.Fatalf("preview: %s", r.Body)
	}
	job := importFile(t, h, tok, "quote.csv", file, "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 2 || job.Progress.Failed != 0 {
		t.Fatalf("job: %+v", job)
	}
	if got := namePairs(t, h, `SELECT name, doc->'phones'->>0 FROM person`); got[`Bad "Quote`] != "+84912000001" {
		t.Fatalf("people: %v", got)
	}
}

// A class list's "Họ và tên học sinh" is the students' name, a column may
// be mapped to full_name, and a file with no name column is refused at
// upload and in the preview, naming the headers it has, rather than every
// row being refused for a blank name.
func TestAStudentsNameColumnIsTheNameAndAFileWithoutOneIsRefused(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	job := importFile(t, h, tok, "lop.csv", []byte("STT,Họ và tên học sinh,Ngày sinh\n1,Nguyễn Minh Khang,05/05/2015\n"), "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 {
		t.Fatalf("class list: %+v", job)
	}
	r := uploadForm(t, h, tok, "hoc-vien.csv", []byte("Học viên,Điện thoại\nTrần Thu Hà,0912000009\n"),
		map[string]string{"resource": "people", "mapping": `{"Học viên":"full_name"}`})
	mustStatus(t, r, 202)
	r.JSON(t, &job)
	if job = waitForImport(t, h, tok, job.ID, 30*time.Second); job.Progress.Created != 1 {
		t.Fatalf("mapped to full_name: %+v", job)
	}
	noName := []byte("STT,Điện thoại\n1,0912000010\n")
	for _, r := range []servicetest.Response{
		uploadForm(t, h, tok, "khong-ten.csv", noName, map[string]string{"resource": "people"}),
		previewForm(t, h, tok, "", noName, map[string]string{"resource": "people"}),
	} {
		mustStatus(t, r, 422)
		if !strings.Contains(string(r.Body), `has no column holding the name (headers found: \"STT\", \"Điện thoại\")`) {
			t.Errorf("no name column: %s", r.Body)
		}
	}
}

// Phone cells are read as people type them: two numbers on either side of
// a spaced dash, a dash inside a number, a note in brackets after a number
// and an extension. The number is stored, and what the cell said beside it
// is kept in the notes, never lost; the same goes for a parent's phone.
func TestPhoneCellsAsPeopleTypeThemKeepTheirNotesAndExtensions(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	file := []byte("Họ và tên,Điện thoại,Ghi chú,Họ tên mẹ,SĐT mẹ\n" +
		"Hai Số Điện,0913999003 - 0913999004,,,\n" + // 2
		"Gạch Trong Số,091-399-9005,,,\n" + // 3
		"Có Ghi Chú,0913.999.012 (Zalo),Gọi sau 17h,,\n" + // 4
		"Có Số Lẻ,0913 999 013 ext 5,,,\n" + // 5
		"Con Của Mẹ,0913999014,,Trần Thị Hạnh,0913999015 (chỉ Zalo)\n") // 6
	r := previewForm(t, h, tok, "", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 5 || p.Rows[2].Party["notes"] != "Gọi sau 17h\nĐiện thoại: 0913.999.012 (Zalo)" {
		t.Fatalf("preview: %s", r.Body)
	}
	job := importFile(t, h, tok, "sdt.csv", file, "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 5 || job.Progress.Failed != 0 {
		t.Fatalf("job: %+v, report %+v", job, problemsOf(t, h, tok, job.ID))
	}
	samePhonesAndNotes(t, h, map[string]phonesAndNotes{
		"Hai Số Điện":   {`["+84913999003", "+84913999004"]`, ""},
		"Gạch Trong Số": {`["+84913999005"]`, ""},
		"Có Ghi Chú":    {`["+84913999012"]`, "Gọi sau 17h\nĐiện thoại: 0913.999.012 (Zalo)"},
		"Có Số Lẻ":      {`["+84913999013"]`, "Điện thoại: 0913 999 013 ext 5"},
		"Con Của Mẹ":    {`["+84913999014"]`, "SĐT mẹ: 0913999015 (chỉ Zalo)"},
		"Trần Thị Hạnh": {`["+84913999015"]`, ""},
	})
}

// phonesAndNotes are a stored person's phones (as their document holds
// them) and notes.
type phonesAndNotes struct{ phones, notes string }

// samePhonesAndNotes fails t unless each person named in want holds those
// phones and notes; it returns every stored person's phones by name.
func samePhonesAndNotes(t *testing.T, h *servicetest.Harness, want map[string]phonesAndNotes) map[string]string {
	t.Helper()
	phones := namePairs(t, h, `SELECT name, doc->>'phones' FROM person`)
	notes := namePairs(t, h, `SELECT name, coalesce(doc->>'notes', '') FROM person`)
	for name, w := range want {
		if phones[name] != w.phones || notes[name] != w.notes {
			t.Errorf("%s: phones %s, notes %q; want %s, %q", name, phones[name], notes[name], w.phones, w.notes)
		}
	}
	return phones
}
