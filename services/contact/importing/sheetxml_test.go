package importing

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
)

// A workbook whose sheet XML is damaged is read by ReadXLSX to the damage
// and no further, without an error; CheckWorkbook names the sheet and the
// last row above the damage, and finds nothing wrong with a sound one.
func TestCheckWorkbookNamesTheDamagedSheetAndTheRowAboveTheDamage(t *testing.T) {
	rows := [][]any{{"Họ và tên", "Điện thoại"}}
	for i := range 50 {
		rows = append(rows, []any{fmt.Sprintf("Người %d", i), fmt.Sprintf("09123456%02d", i)})
	}
	file, err := importtest.Workbook(map[string][][]any{"Lớp A": rows, "Lớp B": rows}, "Lớp A", "Lớp B")
	if err != nil {
		t.Fatal(err)
	}
	if scan, err := CheckWorkbook(file); err != nil || scan.Formulas != nil || scan.Shown != nil {
		t.Fatalf("a sound workbook: %v, %v", scan, err)
	}
	row30 := []byte(`<row r="30"`)
	for _, tt := range []struct {
		name string
		edit func([]byte) []byte
		want string // "" for sound
	}{
		{"cut inside a tag", func(b []byte) []byte { return b[:bytes.Index(b, row30)+5] }, `sheet "Lớp B" is damaged after row 29`},
		{"cut between rows", func(b []byte) []byte { return b[:bytes.Index(b, row30)] }, `sheet "Lớp B" is damaged after row 29`},
		{"garbled", func(b []byte) []byte { return bytes.Replace(b, row30, []byte(`<row r="30" <`), 1) }, `sheet "Lớp B" is damaged after row 29`},
		{"a row closed twice", func(b []byte) []byte { return bytes.Replace(b, row30, []byte(`</row><row r="30"`), 1) }, `sheet "Lớp B" is damaged after row 29`},
		{"before the first row", func(b []byte) []byte { return bytes.Replace(b, []byte("<sheetData>"), []byte("<sheetData><"), 1) }, `sheet "Lớp B" is damaged before its first row`},
		{"a cell name no sheet has", func(b []byte) []byte { return bytes.Replace(b, []byte(`r="A30"`), []byte(`r="30A"`), 1) }, ""},
	} {
		damaged := importtest.WithPart(t, file, "xl/worksheets/sheet2.xml", tt.edit)
		_, err := CheckWorkbook(damaged)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
		if tt.want == "" || tt.name == "a row closed twice" {
			continue
		}
		read := 0
		for _, err := range ReadXLSX(bytes.NewReader(damaged), DefaultMapping()) {
			if err != nil {
				t.Fatalf("%s: ReadXLSX says %v: the check may no longer be needed", tt.name, err)
			}
			read++
		}
		if read >= 100 {
			t.Errorf("%s: ReadXLSX read %d rows", tt.name, read)
		}
	}
}

// A preview's formulas are read up to its last row shown and no further:
// the formulas below are not returned, and damage below them is no
// error, as the job refuses it.
func TestAScanOfUnsavedFormulasStopsAtTheLastLineShown(t *testing.T) {
	file := formulaWorkbook(t) // formulas at rows 2 and 3 of the second sheet
	second := SheetRows
	for _, tt := range []struct {
		last int
		want Formulas
	}{
		{last: 5, want: nil},
		{last: second + 2, want: Formulas{second + 2: {2}}},
		{last: second + 3, want: Formulas{second + 2: {2}, second + 3: {1}}},
	} {
		if got := ScanWorkbook(file, tt.last).Formulas; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("up to line %d: %v, want %v", tt.last, got, tt.want)
		}
	}
	damaged := importtest.WithPart(t, file, "xl/worksheets/sheet2.xml", func(b []byte) []byte {
		return b[:bytes.Index(b, []byte(`</sheetData>`))]
	})
	if _, err := CheckWorkbook(damaged); err == nil {
		t.Fatal("the damage is not found")
	}
	if got, err := scanSheets(damaged, second+2); err != nil || !reflect.DeepEqual(got.Formulas, Formulas{second + 2: {2}}) {
		t.Errorf("above the damage: %v, %v", got, err)
	}
}
