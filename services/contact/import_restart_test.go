package contact_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// importOutcome is what an import left, with the stored parties' ids
// replaced by their names, so runs on two databases compare.
type importOutcome struct {
	Created, Failed int
	Problems        []importProblem
	// Units are, by the name of each organisation the job created, the
	// name of its supervising unit ("" for none).
	Units map[string]string
}

// A job cut off after its first chunk, which holds a row standing for a
// stored party (its id names it) and a row refused for sharing a stored
// party's tax code under another name, skips that chunk when it is
// retried, and still ends as an uninterrupted job does: a row of a later
// chunk naming the first links to the stored party, though the file spells
// its name otherwise, and a row naming the second is refused with it, not
// linked to the stored party of the same name.
func TestAJobRetriedPastItsFirstChunkLinksRowsNamingItsRowsAsAnUninterruptedOne(t *testing.T) {
	whole := importAcrossChunks(t, false)
	cut := importAcrossChunks(t, true)
	if !reflect.DeepEqual(cut, whole) {
		t.Errorf("the retried job left\n %+v\nan uninterrupted one\n %+v", cut, whole)
	}
	if whole.Units["Phòng GD&ĐT Hoa Lư"] != "Sở GD&ĐT Ninh Bình" {
		t.Errorf("the uninterrupted job linked the Phòng to %q, want the stored Sở", whole.Units["Phòng GD&ĐT Hoa Lư"])
	}
	if _, ok := whole.Units["Trường THCS Gia Sinh"]; ok {
		t.Errorf("the uninterrupted job created the school under a refused row: %+v", whole)
	}
}

// importAcrossChunks imports a file of organisations whose first chunk
// holds a row that is the stored Sở by its id (under a corrected name), a
// row sharing the stored old Phòng's tax code under the name of another
// stored Phòng, and a row refused for its tax code, each named by a row of
// the second chunk; cut, the job is cut off once both chunks are written,
// and retried.
func importAcrossChunks(t *testing.T, cut bool) importOutcome {
	t.Helper()
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	so := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Ninh Bình","kinds":["supervising_unit"]}`)
	phong := create(t, h, tok, orgs, `{"name":"Phòng Giáo dục Gia Viễn (cũ)","kinds":["supervising_unit"],"tax_code":"2700123456"}`)
	create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Gia Viễn","kinds":["supervising_unit"]}`)

	var file bytes.Buffer
	w := csv.NewWriter(&file)
	rows := [][]string{
		{"id", "name", "tax_code", "supervising_unit"},
		{so, "Sở Giáo dục và Đào tạo Ninh Bình", "", ""}, // 2: the stored Sở
		{"", "Phòng GD&ĐT Gia Viễn", "2700123456", ""},   // 3: the stored old Phòng's tax code
		{"", "Trường lỗi", "12", ""},                     // 4: no tax code
	}
	for len(rows) < 5001 { // chunk 0 is lines 2 to 5001
		rows = append(rows, []string{"", fmt.Sprintf("Trường số %d", len(rows)+1), "", ""})
	}
	rows = append(rows,
		[]string{"", "Phòng GD&ĐT Hoa Lư", "", "Sở Giáo dục và Đào tạo Ninh Bình"},
		[]string{"", "Trường THCS Gia Sinh", "", "Phòng GD&ĐT Gia Viễn"},
		[]string{"", "Trường Mầm non Lỗi", "", "Trường lỗi"},
	)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	if cut {
		// The first chunk held back for the rows naming rows of the file
		// (chunk 2, after the file's two) fails once, as if the database
		// went away: a sequence counts outside the transaction it fails.
		_, err := h.Pool.Exec(context.Background(), `CREATE SEQUENCE cut_once;
CREATE FUNCTION cut_off() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.chunk_no >= 2 AND nextval('cut_once') = 1 THEN
    RAISE EXCEPTION 'cut off';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER cut_off BEFORE INSERT ON import_chunk FOR EACH ROW EXECUTE FUNCTION cut_off();`)
		if err != nil {
			t.Fatal(err)
		}
	}
	job := importFile(t, h, tok, "units.csv", file.Bytes(), "organizations", 2*time.Minute)
	if job.Status != "done" {
		t.Fatalf("the job ended %+v", job)
	}
	attempts := testkit.Count(t, h.Pool, `SELECT attempts FROM import_job WHERE id = $1`, job.ID)
	if cut && (attempts != 1 || testkit.Count(t, h.Pool, `SELECT count(*) FROM import_chunk WHERE import_id = $1`, job.ID) < 3) {
		t.Fatalf("the job was not cut off after its file's chunks: %d attempts", attempts)
	}
	out := importOutcome{Created: job.Progress.Created, Failed: job.Progress.Failed, Problems: problemsOf(t, h, tok, job.ID),
		Units: namePairs(t, h, `SELECT o.name, coalesce(u.name, '') FROM organization o LEFT JOIN organization u ON u.id = o.supervising_unit_id
 WHERE o.import_id = $1 AND o.name NOT LIKE 'Trường số %'`, job.ID)}
	ids := strings.NewReplacer(so, "<Sở>", phong, "<Phòng>")
	for i := range out.Problems {
		out.Problems[i].Message = ids.Replace(out.Problems[i].Message)
	}
	return out
}
