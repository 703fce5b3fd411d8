package contact_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A full stop, a comma or a dash typed into a name does not make a second
// school or a second teacher: the probable-duplicate check reads
// punctuation as a space (party.NameKey), through the API and in an
// import, against stored parties and rows of the file, whether a province
// is given or not.
func TestPunctuationDoesNotTellAProbableDuplicateApart(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	school := create(t, h, tok, orgs, `{"kinds":["school"],"name":"Trường THCS Dup","province":"Hà Nội"}`)
	for _, name := range []string{"Trường THCS Dup.", "truong thcs, dup", "Trường  THCS-Dup"} {
		mustStatus(t, h.Do(t, "POST", orgs, tok, fmt.Sprintf(`{"kinds":["school"],"name":%q,"province":"Ha Noi"}`, name)), 409)
	}
	mustStatus(t, h.Do(t, "POST", orgs, tok, `{"kinds":["school"],"name":"Trường THCS Dup."}`), 409) // no province: with every province's
	create(t, h, tok, people, `{"full_name":"Trần Văn Bình","relationships":[{"kind":"works_at","party_id":"`+school+`"}]}`)
	for _, name := range []string{"Trần Văn Bình.", "Trần Văn Bình,", "Trần-Văn Bình"} {
		mustStatus(t, h.Do(t, "POST", people, tok, fmt.Sprintf(`{"full_name":%q,"relationships":[{"kind":"works_at","party_id":%q}]}`, name, school)), 409)
	}

	schools := "Tên trường,Tỉnh\n" +
		"Trường THCS Dup.,Hà Nội\n" + // 2 the stored school
		"Trường Tiểu học Mới,Hà Nội\n" + // 3 new
		"Trường Tiểu học Mới.,Hà Nội\n" // 4 row 3 again
	job := importFile(t, h, tok, "truong.csv", []byte(schools), "organizations", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 || job.Progress.Failed != 2 {
		t.Fatalf("schools: %+v", job)
	}
	report := problemsOf(t, h, tok, job.ID)
	if len(report) != 2 || report[0].Row != 2 || report[1].Row != 4 || report[1].DuplicateOfRow != 3 {
		t.Fatalf("schools' report: %+v", report)
	}
	staff := fmt.Sprintf("Họ và tên,Nơi làm việc\nTrần Văn Bình.,%s\nLê Thị Mới,%s\nLê Thị Mới.,%s\n", school, school, school)
	job = importFile(t, h, tok, "gv.csv", []byte(staff), "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 || job.Progress.Failed != 2 {
		t.Fatalf("staff: %+v", job)
	}
}
