package contact_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// withRows returns an export with rows added below it, each given as
// header -> cell; the other cells are empty.
func withRows(t *testing.T, export [][]string, added ...map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	rows := slices.Clone(export)
	for _, a := range added {
		row := make([]string, len(export[0]))
		for header, cell := range a {
			i := slices.Index(export[0], header)
			if i < 0 {
				t.Fatalf("no column %q in %q", header, export[0])
			}
			row[i] = cell
		}
		rows = append(rows, row)
	}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A row of an export imported back that is a stored party (its id names
// it) is not created again, and stands for that party: the rows added to
// the file naming it (a school's supervising unit by name, a parent's
// child by name, a relative as exports write one) link to the stored
// party, and the preview says so as the import does.
func TestRowsNamingAStoredRowOfTheirFileLinkToTheStoredParty(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	so := create(t, h, tok, orgs, `{"name":"Sở GD&ĐT Hà Nội","kinds":["supervising_unit"]}`)
	phong := create(t, h, tok, orgs, `{"name":"Phòng GD&ĐT Ba Đình","kinds":["supervising_unit"],"supervising_unit_id":"`+so+`"}`)
	khang := create(t, h, tok, people, `{"full_name":"Nguyễn Minh Khang","phones":["0912345678"]}`)
	lan := create(t, h, tok, people, `{"full_name":"Trần Thị Lan","phones":["0913999201"],
 "relationships":[{"kind":"related_to","party_id":"`+khang+`","label":"cháu"}]}`)

	cases := []struct {
		path, resource string
		added          []map[string]string
		// links are, by the name of each added row, the stored party it
		// must link to.
		links map[string]string
	}{
		{orgs, "organizations", []map[string]string{
			{"name": "Trường Tiểu học Mới", "kinds": "school", "supervising_unit": "Phòng GD&ĐT Ba Đình"},
		}, map[string]string{"Trường Tiểu học Mới": phong}},
		{people, "people", []map[string]string{
			{"full_name": "Phạm Văn Bố", "parent_of": "Nguyễn Minh Khang"},
			{"full_name": "Đỗ Thị Cháu", "related_to": "cô: Trần Thị Lan (+84913999201)"},
		}, map[string]string{"Phạm Văn Bố": khang, "Đỗ Thị Cháu": lan}},
	}
	for _, c := range cases {
		export := readCSV(t, h.Do(t, "GET", c.path+"/export?format=csv", tok, nil))
		file := withRows(t, export, c.added...)
		first := len(export) + 1 // the line of the first added row

		// The preview shows the added rows created, linked to the stored party.
		r := previewForm(t, h, tok, "", file, map[string]string{"resource": c.resource})
		mustStatus(t, r, 200)
		var p importPreview
		r.JSON(t, &p)
		for i := range c.added {
			line := first + i
			k := slices.IndexFunc(p.Rows, func(row previewRow) bool { return row.Row == line })
			if k < 0 || p.Rows[k].Party == nil || len(p.Rows[k].Problems) != 0 {
				t.Errorf("%s preview: row %d is not created: %s", c.resource, line, r.Body)
				continue
			}
			if shown := fmt.Sprint(p.Rows[k].Party); !strings.Contains(shown, c.links[nameOf(c.added[i])]) {
				t.Errorf("%s preview: row %d links to %s, not the stored party %s", c.resource, line, shown, c.links[nameOf(c.added[i])])
			}
		}
		for _, row := range p.Rows[:len(export)-1] { // the stored parties, as stored
			if row.Party != nil || len(row.Problems) != 0 || row.AlreadyStored == "" {
				t.Errorf("%s preview: exported row %d: %+v", c.resource, row.Row, row)
			}
		}

		// The import creates them, linked to the stored party.
		job := importFile(t, h, tok, "export.csv", file, c.resource, 30*time.Second)
		if job.Status != "done" || job.Progress.Created != len(c.added) || job.Progress.AlreadyStored != len(export)-1 || job.Progress.Failed != 0 {
			t.Errorf("%s import: %+v, %+v", c.resource, job, problemsOf(t, h, tok, job.ID))
		}
		for name, target := range c.links {
			table := map[string]string{"organizations": "organization", "people": "person"}[c.resource]
			got := namePairs(t, h, `SELECT name, doc::text FROM `+table+` WHERE name = $1`, name)
			if !strings.Contains(got[name], target) {
				t.Errorf("%s import: %s is %s, not linked to %s", c.resource, name, got[name], target)
			}
		}
	}

	// A stored row refused for anything else (an email that is none)
	// refuses the rows naming it, in the preview as in the import.
	export := readCSV(t, h.Do(t, "GET", orgs+"/export?format=csv", tok, nil))
	k := slices.IndexFunc(export, func(row []string) bool { return slices.Contains(row, "Phòng GD&ĐT Ba Đình") })
	export[k][slices.Index(export[0], "emails")] = "phong.badinh"
	file := withRows(t, export, map[string]string{"name": "Trường Mầm non Mới", "supervising_unit": "Phòng GD&ĐT Ba Đình"})
	want := fmt.Sprintf("names row %d of this file (\"Phòng GD&ĐT Ba Đình\"), which was not imported", k+1)
	r := previewForm(t, h, tok, "", file, map[string]string{"resource": "organizations"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if last := p.Rows[len(p.Rows)-1]; last.Row != len(export)+1 || last.Party != nil || len(last.Problems) != 1 ||
		!strings.Contains(last.Problems[0].Message, want) {
		t.Errorf("preview of a school naming a refused row: %+v", last)
	}
	job := importFile(t, h, tok, "export.csv", file, "organizations", 30*time.Second)
	if msg := problemAt(problemsOf(t, h, tok, job.ID), len(export)+1, "supervising_unit"); job.Progress.Created != 0 || !strings.Contains(msg, want) {
		t.Errorf("import of a school naming a refused row: %+v, %q", job, msg)
	}
}

// nameOf is the name an added row gives its party.
func nameOf(row map[string]string) string {
	if name, ok := row["name"]; ok {
		return name
	}
	return row["full_name"]
}
