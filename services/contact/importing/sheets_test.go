package importing

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
)

// workbook returns an XLSX file of the sheets, each a list of rows of cells.
func workbook(t *testing.T, sheets map[string][][]any, order ...string) []byte {
	t.Helper()
	b, err := importtest.Workbook(sheets, order...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEverySheetOfAWorkbookIsReadUnderItsOwnHeader(t *testing.T) {
	file := workbook(t, map[string][][]any{
		"10A1":  {{"Họ và tên", "SĐT"}, {"Nguyễn An", "0912000001"}},
		"Trống": nil,
		"10A2":  {{"DANH SÁCH LỚP 10A2"}, {}, {"STT", "Họ và tên", "Điện thoại"}, {1, "Lê Bình", "0912000002"}, {"Tổng cộng"}},
		"10A3":  {{"Họ và tên"}},
	}, "10A1", "Trống", "10A2", "10A3")
	var got []Row
	for row, err := range ReadXLSX(bytes.NewReader(file), DefaultMapping()) {
		if err != nil {
			t.Fatal(err)
		}
		row.Headers = nil
		got = append(got, row)
	}
	want := []Row{
		{Line: 2, Sheet: "10A1", Cells: []Cell{{"Họ và tên", "Nguyễn An"}, {"SĐT", "0912000001"}}},
		{Line: 2*SheetRows + 4, Sheet: "10A2", Cells: []Cell{{"STT", "1"}, {"Họ và tên", "Lê Bình"}, {"Điện thoại", "0912000002"}}},
		{Line: 2*SheetRows + 5, Sheet: "10A2", Cells: []Cell{{"STT", "Tổng cộng"}}, End: &ListEnd{Line: 2*SheetRows + 5, Text: "Tổng cộng"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", got, want)
	}
	wb, err := OpenWorkbook(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var heads []string
	for row, err := range wb.Heads(DefaultMapping()) {
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, row.Sheet)
	}
	if !reflect.DeepEqual(heads, []string{"10A1", "10A2"}) {
		t.Errorf("heads of %q", heads)
	}
	sheets := wb.Sheets
	if !reflect.DeepEqual(sheets, Sheets{"10A1", "Trống", "10A2", "10A3"}) {
		t.Fatalf("sheets %q", sheets)
	}
	if got := sheets.Row(2*SheetRows + 4); got != `row 4 of sheet "10A2"` {
		t.Errorf("Row: %q", got)
	}
}

func TestAWorkbookWithNoHeaderOnAnySheetHasNone(t *testing.T) {
	file := workbook(t, map[string][][]any{}, "A", "B")
	for _, err := range ReadXLSX(bytes.NewReader(file), DefaultMapping()) {
		if err != ErrNoHeader {
			t.Fatalf("err %v, want ErrNoHeader", err)
		}
		return
	}
	t.Fatal("no error")
}

func TestAProblemIsShownAtItsSheetsRow(t *testing.T) {
	s := Sheets{"10A1", "10A2"}
	got := s.Shown(Problem{Row: SheetRows + 7, DuplicateOfRow: 3, Message: "m"})
	want := Problem{Row: 7, Sheet: "10A2", DuplicateOfRow: 3, DuplicateOfSheet: "10A1", Message: "m"}
	if got != want {
		t.Errorf("Shown: %+v, want %+v", got, want)
	}
	// A CSV file's rows are their lines, however many.
	if got := Sheets(nil).Shown(Problem{Row: 3 * SheetRows}); got != (Problem{Row: 3 * SheetRows}) {
		t.Errorf("CSV: %+v", got)
	}
	if got := Sheets(nil).Row(12); got != "row 12" {
		t.Errorf("Row: %q", got)
	}
}

func TestRowsOfTwoSheetsHoldingOneKeyAreDuplicatesNamingTheSheet(t *testing.T) {
	c := NewChecker(Options{Sheets: Sheets{"10A1", "10A2"}})
	if _, problems := c.Person(Row{Line: 2, Sheet: "10A1", Cells: []Cell{{"Họ và tên", "An"}, {"SĐT", "0912000001"}}}); problems != nil {
		t.Fatal(problems)
	}
	_, problems := c.Person(Row{Line: SheetRows + 2, Sheet: "10A2", Cells: []Cell{{"Họ và tên", "An"}, {"SĐT", "0912000001"}}})
	want := []Problem{{Row: SheetRows + 2, Column: "SĐT", Message: `same phone +84912000001 as row 2 of sheet "10A1"`, DuplicateOfRow: 2}}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems %+v, want %+v", problems, want)
	}
}

// A workbook's FileRefs are read from the first sheet whose header names
// a parent or a party, as ReadFile reads them from all its rows, and the
// sheets above it are not read past their headers: a cell the reader
// refuses on the first sheet's fifth row is never reached.
func TestAWorkbooksRefsAreReadFromTheFirstSheetThatNeedsThem(t *testing.T) {
	students := [][]any{{"Họ và tên", "SĐT"}, {"Nguyễn An", "0912000001"}, {"Lê Bình", "0912000002"}, {"Trần Chi", "0912000003"}, {"Phạm Dũng", "0912000004"}}
	withParents := [][]any{{"Họ và tên", "Họ tên cha", "SĐT cha"}, {"Võ Em", "Võ Văn Cha", "0912000009"}}
	broken := func(file []byte) []byte {
		return importtest.WithPart(t, file, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`r="A5"`), []byte(`r="XFE5"`), 1)
		})
	}
	c := NewChecker(Options{Sheets: Sheets{"10A1", "10A2"}})
	for _, tt := range []struct {
		name     string
		second   [][]any
		families bool
	}{{"parents on the second sheet", withParents, true}, {"no sheet names a parent", students[:2], false}} {
		file := broken(workbook(t, map[string][][]any{"10A1": students, "10A2": tt.second}, "10A1", "10A2"))
		if _, err := ReadFile(ReadXLSX(bytes.NewReader(file), DefaultMapping()), c, People); err == nil {
			t.Fatalf("%s: the first sheet reads through: the test no longer tells", tt.name)
		}
		wb, err := OpenWorkbook(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		refs, err := wb.ReadRefs(c, People)
		wb.Close()
		if err != nil || (refs.Families != nil) != tt.families || refs.Parties != nil {
			t.Errorf("%s: %+v, %v", tt.name, refs, err)
		}
	}
}
