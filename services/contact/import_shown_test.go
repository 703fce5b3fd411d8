package contact_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
)

// A workbook's number cell formatted to show its zeros ("00000": 123 is
// shown 00123) is stored in a text custom field as it is shown, in the
// preview as in the import, and so are a tax code's 0 and a note's
// decimals; a number field stores the number, and a code typed as text is
// kept.
func TestATextCustomFieldStoresWhatANumberCellsFormatShows(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	admin, tok := h.Token(t, auth.Admin), h.Token(t, auth.Sales)
	mustStatus(t, defineFields(t, h, admin, "", `{"school": [{"name": "code", "type": "string"}, {"name": "rooms", "type": "number", "integer": true}]}`), 200)

	f := excelize.NewFile()
	defer f.Close()
	for r, row := range [][]any{
		{"name", "kinds", "tax_code", "custom:code", "custom:rooms", "notes"},
		{"Trường THCS Kim Đồng", "school", 101234567, 123, 12, 12.5},
		{"Trường THPT Lê Lợi", "school", "", "00456", 7},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	for cells, format := range map[[2]string]string{{"C2", "C2"}: "0000000000", {"D2", "D3"}: "00000", {"E2", "E3"}: "000", {"F2", "F2"}: "0.00"} {
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", cells[0], cells[1], style); err != nil {
			t.Fatal(err)
		}
	}
	var file bytes.Buffer
	if err := f.Write(&file); err != nil {
		t.Fatal(err)
	}

	r := postForm(t, h, tok, imports+"/preview", "truong.xlsx", file.Bytes(), map[string]string{"resource": "organizations"})
	mustStatus(t, r, 200)
	var p importPreview
	r.JSON(t, &p)
	if len(p.Rows) != 2 || p.Rows[0].Party == nil || fmt.Sprint(p.Rows[0].Party["custom_fields"]) != "map[code:00123 rooms:12]" ||
		p.Rows[0].Party["tax_code"] != "0101234567" || p.Rows[0].Party["notes"] != "12.50" {
		t.Fatalf("preview: %s", r.Body)
	}

	job := importFile(t, h, tok, "truong.xlsx", file.Bytes(), "organizations", 30*time.Second)
	if job.Status != "done" || job.Progress.Created != 2 || job.Progress.Failed != 0 {
		t.Fatalf("job: %+v (%v)", job, problemsOf(t, h, tok, job.ID))
	}
	got := namePairs(t, h, `SELECT name, concat_ws('|', doc->'custom_fields'->>'code', doc->'custom_fields'->'rooms', doc->>'tax_code', doc->>'notes') FROM organization`)
	for name, want := range map[string]string{"Trường THCS Kim Đồng": "00123|12|0101234567|12.50", "Trường THPT Lê Lợi": "00456|7"} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
}
