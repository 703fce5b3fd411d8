package importing

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/importing/importtest"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// collect reads every row; each must carry the file's header row, which
// is then dropped so that tests compare lines and cells.
func collect(t *testing.T, rows func(func(Row, error) bool)) ([]Row, error) {
	t.Helper()
	var out []Row
	for row, err := range rows {
		if err != nil {
			return out, err
		}
		for _, c := range row.Cells {
			if !slices.Contains(row.Headers, c.Header) {
				t.Fatalf("row %d: header %q is not in the header row %q", row.Line, c.Header, row.Headers)
			}
		}
		row.Headers = nil
		out = append(out, row)
	}
	return out, nil
}

func TestCSVRowsCarryTheirFileLineAndCellsByHeader(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []Row
	}{
		{
			name: "comma separated",
			file: "Tên đơn vị,Số điện thoại\nTrường A,0912345678\nTrường B,0987654321\n",
			want: []Row{
				{Line: 2, Cells: []Cell{{"Tên đơn vị", "Trường A"}, {"Số điện thoại", "0912345678"}}},
				{Line: 3, Cells: []Cell{{"Tên đơn vị", "Trường B"}, {"Số điện thoại", "0987654321"}}},
			},
		},
		{
			name: "semicolons and byte order mark from Excel",
			file: "\ufeffTên đơn vị;Mã số thuế\nTrường A;0101234567\n",
			want: []Row{{Line: 2, Cells: []Cell{{"Tên đơn vị", "Trường A"}, {"Mã số thuế", "0101234567"}}}},
		},
		{
			name: "blank rows skipped, ragged rows tolerated, a multi-line cell is one row as a spreadsheet shows it",
			file: "Tên,Ghi chú,Email\n\n,,\n\"Trường A\",\"dòng 1\ndòng 2\r\ndòng 3\"\n\nTrường B\n\"Trường C\",x\n",
			want: []Row{
				{Line: 4, Cells: []Cell{{"Tên", "Trường A"}, {"Ghi chú", "dòng 1\ndòng 2\ndòng 3"}}},
				{Line: 6, Cells: []Cell{{"Tên", "Trường B"}}},
				{Line: 7, Cells: []Cell{{"Tên", "Trường C"}, {"Ghi chú", "x"}}},
			},
		},
		{
			name: "a title block above the header is not data",
			file: "DANH SÁCH KHÁCH HÀNG;;\nNgày 24/11/2026;;\n;;\nTên đơn vị;Số điện thoại;Email\nTrường A;0912345678;\n",
			want: []Row{{Line: 5, Cells: []Cell{{"Tên đơn vị", "Trường A"}, {"Số điện thoại", "0912345678"}}}},
		},
		{
			name: "with no known header the first non-blank row is the header",
			file: "\nCột 1,Cột 2\nx,y\n",
			want: []Row{{Line: 3, Cells: []Cell{{"Cột 1", "x"}, {"Cột 2", "y"}}}},
		},
		{
			name: "a two-row header is read as one",
			file: "STT;Họ và tên;Liên hệ;;Ghi chú\n;;Điện thoại;Email;\n1;Nguyễn Văn An;0912345678;an@x.vn;gọi lại\n",
			want: []Row{{Line: 3, Cells: []Cell{{"STT", "1"}, {"Họ và tên", "Nguyễn Văn An"},
				{"Điện thoại (Liên hệ)", "0912345678"}, {"Email (Liên hệ)", "an@x.vn"}, {"Ghi chú", "gọi lại"}}}},
		},
		{
			name: "columns under a known group keep its field",
			file: "Họ và tên,Điện thoại,\n,Cơ quan,Di động\nNguyễn Văn An,0241234567,0912345678\n",
			want: []Row{{Line: 3, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"},
				{"Điện thoại (Cơ quan)", "0241234567"}, {"Di động (Điện thoại)", "0912345678"}}}},
		},
		{
			name: "an upper row naming no known column",
			file: "DANH SÁCH\n\nSTT,Thông tin cá nhân,\n,Họ và tên,Ngày sinh\n1,Nguyễn Văn An,05/05/1990\n",
			want: []Row{{Line: 5, Cells: []Cell{{"STT", "1"},
				{"Họ và tên (Thông tin cá nhân)", "Nguyễn Văn An"}, {"Ngày sinh (Thông tin cá nhân)", "05/05/1990"}}}},
		},
		{
			name: "a row numbering the columns is not data",
			file: "STT,Họ và tên,Điện thoại\n(1),(2),(3)\n1,Nguyễn Văn An,0912345678\n",
			want: []Row{{Line: 3, Cells: []Cell{{"STT", "1"}, {"Họ và tên", "Nguyễn Văn An"}, {"Điện thoại", "0912345678"}}}},
		},
		{
			name: "a row of notes on how to fill the columns in is not data",
			file: "Họ và tên,Ngày sinh,Điện thoại\n,(dd/mm/yyyy),(di động)\nNguyễn Văn An,05/05/1990,0912345678\n",
			want: []Row{{Line: 3, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", "05/05/1990"}, {"Điện thoại", "0912345678"}}}},
		},
		{
			name: "notes under a two-row header are not data",
			file: "STT,Liên hệ,\n,Điện thoại,Email\n,(di động),(nếu có)\n1,0912345678,a@x.vn\n",
			want: []Row{{Line: 4, Cells: []Cell{{"STT", "1"}, {"Điện thoại (Liên hệ)", "0912345678"}, {"Email (Liên hệ)", "a@x.vn"}}}},
		},
		{
			name: "a first data row with a value in brackets is data",
			file: "Họ và tên,Ghi chú\nNguyễn Văn An,(chưa gọi)\n",
			want: []Row{{Line: 2, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"}, {"Ghi chú", "(chưa gọi)"}}}},
		},
		{
			name: "a first data row holding a header's words is data",
			file: "Tên đơn vị,Cấp,Ghi chú\nUBND xã A,Xã,1\n2,3\n",
			want: []Row{
				{Line: 2, Cells: []Cell{{"Tên đơn vị", "UBND xã A"}, {"Cấp", "Xã"}, {"Ghi chú", "1"}}},
				{Line: 3, Cells: []Cell{{"Tên đơn vị", "2"}, {"Cấp", "3"}}},
			},
		},
		{
			name: "rows apart from the header by a blank row are data",
			file: "Họ và tên,Liên hệ\n\n,Email\n\n(1),(2)\n",
			want: []Row{{Line: 3, Cells: []Cell{{"Liên hệ", "Email"}}}, {Line: 5, Cells: []Cell{{"Họ và tên", "(1)"}, {"Liên hệ", "(2)"}}}},
		},
		{
			name: "stray quotes are read as Excel reads them",
			file: "Họ tên,Điện thoại\nBad \"Quote,0912000001\nLê \"Hoa\" Hồng,0912000002\n\"Chưa đóng,0912000003\nNgười sau,0912000004\n",
			want: []Row{
				{Line: 2, Cells: []Cell{{"Họ tên", `Bad "Quote`}, {"Điện thoại", "0912000001"}}},
				{Line: 3, Cells: []Cell{{"Họ tên", `Lê "Hoa" Hồng`}, {"Điện thoại", "0912000002"}}},
				// An unclosed quoted field runs to the end of the file.
				{Line: 4, Cells: []Cell{{"Họ tên", "Chưa đóng,0912000003\nNgười sau,0912000004"}}},
			},
		},
		{
			name: "the quote an export puts before a formula-like cell is dropped",
			file: "Họ tên,Ghi chú,Điện thoại\n'=HYPERLINK(\"x\"),'+SUM(1;2),'0912000001\nAn,'@all,'x\n",
			want: []Row{
				{Line: 2, Cells: []Cell{{"Họ tên", `=HYPERLINK("x")`}, {"Ghi chú", "+SUM(1;2)"}, {"Điện thoại", "'0912000001"}}},
				{Line: 3, Cells: []Cell{{"Họ tên", "An"}, {"Ghi chú", "@all"}, {"Điện thoại", "'x"}}},
			},
		},
		{
			name: "values under a blank header or past the last one are kept as unheaded",
			file: "Tên,,Email\nTrường A,đã gọi,a@x.vn,,\nTrường B,,,  ,ghi thêm\n,x\n",
			want: []Row{
				{Line: 2, Cells: []Cell{{"Tên", "Trường A"}, {"Email", "a@x.vn"}}, Unheaded: []string{"column B"}},
				{Line: 3, Cells: []Cell{{"Tên", "Trường B"}}, Unheaded: []string{"column E"}},
				{Line: 4, Cells: []Cell{}, Unheaded: []string{"column B"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collect(t, ReadCSV(strings.NewReader(tt.file), DefaultMapping()))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("rows:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// Past the rows a title block may take, a file whose header names no known
// column is read from its first row: no row is taken for a title.
func TestAFileWithNoKnownHeaderKeepsEveryRow(t *testing.T) {
	file := "Cột 1\n"
	for i := range 2 * headerSearch {
		file += fmt.Sprintf("giá trị %d\n", i)
	}
	got, err := collect(t, ReadCSV(strings.NewReader(file), DefaultMapping()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2*headerSearch || got[0].Line != 2 || got[0].Get("Cột 1") != "giá trị 0" || got[len(got)-1].Line != 2*headerSearch+1 {
		t.Fatalf("%d rows, first %v, last %v", len(got), got[0], got[len(got)-1])
	}
}

func TestBrokenFilesAreRefused(t *testing.T) {
	tests := []struct {
		name, file string
	}{
		{"empty file", ""},
		{"only blank rows", ",,\n , ,\n"},
		{"repeated single-valued header", "Tên,Email,Tên\nA,a@x.vn,B\n"},
		{"repeated header feeding nothing", "Tên,Ghi chú riêng,Ghi chú riêng\nA,x,y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := collect(t, ReadCSV(strings.NewReader(tt.file), DefaultMapping())); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, err := collect(t, ReadXLSX(strings.NewReader("not a zip"), DefaultMapping())); err == nil {
		t.Error("ReadXLSX accepted a non-XLSX file")
	}
	if _, err := collect(t, ReadCSV(strings.NewReader(""), DefaultMapping())); !errors.Is(err, ErrNoHeader) {
		t.Errorf("empty CSV: err = %v, want ErrNoHeader", err)
	}
}

// A form's two "Điện thoại" columns (home and mobile), or two "Email",
// feed the one list field: the second is read as "Điện thoại (2)", so a
// problem names the column it is about, and the row takes every number.
func TestAHeaderRepeatedForAListFieldFeedsItFromEveryColumn(t *testing.T) {
	file := "Họ và tên,Điện thoại,Email,Điện thoại,Email,Điện thoại\nTrần Thị Hoa,024 3825 1234,hoa@x.vn,0912 345 678,,0987 654 321\n"
	got, err := collect(t, ReadCSV(strings.NewReader(file), DefaultMapping()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Cell{{"Họ và tên", "Trần Thị Hoa"}, {"Điện thoại", "024 3825 1234"}, {"Email", "hoa@x.vn"},
		{"Điện thoại (2)", "0912 345 678"}, {"Điện thoại (3)", "0987 654 321"}}
	if len(got) != 1 || !reflect.DeepEqual(got[0].Cells, want) {
		t.Fatalf("rows %+v", got)
	}
	for row, err := range ReadCSV(strings.NewReader(file), DefaultMapping()) {
		if err != nil {
			t.Fatal(err)
		}
		p, problems := NewChecker(Options{}).Person(row)
		if len(problems) > 0 || !slices.Equal(p.Phones, []string{"+842438251234", "+84912345678", "+84987654321"}) {
			t.Errorf("person %+v, %+v", p, problems)
		}
	}
}

func TestXLSXRowsMatchTheSameTableAsCSV(t *testing.T) {
	table := importtest.People(50, 7)
	var csvFile, xlsxFile bytes.Buffer
	if err := table.WriteCSV(&csvFile); err != nil {
		t.Fatal(err)
	}
	if err := table.WriteXLSX(&xlsxFile); err != nil {
		t.Fatal(err)
	}
	fromCSV, err := collect(t, ReadCSV(&csvFile, DefaultMapping()))
	if err != nil {
		t.Fatal(err)
	}
	fromXLSX, err := collect(t, ReadXLSX(&xlsxFile, DefaultMapping()))
	if err != nil {
		t.Fatal(err)
	}
	if len(fromCSV) != 50 || !reflect.DeepEqual(fromCSV, fromXLSX) {
		t.Errorf("CSV gave %d rows, XLSX %d; first CSV %v, first XLSX %v", len(fromCSV), len(fromXLSX), fromCSV[0], fromXLSX[0])
	}
}

func TestXLSXSkipsTitleRowsAndBlankRowsButKeepsSheetRowNumbers(t *testing.T) {
	f := excelize.NewFile()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "UBND HUYỆN ĐÔNG ANH")
	set("C1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	set("A2", "DANH SÁCH CÁN BỘ DỰ TẬP HUẤN")
	set("A4", "Họ và tên")
	set("B4", "Ngày sinh")
	set("A5", "Nguyễn Văn An")
	set("B5", 32998) // a date cell read raw: 05/05/1990
	set("A7", "Trần Thị Bích")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := collect(t, ReadXLSX(&buf, DefaultMapping()))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 5, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", "32998"}}},
		{Line: 7, Cells: []Cell{{"Họ và tên", "Trần Thị Bích"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
}

// The usual Vietnamese form: merged header cells over two rows, a row
// numbering the columns, and a note in brackets after a header.
func TestXLSXReadsAMergedTwoRowHeaderAsOne(t *testing.T) {
	f := excelize.NewFile()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(from, to string) {
		if err := f.MergeCell("Sheet1", from, to); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "DANH SÁCH HỌC VIÊN")
	merge("A1", "E1")
	for cell, v := range map[string]any{"A2": "STT", "B2": "Họ và tên", "C2": "Liên hệ", "E2": "Ngày sinh (dd/mm/yyyy)",
		"C3": "Điện thoại", "D3": "Email", "A4": "(1)", "B4": "(2)", "C4": "(3)", "D4": "(4)", "E4": "(5)",
		"A5": 1, "B5": "Nguyễn Văn An", "C5": "0912345678", "D5": "an@x.vn", "E5": "05/05/1990"} {
		set(cell, v)
	}
	merge("A2", "A3")
	merge("B2", "B3")
	merge("C2", "D2")
	merge("E2", "E3")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var got []Row
	for row, err := range ReadXLSX(&buf, DefaultMapping()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, row)
	}
	headers := []string{"STT", "Họ và tên", "Điện thoại (Liên hệ)", "Email (Liên hệ)", "Ngày sinh (dd/mm/yyyy)"}
	want := []Row{{Line: 5, Headers: headers, Cells: []Cell{{"STT", "1"}, {"Họ và tên", "Nguyễn Văn An"},
		{"Điện thoại (Liên hệ)", "0912345678"}, {"Email (Liên hệ)", "an@x.vn"}, {"Ngày sinh (dd/mm/yyyy)", "05/05/1990"}}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows:\n got %v\nwant %v", got, want)
	}
	if ignored := DefaultMapping().Ignored(headers, People); !reflect.DeepEqual(ignored, []string{"STT"}) {
		t.Errorf("people ignore %q, want only STT", ignored)
	}
}

// A form ends with a total and a signature block: the signers' names below
// it sit under the name column, and are not the list's.
func TestRowsFromTheEndOfTheListOnCarryIt(t *testing.T) {
	file := "STT,Họ và tên,Điện thoại\n" +
		"1,Nguyễn Văn An,0912345678\n" +
		"Tổng cộng: 1 người,,\n" +
		",,\n" +
		",Người lập biểu,Hiệu trưởng\n" +
		",Lê Thị Lập,Trần Văn Trưởng\n"
	got, err := collect(t, ReadCSV(strings.NewReader(file), DefaultMapping()))
	if err != nil {
		t.Fatal(err)
	}
	end := &ListEnd{Line: 3, Text: "Tổng cộng: 1 người"}
	want := []Row{
		{Line: 2, Cells: []Cell{{"STT", "1"}, {"Họ và tên", "Nguyễn Văn An"}, {"Điện thoại", "0912345678"}}},
		{Line: 3, Cells: []Cell{{"STT", "Tổng cộng: 1 người"}}, End: end},
		{Line: 5, Cells: []Cell{{"Họ và tên", "Người lập biểu"}, {"Điện thoại", "Hiệu trưởng"}}, End: end},
		{Line: 6, Cells: []Cell{{"Họ và tên", "Lê Thị Lập"}, {"Điện thoại", "Trần Văn Trưởng"}}, End: end},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
}

func TestTotalsAndSignatureBlocksEndTheList(t *testing.T) {
	for s, want := range map[string]bool{
		"Tổng cộng":                         true,
		"TỔNG CỘNG: 45":                     true,
		"Tổng số: 12 đơn vị":                true,
		"Người lập biểu":                    true,
		"NGƯỜI LẬP BẢNG":                    true,
		"(Ký, ghi rõ họ tên)":               true,
		"(Ký tên, đóng dấu)":                true,
		"Thủ trưởng đơn vị":                 true,
		"Xác nhận của nhà trường":           true,
		"Hà Nội, ngày 24 tháng 11 năm 2026": true,
		"Ngày ... tháng ... năm ...":        true,
		norm.NFD.String("Tổng cộng"):        true, // typed with combining marks
		"Tổng công ty Điện lực Miền Bắc":    false,
		"Nguyễn Văn Ký":                     false,
		"Trường THCS Tháng Tám":             false,
		"Ngày hội việc làm":                 false,
		"Tong cong ty Viettel":              false,
	} {
		if got := endsList(s); got != want {
			t.Errorf("endsList(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestSameBytesGiveTheSameFingerprint(t *testing.T) {
	a, _ := Fingerprint(strings.NewReader("Tên\nTrường A\n"))
	b, _ := Fingerprint(strings.NewReader("Tên\nTrường A\n"))
	c, _ := Fingerprint(strings.NewReader("Tên\nTrường B\n"))
	if a != b || a == c || len(a) != 64 {
		t.Errorf("fingerprints %q %q %q", a, b, c)
	}
}
