package contact_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// Two schools, and two units, may share a name (in two provinces). An export names a person's workplace
// and an organisation's supervising unit by name and id, "Trường ...
// (<id>)", as it names relatives, and the importer looks the id up: the
// export imports back with every row told by its own id, none refused as
// naming one of several organisations. A row typed below with the name
// alone is refused as before, as it cannot be told; one written as the
// export writes it links to the school its id names. The rows exported
// are the stored parties as stored: already stored, not refused.
func TestAnExportNamesWorkplacesAndUnitsByIDSoNamesakesImportBack(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	unit := create(t, h, tok, orgs, `{"kinds":["supervising_unit"],"name":"Phòng Giáo dục Thử","province":"Hà Nội"}`)
	create(t, h, tok, orgs, `{"kinds":["supervising_unit"],"name":"Phòng Giáo dục Thử","province":"Huế"}`)
	school := create(t, h, tok, orgs, `{"kinds":["school"],"name":"Trường Tiểu học Thử","province":"Hà Nội","supervising_unit_id":"`+unit+`"}`)
	create(t, h, tok, orgs, `{"kinds":["school"],"name":"Trường Tiểu học Thử","province":"Huế"}`)
	teacher := create(t, h, tok, people, `{"full_name":"Giáo Viên Xuất","phones":["0391000001"],
 "relationships":[{"kind":"works_at","party_id":"`+school+`","title":"Giáo viên"}]}`)

	r := h.Do(t, "GET", people+"/export?format=csv&linked_to="+school, tok, nil)
	rows := readCSV(t, r)
	if len(rows) != 2 || rows[1][slices.Index(rows[0], "workplace")] != "Trường Tiểu học Thử ("+school+")" {
		t.Fatalf("people export: %q", rows)
	}
	file := string(r.Body) +
		",Giáo Viên Mới,0391000002,,,,,Trường Tiểu học Thử (" + school + "),Giáo viên\n" + // 3 as the export writes it
		",Giáo Viên Gõ Tay,0391000003,,,,,Trường Tiểu học Thử,Giáo viên\n" // 4 the name alone
	job := importFile(t, h, tok, "gv.csv", []byte(file), "people", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 1 || job.Progress.AlreadyStored != 1 || job.Progress.Failed != 1 {
		t.Fatalf("people: %+v", job)
	}
	report := problemsOf(t, h, tok, job.ID)
	if len(report) != 1 || report[0].Row != 4 || report[0].Column != "workplace" || !strings.HasPrefix(report[0].Message, `2 organisations are named "Trường Tiểu học Thử"`) {
		t.Errorf("people's report: %+v", report)
	}
	if got := namePairs(t, h, `SELECT id::text, doc->'relationships'->0->>'party_id' FROM person WHERE id = $1`, teacher); got[teacher] != school {
		t.Errorf("the teacher works at %v, want %s", got, school)
	}
	if got := namePairs(t, h, `SELECT name, doc->'relationships'->0->>'party_id' FROM person WHERE name = 'Giáo Viên Mới'`); got["Giáo Viên Mới"] != school {
		t.Errorf("the new teacher works at %v, want %s", got, school)
	}

	r = h.Do(t, "GET", orgs+"/export?format=csv&kind=school&province="+url.QueryEscape("Hà Nội"), tok, nil)
	rows = readCSV(t, r)
	if len(rows) != 2 || rows[1][slices.Index(rows[0], "supervising_unit")] != fmt.Sprintf("Phòng Giáo dục Thử (%s)", unit) {
		t.Fatalf("organisations export: %q", rows)
	}
	job = importFile(t, h, tok, "truong.csv", r.Body, "organizations", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 0 || job.Progress.AlreadyStored != 1 || job.Progress.Failed != 0 {
		t.Fatalf("organisations: %+v, %+v", job, problemsOf(t, h, tok, job.ID))
	}
}
