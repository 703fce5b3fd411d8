package contact_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A party created beside a duplicate on purpose (force, with a reason)
// is exported beside the party it matched, and the export imports back
// whole: a row whose id names a stored party, holding it as stored, is
// already stored whatever phone, tax code or name it shares with another
// row of the file or another stored party, as nothing would be created.
// Edited, it differs from its record, as any row naming a stored party.
// Rows that would be created (no id, or another Rapport's) are refused
// for a key an earlier row holds, as before, so two of them sharing a
// phone are never both created.
func TestAnExportHoldingForcedPartiesImportsBackWhole(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const force = `,"force":true,"force_reason":"%s"`
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Kim Đồng","kinds":["school"],"tax_code":"0101234567","province":"Hà Nội"}`)
	branch := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Kim Đồng (cơ sở 2)","kinds":["school"],"tax_code":"0101234567","province":"Hà Nội"`+
		fmt.Sprintf(force, "cơ sở 2 dùng chung mã số thuế")+`}`)
	create(t, h, tok, orgs, `{"name":"Trường Mầm non Hoa Sen","kinds":["school"],"province":"Hà Nội"}`)
	create(t, h, tok, orgs, `{"name":"Trường Mầm non Hoa Sen","kinds":["school"],"province":"Hà Nội"`+fmt.Sprintf(force, "hai trường cùng tên trong tỉnh")+`}`)
	create(t, h, tok, people, `{"full_name":"Trần Thị Mai","phones":["0912345678"]}`)
	hung := create(t, h, tok, people, `{"full_name":"Lê Văn Hùng","phones":["0912345678"]`+fmt.Sprintf(force, "hai người dùng chung số nhà")+`}`)
	works := `{"full_name":"Nguyễn Văn Bình","relationships":[{"kind":"works_at","party_id":"` + school + `","title":"Giáo viên"}]%s}`
	create(t, h, tok, people, fmt.Sprintf(works, ""))
	create(t, h, tok, people, fmt.Sprintf(works, fmt.Sprintf(force, "hai giáo viên cùng tên")))

	for _, c := range []struct{ path, resource string }{{orgs, "organizations"}, {people, "people"}} {
		for _, format := range []string{"csv", "xlsx"} {
			r := h.Do(t, "GET", c.path+"/export?format="+format, tok, nil)
			mustStatus(t, r, 200)
			job := importFile(t, h, tok, "export."+format, r.Body, c.resource, 30*time.Second)
			if job.Status != "done" || job.Progress.Created != 0 || job.Progress.AlreadyStored != 4 || job.Progress.Failed != 0 {
				t.Errorf("%s %s export imported back: %+v %+v", c.resource, format, job, problemsOf(t, h, tok, job.ID))
			}
			// The preview tells the same.
			pr := postForm(t, h, tok, imports+"/preview", "export."+format, r.Body, map[string]string{"resource": c.resource})
			mustStatus(t, pr, 200)
			var p importPreview
			pr.JSON(t, &p)
			if len(p.Rows) != 4 || slices.ContainsFunc(p.Rows, func(row previewRow) bool { return row.AlreadyStored == "" || len(row.Problems) > 0 }) {
				t.Errorf("%s %s preview: %s", c.resource, format, pr.Body)
			}
		}
	}

	// Edited, the forced row differs from its record; the others are as
	// stored, and a row added without an id with the forced phone is a
	// duplicate of the row above holding it.
	for _, c := range []struct {
		path, resource, forced, column, edited, key, value string
		added                                              map[string]string
	}{
		{orgs, "organizations", branch, "notes", "Cơ sở mới", "tax_code", "0101234567", map[string]string{"name": "Trường Kim Đồng", "tax_code": "0101234567"}},
		{people, "people", hung, "notes", "Gọi buổi tối", "phones", "+84912345678", map[string]string{"full_name": "Phạm Văn Tư", "phones": "0912 345 678"}},
	} {
		rows := readCSV(t, h.Do(t, "GET", c.path+"/export?format=csv", tok, nil))
		at := slices.IndexFunc(rows, func(row []string) bool { return row[0] == c.forced })
		// The file's line of the first row holding the key.
		first := slices.IndexFunc(rows, func(row []string) bool { return row[slices.Index(rows[0], c.key)] == c.value }) + 1
		rows[at][slices.Index(rows[0], c.column)] = c.edited
		job := importFile(t, h, tok, "edited.csv", withRows(t, rows, c.added), c.resource, 30*time.Second)
		if job.Status != "done" || job.Progress.Created != 0 || job.Progress.AlreadyStored != 3 || job.Progress.Failed != 2 {
			t.Errorf("%s edited: %+v %+v", c.resource, job, problemsOf(t, h, tok, job.ID))
		}
		report := problemsOf(t, h, tok, job.ID)
		if msg := problemAt(report, at+1, c.column); !strings.HasPrefix(msg, "differs from the stored record of existing") || !strings.Contains(msg, c.forced) {
			t.Errorf("%s: the edited row's problem %q, report %+v", c.resource, msg, report)
		}
		if added := len(rows) + 1; !slices.ContainsFunc(report, func(p importProblem) bool {
			return p.Row == added && p.DuplicateOfRow == first && strings.HasPrefix(p.Message, "same ")
		}) || len(report) != 2 {
			t.Errorf("%s: the added row is not reported as a duplicate of row %d: %+v", c.resource, first, report)
		}
	}

	// New rows, without an id or with another Rapport's, sharing a phone:
	// the second is refused.
	file := "id,full_name,phones\n" +
		",Phạm Văn Một,0987000111\n" +
		",Phạm Văn Hai,0987000111\n" +
		event.NewID().String() + ",Đỗ Văn Ba,0987000222\n" +
		event.NewID().String() + ",Đỗ Văn Bốn,0987 000 222\n"
	job := importFile(t, h, tok, "new.csv", []byte(file), "people", 30*time.Second)
	want := []importProblem{
		{Row: 3, Column: "phones", Message: "same phone +84987000111 as row 2", DuplicateOfRow: 2},
		{Row: 5, Column: "phones", Message: "same phone +84987000222 as row 4", DuplicateOfRow: 4},
	}
	if report := problemsOf(t, h, tok, job.ID); job.Progress.Created != 2 || job.Progress.Failed != 2 || !slices.Equal(report, want) {
		t.Errorf("new rows: %+v, report %+v", job, report)
	}
}
