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

// An export, or a corrected export, imported back creates nobody again,
// even a party with no phone, email or tax code to be found by: its id
// column names it, a merged id its survivor. A row holding the party as
// stored is counted as already stored, and a corrected row is reported as
// differing from the stored record, in the columns it corrects. An id
// that is no id, or of a party deleted since or of the other kind, refuses
// the row in the id column; an id this Rapport never issued is another's,
// whose export is imported as new.
func TestAnExportImportedBackIsReportedByItsIdsAndCreatesNothingAgain(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	an := create(t, h, tok, people, `{"full_name":"Nguyễn Văn An"}`)
	binh := create(t, h, tok, people, `{"full_name":"Lê Thị Bình"}`)
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Kim Đồng","kinds":["school"]}`)

	// The export, a name corrected in it.
	r := h.Do(t, "GET", people+"/export?format=csv", tok, nil)
	mustStatus(t, r, 200)
	export := strings.Replace(string(r.Body), "Lê Thị Bình", "Lê Thị Bình (sửa)", 1)
	job := importFile(t, h, tok, "export.csv", []byte(export), "people", 30*time.Second)
	// The follow-up is the interactions' to set, and why a party was
	// created beside another is its history: their columns are not read.
	if job.Status != "done" || job.Progress.Created != 0 || job.Progress.AlreadyStored != 1 || job.Progress.Failed != 1 ||
		!slices.Equal(job.IgnoredColumns, []string{"next_action_on", "force_reason"}) {
		t.Fatalf("export imported back: %+v", job)
	}
	want := []importProblem{{Row: 2, Column: "full_name", Message: differsMessage("existing person Lê Thị Bình ("+binh+")", "full_name", "person")}}
	if report := problemsOf(t, h, tok, job.ID); !slices.Equal(report, want) {
		t.Errorf("report %+v, want %+v", report, want)
	}

	// Merged, Bình's id names An; deleted, Cường's names nobody.
	mustStatus(t, h.Do(t, "POST", people+"/"+an+"/merge", tok, fmt.Sprintf(`{"merged_id":%q,"keep":{"full_name":"survivor"}}`, binh)), 200)
	cuong := create(t, h, tok, people, `{"full_name":"Trần Văn Cường"}`)
	mustStatus(t, h.Do(t, "DELETE", people+"/"+cuong, tok, nil), 204)
	other := event.NewID().String()
	file := "id,Họ và tên\n" +
		binh + ",Lê Thị Bình\n" + // 2 merged into An
		cuong + ",Trần Văn Cường\n" + // 3 deleted
		school + ",Trường Tiểu học Kim Đồng\n" + // 4 an organisation
		binh[:20] + ",Phạm Thị Dung\n" + // 5 an id cut short
		strings.ToUpper(an) + ",Nguyễn Văn An\n" + // 6 An, in capitals
		other + ",Đỗ Văn Em\n" + // 7 another Rapport's: created
		",Hoàng Thị Gấm\n" + // 8 no id: created
		"9,Vũ Văn Hải\n" + // 9 the file's numbering: created
		"HS-12,Ngô Thị Lan\n" // 10 the file's own code: created
	job = importFile(t, h, tok, "ids.csv", []byte(file), "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 4 || job.Progress.AlreadyStored != 1 || job.Progress.Failed != 4 {
		t.Fatalf("ids: %+v, %+v", job, problemsOf(t, h, tok, job.ID))
	}
	report := problemsOf(t, h, tok, job.ID)
	for _, want := range []struct {
		row            int
		column, phrase string
	}{
		{2, "Họ và tên", differsMessage(fmt.Sprintf("existing person Nguyễn Văn An (%s), which %s was merged into,", an, binh), "Họ và tên", "person")},
		{3, "id", fmt.Sprintf("names %s, which is no stored person (deleted since, or not a person): clear the id", cuong)},
		{4, "id", fmt.Sprintf("names %s, which is no stored person", school)},
		{5, "id", fmt.Sprintf("holds %q, which is not a Rapport id", binh[:20])},
	} {
		if msg := problemAt(report, want.row, want.column); !strings.Contains(msg, want.phrase) {
			t.Errorf("row %d: %q, want %q", want.row, msg, want.phrase)
		}
	}
	if slices.ContainsFunc(report, func(p importProblem) bool { return p.Row == 6 }) { // An as stored
		t.Errorf("An, as stored, is reported: %+v", report)
	}
	if got := namePairs(t, h, `SELECT name, id::text FROM person WHERE name IN ('Đỗ Văn Em', 'Hoàng Thị Gấm', 'Vũ Văn Hải', 'Ngô Thị Lan')`); len(got) != 4 || got["Đỗ Văn Em"] == other {
		t.Fatalf("created: %v", got)
	}
	// The preview tells the same.
	r = previewForm(t, h, tok, "", []byte(file), map[string]string{"resource": "people"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 9 || p.Rows[0].Party != nil || len(p.Rows[0].Problems) != 1 || p.Rows[0].Problems[0].Column != "Họ và tên" ||
		p.Rows[4].AlreadyStored != an || len(p.Rows[4].Problems) != 0 || p.Rows[5].Party == nil {
		t.Fatalf("preview: %s", r.Body)
	}
}
