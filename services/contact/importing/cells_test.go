package importing

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// formulaWorkbook is a workbook of two sheets of people, as a program
// writes one: a formula in a cell, and no value saved for it.
func formulaWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if _, err := f.NewSheet("Lớp B"); err != nil {
		t.Fatal(err)
	}
	for _, sheet := range []string{"Sheet1", "Lớp B"} {
		for r, row := range [][]any{{"Họ và tên", "Zalo", "Ghi chú riêng"}, {"Trần Thị Hoa", 912345001}, {"Lê Văn Nam"}} {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(sheet, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct{ sheet, cell, formula string }{
		{"Lớp B", "B3", "=912000000+111"}, // a Zalo id a program computed
		{"Lớp B", "C2", "=1+1"},           // in a column feeding nothing
	} {
		if err := f.SetCellFormula(c.sheet, c.cell, c.formula); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A cell holding a formula with no value saved reads as blank; the check
// of the workbook finds it, and the row is refused in its column, rather
// than stored without its value. One in a column feeding nothing is left.
func TestAFormulaWithNoValueSavedRefusesItsRow(t *testing.T) {
	file := formulaWorkbook(t)
	scan, err := CheckWorkbook(file)
	if err != nil {
		t.Fatal(err)
	}
	formulas := scan.Formulas
	second := SheetRows // the lines of the second sheet start after the first's
	if len(formulas) != 2 || !slices.Equal(formulas[second+3], []int{1}) || !slices.Equal(formulas[second+2], []int{2}) {
		t.Fatalf("formulas %v", formulas)
	}
	c := NewChecker(Options{Workbook: true, Formulas: formulas})
	var refused []Problem
	for row, err := range ReadXLSX(bytes.NewReader(file), DefaultMapping()) {
		if err != nil {
			t.Fatal(err)
		}
		_, problems := c.Person(row)
		refused = append(refused, problems...)
	}
	if len(refused) != 1 || refused[0].Row != second+3 || refused[0].Column != "Zalo" || !strings.Contains(refused[0].Message, "formula with no value saved") {
		t.Errorf("problems %+v", refused)
	}
}

// A spreadsheet keeping a Zalo id (a phone) as a number drops its leading
// 0, which is read back as a phone's is; a long id it rounded refuses the
// row, as its digits are lost; anything else is kept as written.
func TestAZaloIDKeptAsANumberGetsItsLeadingZeroBack(t *testing.T) {
	for cell, want := range map[string]string{
		"912345001":           "0912345001",
		"386123456":           "0386123456",
		"0912345001":          "0912345001",
		"123456789":           "123456789", // no mobile number
		"5896401953817203840": "5896401953817203840",
		"chau.do":             "chau.do",
	} {
		p, problems := NewChecker(Options{Workbook: true}).Person(Row{Line: 2, Cells: []Cell{{"Họ và tên", "Đỗ Minh Châu"}, {"Zalo", cell}}})
		if len(problems) > 0 || p.ZaloID != want {
			t.Errorf("Zalo %q: %q, %+v; want %q", cell, p.ZaloID, problems, want)
		}
	}
	_, problems := NewChecker(Options{}).Person(Row{Line: 2, Cells: []Cell{{"Họ và tên", "Đỗ Minh Châu"}, {"Zalo", "5.8964019538172E+18"}}})
	if len(problems) != 1 || problems[0].Column != "Zalo" || !strings.Contains(problems[0].Message, "rounded") {
		t.Errorf("a rounded id: %+v", problems)
	}
	// As a phone in a number cell is.
	if phone, err := party.NormalizePhone("912345001"); err != nil || phone != "+84912345001" {
		t.Errorf("the phone %q, %v", phone, err)
	}
}
