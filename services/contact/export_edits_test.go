package contact_test

import (
	"mime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// differsMessage is the problem of a row that is a stored party (as,
// "existing person <name> (<id>)") and differs from it in columns.
func differsMessage(as, columns, noun string) string {
	return "differs from the stored record of " + as + " in " + columns + ": an import only creates, and never changes a stored " + noun +
		", so these values were not applied; change the record itself (PATCH) or with a bulk change"
}

// Staff export their customers, correct a phone and a tag in a spreadsheet
// and upload the file again. An import creates and never updates, so the
// edits are not applied, but no longer unseen: the edited row is refused
// naming the columns that differ from the stored record, and the rows
// untouched, or written otherwise but read the same (a phone with spaces),
// are counted as already stored, neither failed nor in the report. A row
// without an id that has a stored person's phone and name is that person
// too; one with a stored person's phone under another name is a
// duplicate of them, as before.
// The preview tells the same, and uploading the file again creates nothing.
func TestAnEditedExportImportedBackSaysWhichColumnsDifferAndCountsTheRestAsStored(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"kinds":["school"],"name":"Trường THCS Lê Lợi"}`)
	hoa := create(t, h, tok, people, `{"full_name":"Nguyễn Thị Hoa","phones":["0912345678"],
 "relationships":[{"kind":"works_at","party_id":"`+school+`","title":"Kế toán"}]}`)
	minh := create(t, h, tok, people, `{"full_name":"Trần Văn Minh","phones":["0913000222"],"tags":["phụ huynh"]}`)
	lan := create(t, h, tok, people, `{"full_name":"Lê Thị Lan","birthday":"1990-05-01"}`)
	khoa := create(t, h, tok, people, `{"full_name":"Phạm Văn Khoa","phones":["0903111222"]}`)
	tu := create(t, h, tok, people, `{"full_name":"Đỗ Văn Tư","phones":["0904111222"]}`)

	rows := readCSV(t, h.Do(t, "GET", people+"/export?format=csv&q=nguyen%20thi%20hoa", tok, nil))
	rows = append(rows, readCSV(t, h.Do(t, "GET", people+"/export?format=csv&tag=phụ%20huynh", tok, nil))[1:]...)
	rows = append(rows, readCSV(t, h.Do(t, "GET", people+"/export?format=csv&q=le%20thi%20lan", tok, nil))[1:]...)
	col := func(name string) int { return slices.Index(rows[0], name) }
	rows[1][col("phones")] += "; 0987 654 321" // 2 Hoa: a phone and a tag added
	rows[1][col("tags")] = "VIP"
	rows[2][col("phones")] = "0913 000 222" // 3 Minh: his phone written otherwise
	file := withRows(t, rows,
		map[string]string{"full_name": "Phạm Văn Khoa", "phones": "0903 111 222"}, // 5 Khoa, by his phone and name
		map[string]string{"full_name": "Đỗ Thị Khác", "phones": "0904111222"},     // 6 Tư's phone, another name
	)
	wantProblems := []importProblem{
		{Row: 2, Column: "phones", Message: differsMessage("existing person Nguyễn Thị Hoa ("+hoa+")", "phones, tags", "person")},
		{Row: 6, Column: "phones", Message: "same phone +84904111222 as existing person Đỗ Văn Tư (" + tu + ")"},
	}

	r := previewForm(t, h, tok, "", file, map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	stored := map[int]string{3: minh, 4: lan, 5: khoa}
	for _, row := range p.Rows {
		if row.Party != nil || row.AlreadyStored != stored[row.Row] || (len(row.Problems) == 0) != (stored[row.Row] != "") {
			t.Errorf("preview of row %d: %+v", row.Row, row)
		}
	}

	job := importFile(t, h, tok, "khach-hang-sua.csv", file, "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Processed != 5 || job.Progress.Created != 0 || job.Progress.AlreadyStored != 3 || job.Progress.Failed != 2 {
		t.Fatalf("job: %+v", job)
	}
	if got := problemsOf(t, h, tok, job.ID); !slices.Equal(got, wantProblems) {
		t.Errorf("report:\n got %+v\nwant %+v", got, wantProblems)
	}
	// The report downloads under the name of the file uploaded.
	r = h.Do(t, "GET", imports+"/"+job.ID+"/problems?format=csv", tok, nil)
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err != nil || params["filename"] != "khach-hang-sua-problems.csv" {
		t.Errorf("the report downloads as %q", r.Header.Get("Content-Disposition"))
	}
	csv := readCSV(t, r)
	if len(csv) != 3 || csv[1][0] != "2" || !strings.Contains(csv[1][2], "in phones, tags") || csv[2][0] != "6" {
		t.Errorf("CSV report: %q", csv)
	}
	if got := namePairs(t, h, `SELECT id::text, doc->>'phones' FROM person WHERE id = $1`, hoa); got[hoa] != `["+84912345678"]` {
		t.Errorf("Hoa was changed: %v", got)
	}

	// The same file again: the job left nothing to create twice, so it is
	// run again, and creates nothing.
	again := importFile(t, h, tok, "khach-hang-sua.csv", file, "people", 30*time.Second)
	if again.Progress != job.Progress || !slices.Equal(problemsOf(t, h, tok, again.ID), wantProblems) {
		t.Errorf("the same file again: %+v, was %+v", again, job)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person`); n != 5 {
		t.Errorf("%d people, want 5", n)
	}
}
