package importing

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// shownWorkbook is a workbook of units whose number cells have formats:
// codes and a tax code padded with zeros, a number with its decimals, a
// number under General, and a code typed as text.
func shownWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Tên đơn vị", "MST", "custom:code", "custom:count", "Ghi chú", "custom:plain"},
		{"Trường A", 101234567, 123, 42, 12.5, 123},
		{"Trường B", "0101234568", "00456", 7, 3, 4.25},
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ cells, format string }{
		{"B2", "0000000000"},
		{"C2:C3", "00000"},
		{"D2:D3", `"SL "00000`},
		{"E2:E3", "0.00"},
	} {
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &c.format})
		if err != nil {
			t.Fatal(err)
		}
		from, to, ok := strings.Cut(c.cells, ":")
		if !ok {
			to = from
		}
		if err := f.SetCellStyle("Sheet1", from, to, style); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A number cell whose format pads it with zeros is read, in a text field,
// as the spreadsheet shows it (00123, a tax code's 0), and its decimals as
// shown (12.50); a number field reads the number. A number under General
// and a code typed as text are read as they were.
func TestATextFieldTakesWhatANumberCellsFormatShows(t *testing.T) {
	file := shownWorkbook(t)
	scan, err := CheckWorkbook(file)
	if err != nil {
		t.Fatal(err)
	}
	want := Shown{2: {1: "0101234567", 2: "00123", 3: "SL 00042", 4: "12.50"}, 3: {3: "SL 00007", 4: "3.00"}}
	if !reflect.DeepEqual(scan.Shown, want) {
		t.Fatalf("shown %v, want %v", scan.Shown, want)
	}
	// excelize, reading the cells formatted, shows them the same.
	formatted, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer formatted.Close()
	for line, cols := range want {
		for col, text := range cols {
			cell, _ := excelize.CoordinatesToCellName(col+1, line)
			if got, _ := formatted.GetCellValue("Sheet1", cell); got != text {
				t.Errorf("%s: excelize shows %q, the import %q", cell, got, text)
			}
		}
	}

	schema := party.CustomFieldSchema{party.KindUnit: {
		{Name: "code", Type: party.FieldString},
		{Name: "count", Type: party.FieldNumber, Integer: true},
		{Name: "plain", Type: party.FieldString},
	}}
	for _, tt := range []struct {
		shown Shown
		want  []party.Organisation
	}{
		{nil, []party.Organisation{ // without the scan, as before
			{TaxCode: "101234567"},
			{TaxCode: "0101234568", Notes: "3", CustomFields: map[string]any{"code": "00456", "count": 7.0, "plain": "4.25"}},
		}},
		{scan.Shown, []party.Organisation{
			{TaxCode: "0101234567", Notes: "12.50", CustomFields: map[string]any{"code": "00123", "count": 42.0, "plain": "123"}},
			{TaxCode: "0101234568", Notes: "3.00", CustomFields: map[string]any{"code": "00456", "count": 7.0, "plain": "4.25"}},
		}},
	} {
		c := NewChecker(Options{Workbook: true, Schema: schema, Shown: tt.shown})
		i := 0
		for row, err := range ReadXLSX(bytes.NewReader(file), DefaultMapping()) {
			if err != nil {
				t.Fatal(err)
			}
			o, problems := c.Organisation(row)
			w := tt.want[i]
			i++
			if tt.shown == nil && row.Line == 2 {
				if len(problems) == 0 {
					t.Errorf("row 2 read raw: no problem with its tax code %q", o.TaxCode)
				}
				continue
			}
			if len(problems) > 0 {
				t.Errorf("row %d: %+v", row.Line, problems)
			}
			if o.TaxCode != w.TaxCode || o.Notes != w.Notes || !reflect.DeepEqual(o.CustomFields, w.CustomFields) {
				t.Errorf("row %d: tax code %q, notes %q, custom fields %v; want %q, %q, %v",
					row.Line, o.TaxCode, o.Notes, o.CustomFields, w.TaxCode, w.Notes, w.CustomFields)
			}
		}
	}
}

// BenchmarkCheckWorkbook100kRows measures the whole workbook's scan
// (CheckWorkbook) of 100,000 rows: of text cells, as staff type them, and
// with a column of codes kept as number cells formatted "00000", each of
// whose cells is read and shown.
func BenchmarkCheckWorkbook100kRows(b *testing.B) {
	for _, codes := range []bool{false, true} {
		name := "text"
		if codes {
			name = "codes"
		}
		file := codesWorkbook(b, 100_000, codes)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(file)))
			for b.Loop() {
				scan, err := CheckWorkbook(file)
				if err != nil || codes != (len(scan.Shown) == 100_000) {
					b.Fatalf("%d shown, %v", len(scan.Shown), err)
				}
			}
		})
	}
}

// codesWorkbook is a workbook of n units, each with a code: a number cell
// formatted "00000", or with codes false the text of it.
func codesWorkbook(b *testing.B, n int, codes bool) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	format := "00000"
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		b.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"Tên đơn vị", "Điện thoại", "custom:code", "Ghi chú"}); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		code := any(fmt.Sprintf("%05d", i%1000))
		if codes {
			code = excelize.Cell{StyleID: style, Value: i % 1000}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("Trường số %d", i), fmt.Sprintf("09123%05d", i), code, "gọi lại"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
