package contact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/servicetest"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// upcoming is a date of a person's upcoming member, its optional members
// as pointers, so that one left out is told from a zero.
type upcoming struct {
	Kind   string  `json:"kind"`
	Label  *string `json:"label"`
	Date   string  `json:"date"`
	On     string  `json:"on"`
	InDays *int    `json:"in_days"`
	Turns  *int    `json:"turns"`
}

func (u upcoming) String() string {
	s := fmt.Sprintf("%s %s on %s", u.Kind, u.Date, u.On)
	if u.Label != nil {
		s += " label " + *u.Label
	}
	if u.InDays != nil {
		s += fmt.Sprintf(" in %d", *u.InDays)
	}
	if u.Turns != nil {
		s += fmt.Sprintf(" turns %d", *u.Turns)
	}
	return s
}

type remindedPage struct {
	Items []struct {
		FullName string      `json:"full_name"`
		Upcoming *[]upcoming `json:"upcoming"`
	}
	NextCursor string `json:"next_cursor"`
}

// reminded reads one page of people at path.
func reminded(t *testing.T, h *servicetest.Harness, tok, path string) remindedPage {
	t.Helper()
	r := h.Do(t, "GET", path, tok, nil)
	mustStatus(t, r, 200)
	var pg remindedPage
	r.JSON(t, &pg)
	return pg
}

// walkPeople pages through the people at path, which holds a query, and
// returns their names in order.
func walkPeople(t *testing.T, h *servicetest.Harness, tok, path string) []string {
	t.Helper()
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatalf("%s: the cursor never ends", path)
		}
		pg := reminded(t, h, tok, path+cursor)
		for _, it := range pg.Items {
			got = append(got, it.FullName)
		}
		if pg.NextCursor == "" {
			return got
		}
		cursor = "&cursor=" + url.QueryEscape(pg.NextCursor)
	}
}

func ptr[T any](v T) *T { return &v }

// The clock says 28 December 2026, 09:00 in Hanoi: a week's window runs
// into January. The list is by the day each person's soonest date falls
// on, today first, then by name, and says for each which of their dates
// fall in the window, on which day, in how many days, and the age turned.
func TestTheDatesWithinAWindowAreListedSoonestFirstAcrossAYearEndSayingWhichFallsWhen(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{Now: time.Date(2026, 12, 28, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))})
	tok := h.Token(t, auth.Sales)
	for _, body := range []string{
		`{"full_name":"Nguyễn Văn Tết","birthday":"1990-01-02"}`,
		`{"full_name":"Trần Thị Cưới","important_dates":[{"label":"Ngày cưới","date":"2010-12-30"}]}`,
		`{"full_name":"Lê Văn Hôm Nay","birthday":"28/12/1980"}`,
		`{"full_name":"Phạm Thị Hai Ngày","birthday":"1975-12-31","important_dates":[{"label":"Con vào lớp 1","date":"2019-01-03"}]}`,
		`{"full_name":"An Văn Tuần Sau","birthday":"1985-01-04"}`, // the 8th day: outside
		`{"full_name":"Bùi Văn Cũng Hôm Nay","birthday":"2000-12-28"}`,
		`{"full_name":"Cao Thị Không Ngày"}`,
	} {
		create(t, h, tok, people, body)
	}
	want := []string{"Bùi Văn Cũng Hôm Nay", "Lê Văn Hôm Nay", "Trần Thị Cưới", "Phạm Thị Hai Ngày", "Nguyễn Văn Tết"}
	pg := reminded(t, h, tok, people+"?dates_within=7")
	var got []string
	dates := map[string][]upcoming{}
	for _, it := range pg.Items {
		got = append(got, it.FullName)
		if it.Upcoming == nil {
			t.Fatalf("%s is listed without upcoming dates", it.FullName)
		}
		dates[it.FullName] = *it.Upcoming
	}
	if !slices.Equal(got, want) {
		t.Fatalf("dates within 7 days of 28 December: %q, want %q", got, want)
	}
	wantDates := map[string][]upcoming{
		"Bùi Văn Cũng Hôm Nay": {{Kind: "birthday", Date: "2000-12-28", On: "2026-12-28", InDays: ptr(0), Turns: ptr(26)}},
		"Lê Văn Hôm Nay":       {{Kind: "birthday", Date: "1980-12-28", On: "2026-12-28", InDays: ptr(0), Turns: ptr(46)}},
		"Trần Thị Cưới":        {{Kind: "important_date", Label: ptr("Ngày cưới"), Date: "2010-12-30", On: "2026-12-30", InDays: ptr(2)}},
		// Listed once, at the soonest of two dates in the window.
		"Phạm Thị Hai Ngày": {{Kind: "birthday", Date: "1975-12-31", On: "2026-12-31", InDays: ptr(3), Turns: ptr(51)},
			{Kind: "important_date", Label: ptr("Con vào lớp 1"), Date: "2019-01-03", On: "2027-01-03", InDays: ptr(6)}},
		"Nguyễn Văn Tết": {{Kind: "birthday", Date: "1990-01-02", On: "2027-01-02", InDays: ptr(5), Turns: ptr(37)}},
	}
	for name, w := range wantDates {
		if fmt.Sprint(dates[name]) != fmt.Sprint(w) {
			t.Errorf("%s's upcoming dates:\n got %v\nwant %v", name, dates[name], w)
		}
	}

	// Other filters narrow the list and keep its order; the member is the
	// window's only.
	if got := walkPeople(t, h, tok, people+"?dates_within=3&q=van&limit=1"); !slices.Equal(got, []string{"Bùi Văn Cũng Hôm Nay", "Lê Văn Hôm Nay"}) {
		t.Errorf("dates within 3 days, named Văn: %q", got)
	}
	for _, path := range []string{people + "?q=van", people + "?limit=100"} {
		for _, it := range reminded(t, h, tok, path).Items {
			if it.Upcoming != nil {
				t.Errorf("%s answers %s with upcoming dates", path, it.FullName)
			}
		}
	}
	pg = reminded(t, h, tok, people+"?q="+url.QueryEscape("Lê Văn Hôm Nay")+"&dates_within=1")
	if len(pg.Items) != 1 {
		t.Fatalf("Lê by name among today's: %+v", pg.Items)
	}
	r := h.Do(t, "GET", people+"/"+personID(t, h, tok, "Lê Văn Hôm Nay"), tok, nil)
	mustStatus(t, r, 200)
	if strings.Contains(string(r.Body), "upcoming") {
		t.Errorf("the record answers upcoming dates: %s", r.Body)
	}
}

// personID finds the id of the one person named name.
func personID(t *testing.T, h *servicetest.Harness, tok, name string) string {
	t.Helper()
	var pg struct{ Items []item }
	h.Do(t, "GET", people+"?q="+url.QueryEscape(name), tok, nil).JSON(t, &pg)
	if len(pg.Items) != 1 {
		t.Fatalf("%d people named %s", len(pg.Items), name)
	}
	return pg.Items[0].ID
}

// Pages break inside a day without losing or repeating anyone, over a
// week and over a year's window (which the service reads a few days at a
// time), and a cursor pages the list it came from only.
func TestTheDatesWithinAWindowArePagedAcrossEqualDaysAndTheirCursorPagesNoOtherList(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{}) // Monday 2 November 2026
	tok := h.Token(t, auth.Sales)
	for _, p := range []struct{ name, birthday string }{
		{"Vũ Văn Mai", "1980-11-03"}, {"Đặng Thị Mai", "1981-11-03"}, {"Bùi Văn Mai", "1982-11-03"}, {"Hồ Thị Mai", "1983-11-03"},
		{"Lý Văn Hôm Nay", "1970-11-02"}, {"Ngô Thị Thứ Năm", "1990-11-05"}, {"Dương Văn Thứ Năm", "1991-11-05"},
		{"Phan Thị Nhuận", "2000-02-29"}, {"Tạ Văn Hôm Qua", "1979-11-01"}, {"Mạc Thị Cuối Tháng Mười", "1995-10-30"},
	} {
		create(t, h, tok, people, fmt.Sprintf(`{"full_name":%q,"birthday":%q}`, p.name, p.birthday))
	}
	week := []string{"Lý Văn Hôm Nay", "Bùi Văn Mai", "Đặng Thị Mai", "Hồ Thị Mai", "Vũ Văn Mai", "Dương Văn Thứ Năm", "Ngô Thị Thứ Năm"}
	for _, limit := range []string{"", "&limit=1", "&limit=2", "&limit=3"} {
		if got := walkPeople(t, h, tok, people+"?dates_within=7"+limit); !slices.Equal(got, week) {
			t.Errorf("dates within 7 days%s: %q, want %q", limit, got, week)
		}
	}
	// The export is in the list's order.
	rows := readCSV(t, h.Do(t, "GET", people+"/export?dates_within=7", tok, nil))
	var exported []string
	for _, row := range rows[1:] {
		exported = append(exported, row[slices.Index(rows[0], "full_name")])
	}
	if !slices.Equal(exported, week) {
		t.Errorf("the export of the dates within 7 days: %q, want %q", exported, week)
	}
	// A year from today: 29 February falls on 28 February 2027, the 30
	// October and 1 November days next year.
	year := append(slices.Clone(week), "Phan Thị Nhuận", "Mạc Thị Cuối Tháng Mười", "Tạ Văn Hôm Qua")
	for _, limit := range []string{"", "&limit=1", "&limit=4"} {
		if got := walkPeople(t, h, tok, people+"?dates_within=366"+limit); !slices.Equal(got, year) {
			t.Errorf("dates within a year%s: %q, want %q", limit, got, year)
		}
	}
	pg := reminded(t, h, tok, people+"?dates_within=366&q=nhuan")
	if len(pg.Items) != 1 || fmt.Sprint(*pg.Items[0].Upcoming) != fmt.Sprint([]upcoming{{Kind: "birthday", Date: "2000-02-29", On: "2027-02-28", InDays: ptr(118), Turns: ptr(27)}}) {
		t.Errorf("29 February in a year's window: %+v", pg.Items)
	}

	// With the follow-ups due too, the list is still by the dates' day:
	// the dates it answers say why each is where.
	for _, name := range []string{"Vũ Văn Mai", "Lý Văn Hôm Nay", "Ngô Thị Thứ Năm"} {
		logInteraction(t, h, tok, personID(t, h, tok, name), `{"kind":"call","next_action_on":"2026-11-02"}`)
	}
	if got := walkPeople(t, h, tok, people+"?dates_within=7&next_action_due=today&limit=1"); !slices.Equal(got, []string{"Lý Văn Hôm Nay", "Vũ Văn Mai", "Ngô Thị Thứ Năm"}) {
		t.Errorf("dates within 7 days with a follow-up due: %q", got)
	}

	// A cursor pages the list it came from only.
	cursorOf := func(path string) string {
		t.Helper()
		c := reminded(t, h, tok, path).NextCursor
		if c == "" {
			t.Fatalf("%s has one page", path)
		}
		return "&cursor=" + url.QueryEscape(c)
	}
	byDate, byName, byDue := cursorOf(people+"?dates_within=7&limit=1"), cursorOf(people+"?limit=1"), cursorOf(people+"?next_action_due=today&limit=1")
	for _, path := range []string{people + "?limit=1" + byDate, people + "?next_action_due=today&limit=1" + byDate,
		people + "?dates_within=7&limit=1" + byName, people + "?dates_within=7&limit=1" + byDue} {
		mustName(t, h.Do(t, "GET", path, tok, nil), "cursor", "belongs to another query")
	}
	// Another window lists in the same order, but is another list.
	mustName(t, h.Do(t, "GET", people+"?dates_within=366&limit=1"+byDate, tok, nil), "cursor", "belongs to another query")
}

// An export of the dates within a window, and of a segment saved with
// dates_within, lists the people as the list does, with the columns of
// their upcoming dates beside the name; a workbook has the days as date
// cells and the counts as numbers. The segment moves with the calendar.
func TestAnExportOfTheDatesWithinAWindowHasTheirColumns(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{Now: time.Date(2026, 12, 28, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))})
	tok := h.Token(t, auth.Sales)
	create(t, h, tok, people, `{"full_name":"Nguyễn Văn Tết","birthday":"1990-01-02"}`)
	create(t, h, tok, people, `{"full_name":"Trần Thị Cưới","important_dates":[{"label":"Ngày cưới","date":"2010-12-30"}]}`)
	create(t, h, tok, people, `{"full_name":"Phạm Thị Hai Ngày","birthday":"1975-12-31","important_dates":[{"label":"Con vào lớp 1","date":"2019-01-03"}]}`)
	create(t, h, tok, people, `{"full_name":"Lê Văn Hôm Nay","birthday":"1980-12-28"}`)
	create(t, h, tok, people, `{"full_name":"Đỗ Văn Xa","birthday":"1980-03-28"}`)
	columns := []string{"upcoming_kind", "upcoming_label", "upcoming_date", "upcoming_on", "upcoming_in_days", "upcoming_turns"}
	want := [][]string{
		{"Lê Văn Hôm Nay", "birthday", "", "1980-12-28", "2026-12-28", "0", "46"},
		{"Trần Thị Cưới", "important_date", "Ngày cưới", "2010-12-30", "2026-12-30", "2", ""},
		{"Phạm Thị Hai Ngày", "birthday; important_date", "; Con vào lớp 1", "1975-12-31; 2019-01-03", "2026-12-31; 2027-01-03", "3; 6", "51; "},
		{"Nguyễn Văn Tết", "birthday", "", "1990-01-02", "2027-01-02", "5", "37"},
	}
	r := h.Do(t, "POST", "/api/contact/v1/segments", tok, `{"name":"Sinh nhật tuần này","resource":"people","filter":{"dates_within":7}}`)
	mustStatus(t, r, 201)
	var seg struct{ ID string }
	r.JSON(t, &seg)
	segment := "/api/contact/v1/segments/" + seg.ID + "/export"

	for _, path := range []string{people + "/export?dates_within=7", segment} {
		rows := readCSV(t, h.Do(t, "GET", path, tok, nil))
		if got := rows[0][2:8]; !slices.Equal(got, columns) || rows[0][1] != "full_name" {
			t.Fatalf("%s: header %q, want %q after full_name", path, rows[0], columns)
		}
		var got [][]string
		for _, row := range rows[1:] {
			got = append(got, row[1:8])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %q\nwant %q", path, got, want)
		}
	}
	if rows := readCSV(t, h.Do(t, "GET", people+"/export", tok, nil)); slices.Contains(rows[0], "upcoming_on") {
		t.Errorf("an export of every person has the columns of a window: %q", rows[0])
	}

	r = h.Do(t, "GET", people+"/export?dates_within=7&format=xlsx", tok, nil)
	mustStatus(t, r, 200)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	for _, c := range []struct{ cell, shown, raw string }{
		{"F2", "28/12/2026", "46384"}, // upcoming_on of Lê: a date cell
		{"E2", "28/12/1980", "29583"}, // upcoming_date
		{"G2", "0", "0"},              // upcoming_in_days: a number
		{"H2", "46", "46"},            // upcoming_turns
		{"G5", "5", "5"},
		{"F4", "2026-12-31; 2027-01-03", "2026-12-31; 2027-01-03"}, // two dates stay text
	} {
		shown, _ := f.GetCellValue(sheet, c.cell)
		raw, _ := f.GetCellValue(sheet, c.cell, excelize.Options{RawCellValue: true})
		if shown != c.shown || raw != c.raw {
			t.Errorf("%s shows %q and holds %q, want %q and %q", c.cell, shown, raw, c.shown, c.raw)
		}
	}
	for _, cell := range []string{"G2", "H2"} {
		if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is a cell of type %v", cell, typ)
		}
	}

	// A day later the segment's week starts on the 29th: Lê's birthday
	// has passed, and everyone is a day nearer.
	h.Clock.Advance(24 * time.Hour)
	rows := readCSV(t, h.Do(t, "GET", segment, tok, nil))
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[1]+" "+row[6])
	}
	if want := []string{"Trần Thị Cưới 1", "Phạm Thị Hai Ngày 2; 5", "Nguyễn Văn Tết 4"}; !slices.Equal(got, want) {
		t.Errorf("the segment a day later: %q, want %q", got, want)
	}
	var view struct{ Count int }
	h.Do(t, "GET", "/api/contact/v1/segments/"+seg.ID, tok, nil).JSON(t, &view)
	if view.Count != 3 {
		t.Errorf("the segment counts %d a day later", view.Count)
	}
}

// The upcoming dates are answered, never written: a create or an edit
// naming them is refused, and neither a record nor an event holds them.
func TestTheUpcomingDatesAreReadOnlyAndNeverStored(t *testing.T) {
	h := servicetest.Start(t, contact.Service(), servicetest.Options{})
	tok := h.Token(t, auth.Sales)
	lan := create(t, h, tok, people, `{"full_name":"Vũ Thị Lan","birthday":"1985-11-05"}`)
	pg := reminded(t, h, tok, people+"?dates_within=7")
	if len(pg.Items) != 1 || pg.Items[0].Upcoming == nil {
		t.Fatalf("Lan's birthday: %+v", pg.Items)
	}
	read, _ := json.Marshal(*pg.Items[0].Upcoming)
	before := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`)
	for _, w := range []struct{ method, path, body string }{
		{"POST", people, `{"full_name":"Vũ Văn Nam","upcoming":[]}`},
		{"POST", people, `{"full_name":"Vũ Văn Nam","birthday":"1985-11-05","upcoming":` + string(read) + `}`},
		{"PATCH", people + "/" + lan, `{"upcoming":` + string(read) + `}`}, // sent back as read
		{"PATCH", people + "/" + lan, `{"notes":"Gọi sau 17h.","upcoming":null}`},
	} {
		mustName(t, h.Do(t, w.method, w.path, tok, w.body), "upcoming", "")
	}
	mustStatus(t, h.Do(t, "PATCH", people+"/"+lan, tok, `{"notes":"Gọi sau 17h."}`), 200)
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox`) - before; n != 1 {
		t.Errorf("%d events, want the edit's", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM outbox WHERE payload::text LIKE '%upcoming%'`); n != 0 {
		t.Errorf("%d events hold upcoming dates", n)
	}
	if n := testkit.Count(t, h.Pool, `SELECT count(*) FROM person WHERE doc ? 'upcoming'`); n != 0 {
		t.Errorf("%d records store upcoming dates", n)
	}
}
