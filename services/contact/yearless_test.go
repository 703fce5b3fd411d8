package contact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// yearlyDates is what a person's record answers of its dates.
type yearlyDates struct {
	ID             string `json:"id"`
	Birthday       string `json:"birthday"`
	ImportantDates []struct {
		Label string `json:"label"`
		Date  string `json:"date"`
	} `json:"important_dates"`
}

func (d yearlyDates) String() string {
	s := d.Birthday
	for _, x := range d.ImportantDates {
		s += "; " + x.Label + ": " + x.Date
	}
	return s
}

// Teachers' Day (20/11), Women's Day (8/3) and birthdays whose year nobody
// knows: the clock says 2 November 2026. A date without a year is taken in
// each form staff type it, answered and published as --MM-DD, falls within
// a window with no age turned, is neither ahead nor before 1900, and one
// no year has is refused naming its field.
func TestADateWithoutAYearIsKeptRemindedAndPublishedAsISOWritesIt(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	r := h.Do(t, "POST", people, tok, `{"full_name":"Nguyễn Thị Giáo","birthday":"20/11",
 "important_dates":[{"label":"Ngày nhà giáo","date":"--11-20"},{"label":"Quốc tế phụ nữ","date":"8.3"},{"label":"Ngày cưới","date":"20-06-2015"}]}`)
	mustStatus(t, r, 201)
	var giao yearlyDates
	r.JSON(t, &giao)
	if got := giao.String(); got != "--11-20; Ngày nhà giáo: --11-20; Quốc tế phụ nữ: --03-08; Ngày cưới: 2015-06-20" {
		t.Errorf("created with %s", got)
	}
	// 31 December is after today, 1 January 1900 a placeholder, when dated.
	create(t, h, tok, people, `{"full_name":"Trần Văn Cuối Năm","birthday":"31-12"}`)
	create(t, h, tok, people, `{"full_name":"Lê Văn Đầu Năm","birthday":"--01-01"}`)
	create(t, h, tok, people, `{"full_name":"Phạm Văn Có Năm","birthday":"20/11/1990"}`)

	pg := reminded(t, h, tok, people+"?dates_within=30")
	got := map[string]string{}
	for _, it := range pg.Items {
		got[it.FullName] = fmt.Sprint(*it.Upcoming)
	}
	want := map[string]string{
		"Nguyễn Thị Giáo": fmt.Sprint([]upcoming{{Kind: "birthday", Date: "--11-20", On: "2026-11-20", InDays: ptr(18)},
			{Kind: "important_date", Label: ptr("Ngày nhà giáo"), Date: "--11-20", On: "2026-11-20", InDays: ptr(18)}}),
		"Phạm Văn Có Năm": fmt.Sprint([]upcoming{{Kind: "birthday", Date: "1990-11-20", On: "2026-11-20", InDays: ptr(18), Turns: ptr(36)}}),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("dates within 30 days:\n got %v\nwant %v", got, want)
	}
	if names := walkPeople(t, h, tok, people+"?dates_within=366&limit=2"); !slices.Equal(names, []string{"Nguyễn Thị Giáo", "Phạm Văn Có Năm", "Trần Văn Cuối Năm", "Lê Văn Đầu Năm"}) {
		t.Errorf("dates within a year: %q", names)
	}

	e := testkit.WaitForEvent(t, h.JS, "CONTACT", "contact.person.created", 10*time.Second, func(e event.Event) bool {
		p, err := contract.Decode[contract.PersonCreated](e)
		return err == nil && p.Person.ID == giao.ID
	})
	p, _ := contract.Decode[contract.PersonCreated](e)
	if p.Person.Birthday != "--11-20" || len(p.Person.ImportantDates) != 3 || p.Person.ImportantDates[1].Date != "--03-08" {
		t.Errorf("published %+v", p.Person)
	}
	if err := contract.Rapport().Check(e); err != nil {
		t.Error(err)
	}

	// A PATCH takes one too, 29 February included; the history shows both
	// as the record held them.
	r = h.Do(t, "PATCH", people+"/"+giao.ID, tok, `{"birthday":"29/02"}`)
	mustStatus(t, r, 200)
	r.JSON(t, &giao)
	if giao.Birthday != "--02-29" {
		t.Errorf("patched to %s", giao.Birthday)
	}
	var changed []historyEntry
	for _, c := range historyPages(t, h, tok, people+"/"+giao.ID, "field=birthday") {
		if c.Old != nil {
			changed = append(changed, c)
		}
	}
	if len(changed) != 1 || string(changed[0].Old) != `"--11-20"` || string(changed[0].New) != `"--02-29"` {
		t.Errorf("the birthday's history: %+v", changed)
	}

	// A merge with the same day and its year asks nothing and keeps the year.
	dup := create(t, h, tok, people, `{"full_name":"Nguyễn Thị Giáo","birthday":"2000-02-29"}`)
	r = h.Do(t, "POST", people+"/"+giao.ID+"/merge", tok, fmt.Sprintf(`{"merged_id":%q}`, dup))
	mustStatus(t, r, 200)
	r.JSON(t, &giao)
	if giao.Birthday != "2000-02-29" {
		t.Errorf("merged with 2000-02-29: %s", giao.Birthday)
	}

	mustName(t, h.Do(t, "POST", people, tok, `{"full_name":"Sai Ngày","birthday":"31/02"}`), "birthday", "nor without a year as --MM-DD or DD/MM")
	mustName(t, h.Do(t, "PATCH", people+"/"+giao.ID, tok, `{"important_dates":[{"label":"Giỗ","date":"--02-30"}]}`),
		"important_dates[0].date", "is no day of the calendar")
	// A follow-up needs its year.
	mustStatus(t, h.Do(t, "GET", people+"?next_action_due=20/11", tok, nil), 422)
}

// An export writes a date without a year as --MM-DD, in a CSV cell and in a
// workbook's text cell, and the importer reads it back the same: each row
// imported again is the stored person, and a copy under another name is
// created with the same dates.
func TestAnExportedDateWithoutAYearIsImportedBackTheSame(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	create(t, h, tok, people, `{"full_name":"Nguyễn Thị Giáo","phones":["0912000111"],"birthday":"20/11",
 "important_dates":[{"label":"Ngày nhà giáo","date":"20/11"},{"label":"Ngày cưới","date":"2015-06-20"}]}`)
	create(t, h, tok, people, `{"full_name":"Phạm Văn Có Năm","phones":["0912000222"],"birthday":"20/11/1990"}`)

	rows := readCSV(t, h.Do(t, "GET", people+"/export?format=csv&q=giao", tok, nil))
	col := func(name string) int { return slices.Index(rows[0], name) }
	if b, d := rows[1][col("birthday")], rows[1][col("important_dates")]; b != "--11-20" || d != "Ngày nhà giáo: --11-20; Ngày cưới: 2015-06-20" {
		t.Errorf("CSV cells %q, %q", b, d)
	}
	if job := importFile(t, h, tok, "khach-hang.csv", withRows(t, rows), "people", 30*time.Second); job.Status != "done" || job.Progress.AlreadyStored != 1 || job.Progress.Failed != 0 {
		t.Errorf("the CSV export imported back: %+v", job)
	}

	r := h.Do(t, "GET", people+"/export?format=xlsx", tok, nil)
	mustStatus(t, r, 200)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	xrows, err := f.GetRows(sheet)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, row := range xrows[1:] {
		byName[row[col("full_name")]] = row[col("birthday")]
	}
	// Held as text beside a date cell, which holds its serial number.
	if byName["Nguyễn Thị Giáo"] != "--11-20" || byName["Phạm Văn Có Năm"] != "33197" {
		t.Errorf("the workbook holds birthdays %q", byName)
	}
	if job := importFile(t, h, tok, "khach-hang.xlsx", r.Body, "people", 30*time.Second); job.Status != "done" || job.Progress.AlreadyStored != 2 || job.Progress.Failed != 0 {
		t.Errorf("the workbook imported back: %+v", job)
	}

	copyRow := map[string]string{"full_name": "Nguyễn Thị Giáo Hai", "birthday": rows[1][col("birthday")], "important_dates": rows[1][col("important_dates")]}
	if job := importFile(t, h, tok, "ban-sao.csv", withRows(t, rows[:1], copyRow), "people", 30*time.Second); job.Status != "done" || job.Progress.Created != 1 {
		t.Fatalf("a copy: %+v", job)
	}
	var doc json.RawMessage
	if err := h.Pool.QueryRow(t.Context(), `SELECT doc - 'id' - 'full_name' - 'owner_id' FROM person WHERE doc->>'full_name' = 'Nguyễn Thị Giáo Hai'`).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	var stored yearlyDates
	if err := json.Unmarshal(doc, &stored); err != nil || stored.String() != "--11-20; Ngày nhà giáo: --11-20; Ngày cưới: 2015-06-20" {
		t.Errorf("the copy is stored with %s (%v): %s", stored, err, doc)
	}
	if strings.Contains(string(doc), "0000") {
		t.Errorf("a year 0 is stored: %s", doc)
	}
}
