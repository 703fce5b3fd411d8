package importing

import (
	"time"

	"reflect"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/party"
)

func TestDefaultMappingReadsCommonVietnameseAndEnglishHeaders(t *testing.T) {
	tests := []struct {
		header string
		want   Field
	}{
		{"Tên đơn vị", FieldName},
		{"TÊN ĐƠN VỊ", FieldName},
		{"Họ và tên", FieldName},
		{"Số điện thoại", FieldPhones},
		{"SĐT", FieldPhones},
		{"so dien thoai", FieldPhones},
		{"Mã số thuế", FieldTaxCode},
		{"MST", FieldTaxCode},
		{"Tỉnh/Thành phố", FieldProvince},
		{"Tỉnh / Thành phố", FieldProvince},
		{"Quận/Huyện", FieldDistrict},
		{"Phường/Xã", FieldWard},
		{"E-mail", FieldEmails},
		{"Ngày sinh", FieldBirthday},
		{"Zalo", FieldZaloID},
		{"Phone", FieldPhones},
		{"Tax code", FieldTaxCode},
	}
	m := DefaultMapping()
	for _, tt := range tests {
		if got, ok := m.Field(tt.header); !ok || got != tt.want {
			t.Errorf("Field(%q) = %q, %v; want %q", tt.header, got, ok, tt.want)
		}
	}
	if got, ok := m.Field("Số lượng học sinh"); ok {
		t.Errorf("unknown header mapped to %q", got)
	}
}

func TestValidOrganisationRowBecomesANormalisedOrganisation(t *testing.T) {
	schema := party.CustomFieldSchema{party.KindSchool: {
		{Name: "student_count", Type: party.FieldNumber},
		{Name: "boarding", Type: party.FieldBool},
	}}
	mapping := DefaultMapping().With(map[string]Field{"Số học sinh": CustomField("student_count"), "Nội trú": CustomField("boarding")})
	c := NewChecker(Options{Mapping: mapping, Schema: schema})
	got, problems := c.Organisation(Row{Line: 2, Cells: []Cell{
		{"Tên đơn vị", "Trường Tiểu học Kim Đồng"},
		{"Loại", "Trường học; Đơn vị"},
		{"Mã số thuế", "0101 234 567"},
		{"Tỉnh/Thành phố", "Bình Dương"},
		{"Điện thoại", "0912 345 678 / 0987654321"},
		{"Email", "KeToan@KimDong.edu.vn"},
		{"Trạng thái", "Khách hàng"},
		{"Số học sinh", "850"},
		{"Nội trú", "không"},
		{"Người lập", "Lan"},
	}})
	if problems != nil {
		t.Fatalf("problems: %v", problems)
	}
	want := party.Organisation{
		Kinds: []party.Kind{party.KindSchool, party.KindUnit}, Name: "Trường Tiểu học Kim Đồng",
		TaxCode: "0101234567", Province: "Bình Dương", CurrentProvince: "Thành phố Hồ Chí Minh",
		Phones: []string{"+84912345678", "+84987654321"}, Emails: []string{"ketoan@kimdong.edu.vn"},
		Stage: party.StageCustomer, CustomFields: map[string]any{"student_count": 850.0, "boarding": false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("organisation:\n got %+v\nwant %+v", got, want)
	}
	headers := []string{"Tên đơn vị", "Loại", "Số học sinh", "Người lập", "Ngày sinh"}
	if u := mapping.Ignored(headers, Organisations); !reflect.DeepEqual(u, []string{"Người lập", "Ngày sinh"}) {
		t.Errorf("Ignored() = %q", u)
	}
}

func TestBrokenRowsAreReportedByRowAndColumn(t *testing.T) {
	tests := []struct {
		name     string
		cells    []Cell
		headers  []string // the file's header row; the cells' headers when nil
		unheaded []string
		want     []Problem
	}{
		{
			name:  "missing name, and no name column",
			cells: []Cell{{"Số điện thoại", "0912345678"}},
			want:  []Problem{{Row: 7, Column: "", Message: "required"}},
		},
		{
			name:    "blank name cell under the name column",
			cells:   []Cell{{"Số điện thoại", "0912345678"}},
			headers: []string{"Ghi chú", "Tên đơn vị", "Số điện thoại"},
			want:    []Problem{{Row: 7, Column: "Tên đơn vị", Message: "required"}},
		},
		{
			name: "second phone of the second phone column is invalid",
			cells: []Cell{
				{"Tên đơn vị", "UBND xã A"},
				{"Điện thoại", "0912345678"},
				{"Di động", "0987654321, 0123"},
			},
			want: []Problem{{Row: 7, Column: "Di động", Message: `holds "0123", which is not a valid phone number`}},
		},
		{
			name: "bad email, tax code, province and kind",
			cells: []Cell{
				{"Tên đơn vị", "UBND xã A"},
				{"Email", "Kế toán <kt@x.vn>"},
				{"MST", "12345"},
				{"Tỉnh", "Bangkok"},
				{"Loại", "khách lẻ"},
			},
			want: []Problem{
				{Row: 7, Column: "Loại", Message: `unknown kind "khách lẻ"`},
				{Row: 7, Column: "MST", Message: party.ErrInvalidTaxCode.Error()},
				{Row: 7, Column: "Tỉnh", Message: party.UnknownProvince},
				{Row: 7, Column: "Email", Message: `holds "Kế toán <kt@x.vn>", which is not a valid email address`},
			},
		},
		{
			name:  "two columns for one single-valued field",
			cells: []Cell{{"Tên đơn vị", "A"}, {"Tên", "B"}},
			want:  []Problem{{Row: 7, Column: "Tên đơn vị", Message: "several columns map to name; keep one"}},
		},
		{
			name:  "a tax code kept as a number lost its leading 0",
			cells: []Cell{{"Tên đơn vị", "UBND xã A"}, {"MST", "101234567"}},
			want: []Problem{{Row: 7, Column: "MST", Message: party.ErrInvalidTaxCode.Error() +
				": a spreadsheet drops the leading 0 of a code kept as a number; format the column as text and type the code again"}},
		},
		{
			name:     "a value under no header",
			cells:    []Cell{{"Tên đơn vị", "UBND xã A"}},
			unheaded: []string{"column C"},
			want:     []Problem{{Row: 7, Column: "column C", Message: "has a value but no header, so no field can take it: name the column or clear the cell"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := tt.headers
			if headers == nil {
				for _, c := range tt.cells {
					headers = append(headers, c.Header)
				}
			}
			_, got := NewChecker(Options{}).Organisation(Row{Line: 7, Cells: tt.cells, Headers: headers, Unheaded: tt.unheaded})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestBrokenPersonRowsAreReportedByRowAndColumn(t *testing.T) {
	_, got := NewChecker(Options{}).Person(Row{Line: 3, Cells: []Cell{
		{"Họ và tên", "  "}, {"SĐT", "abc"}, {"Ngày sinh", "31/02/1990"},
	}})
	want := []Problem{
		{Row: 3, Column: "Ngày sinh", Message: `holds "31/02/1990", which ` + party.ErrInvalidYearlyDate.Error()},
		{Row: 3, Column: "Họ và tên", Message: "required"},
		{Row: 3, Column: "SĐT", Message: `holds "abc", which is not a valid phone number`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", got, want)
	}
}

func TestABirthdayAfterTheDayOfTheImportIsReportedInItsColumn(t *testing.T) {
	c := NewChecker(Options{Received: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)})
	_, got := c.Person(Row{Line: 4, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", "25/11/2026"}}})
	want := []Problem{{Row: 4, Column: "Ngày sinh", Message: "must not be after today (2026-11-24)"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", got, want)
	}
	if _, got := c.Person(Row{Line: 5, Cells: []Cell{{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", "24/11/2026"}}}); got != nil {
		t.Errorf("a birthday today: %+v", got)
	}
}

func TestPersonRowReadsDayFirstAndSpreadsheetSerialBirthdays(t *testing.T) {
	for _, cell := range []string{"05/05/1990", "1990-05-05", "32998"} {
		p, problems := NewChecker(Options{Workbook: true}).Person(Row{Line: 2, Cells: []Cell{
			{"Họ và tên", "Nguyễn Văn An"}, {"Ngày sinh", cell},
		}})
		if problems != nil || p.Birthday != (party.Date{Year: 1990, Month: 5, Day: 5}) {
			t.Errorf("birthday %q: got %v, problems %v", cell, p.Birthday, problems)
		}
	}
}

// A number alone is a date only where a workbook's date cell holds its
// serial: in a CSV file "1985" is a year, and "32998" was typed as a
// number; a year alone is no date in a workbook either, nor inside an
// important date's text.
func TestANumberAloneIsNoDateButAWorkbooksSerial(t *testing.T) {
	const year = "1985 is a year alone: a date needs day, month and year, as dd/mm/1985"
	tests := []struct {
		name     string
		workbook bool
		column   string
		cell     string
		want     string
	}{
		{"a year in a CSV birthday", false, "Ngày sinh", "1985", year},
		{"a serial in a CSV birthday", false, "Ngày sinh", "32998", "32998 is a number, not a date: write the date as dd/mm/yyyy, or dd/mm without its year"},
		{"a year in a workbook birthday", true, "Ngày sinh", "1985", year},
		{"a year in a CSV important date", false, "Ngày quan trọng", "Ngày cưới: 2015",
			`holds "Ngày cưới: 2015", whose date 2015 is a year alone: a date needs day, month and year, as dd/mm/2015`},
		{"a serial in a workbook important date", true, "Ngày quan trọng", "Ngày cưới: 42175",
			`holds "Ngày cưới: 42175", whose date 42175 is a number, not a date: write the date as dd/mm/yyyy, or dd/mm without its year`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := NewChecker(Options{Workbook: tt.workbook}).Person(Row{Line: 2, Cells: []Cell{
				{"Họ và tên", "Năm Sinh Một"}, {tt.column, tt.cell}}})
			want := []Problem{{Row: 2, Column: tt.column, Message: tt.want}}
			if !reflect.DeepEqual(problems, want) {
				t.Errorf("problems %+v, want %+v", problems, want)
			}
		})
	}
}

func TestDuplicatesWithinTheFileAreReportedWithBothRows(t *testing.T) {
	c := NewChecker(Options{})
	rows := []Row{
		{Line: 2, Cells: []Cell{{"Tên", "Trường A"}, {"SĐT", "0912 345 678"}, {"MST", "0101234567"}}},
		{Line: 3, Cells: []Cell{{"Tên", "Trường B"}, {"SĐT", "0987 654 321"}, {"Email", "b@x.vn"}}},
		{Line: 4, Cells: []Cell{{"Tên", "Trường A (bản sao)"}, {"SĐT", "+84 912 345 678"}, {"MST", "0101.234.567"}}},
		{Line: 5, Cells: []Cell{{"Tên", "Trường C"}, {"Email", "B@X.VN"}}},
		// Refused for its kind, and a duplicate of row 2's tax code all the same;
		// its valid phone is not taken, so row 7 is no duplicate.
		{Line: 6, Cells: []Cell{{"Tên", "Trường D"}, {"Loại", "khách lẻ"}, {"SĐT", "0977 000 001"}, {"MST", "0101234567"}}},
		{Line: 7, Cells: []Cell{{"Tên", "Trường E"}, {"SĐT", "0977000001"}}},
	}
	var got []Problem
	for _, r := range rows {
		_, problems := c.Organisation(r)
		got = append(got, problems...)
	}
	want := []Problem{
		{Row: 4, Column: "SĐT", Message: "same phone +84912345678 as row 2", DuplicateOfRow: 2},
		{Row: 4, Column: "MST", Message: "same tax code 0101234567 as row 2", DuplicateOfRow: 2},
		{Row: 5, Column: "Email", Message: "same email b@x.vn as row 3", DuplicateOfRow: 3},
		{Row: 6, Column: "Loại", Message: `unknown kind "khách lẻ"`},
		{Row: 6, Column: "MST", Message: "same tax code 0101234567 as row 2", DuplicateOfRow: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n got %+v\nwant %+v", got, want)
	}
}

// A person's workplace and title become a works_at link, the workplace as
// written until the import looks it up; a title with no workplace has
// nothing to hang on, so the row is refused in the title's column.
func TestAWorkplaceAndTitleBecomeAWorksAtLink(t *testing.T) {
	c := NewChecker(Options{})
	p, problems := c.Person(Row{Line: 2, Headers: []string{"Họ và tên", "Chức vụ", "Đơn vị công tác"}, Cells: []Cell{
		{"Họ và tên", "Lê Thị Hoa"}, {"Chức vụ", " Hiệu trưởng "}, {"Đơn vị công tác", "Trường THCS Kim Đồng"},
	}})
	want := []party.Relationship{{Kind: party.RelWorksAt, PartyID: "Trường THCS Kim Đồng", Title: "Hiệu trưởng"}}
	if problems != nil || !reflect.DeepEqual(p.Relationships, want) {
		t.Errorf("got %+v, problems %+v", p.Relationships, problems)
	}
	p, problems = c.Person(Row{Line: 3, Headers: []string{"Họ và tên", "Chức vụ", "Đơn vị công tác"}, Cells: []Cell{
		{"Họ và tên", "Trần Văn Nam"}, {"Đơn vị công tác", "Trường THCS Kim Đồng"},
	}})
	if problems != nil || len(p.Relationships) != 1 || p.Relationships[0].Title != "" {
		t.Errorf("a workplace without a title: %+v, problems %+v", p.Relationships, problems)
	}
	_, problems = c.Person(Row{Line: 4, Headers: []string{"Họ và tên", "Chức vụ", "Đơn vị công tác"}, Cells: []Cell{
		{"Họ và tên", "Phạm Thu"}, {"Chức vụ", "Kế toán"},
	}})
	wantProblems := []Problem{{Row: 4, Column: "Chức vụ",
		Message: `is a job title, and the row names no workplace to hold it at: fill in "Đơn vị công tác", or clear the title`}}
	if !reflect.DeepEqual(problems, wantProblems) {
		t.Errorf("a title without a workplace:\n got %+v\nwant %+v", problems, wantProblems)
	}
	// The upload refuses titles with no workplace column; a checker given
	// such rows still says what is missing.
	_, problems = c.Person(Row{Line: 5, Headers: []string{"Họ và tên", "Chức vụ"}, Cells: []Cell{{"Họ và tên", "Phạm Thu"}, {"Chức vụ", "Kế toán"}}})
	if len(problems) != 1 || !strings.HasSuffix(problems[0].Message, "fill in the workplace, or clear the title") {
		t.Errorf("a title in a file without a workplace column: %+v", problems)
	}
}

// A workplace cell may name several workplaces, as exports write them, with
// the titles in the same order; names keep their commas.
func TestSeveralWorkplacesPairWithTheirTitlesInOrder(t *testing.T) {
	headers := []string{"full_name", "workplace", "title"}
	works := func(pairs ...string) []party.Relationship {
		var out []party.Relationship
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, party.Relationship{Kind: party.RelWorksAt, PartyID: pairs[i], Title: pairs[i+1]})
		}
		return out
	}
	for _, c2 := range []struct {
		workplace, title string
		want             []party.Relationship
		problem          string
	}{
		{"Trường A; Trường B", "Hiệu trưởng; Giáo viên", works("Trường A", "Hiệu trưởng", "Trường B", "Giáo viên"), ""},
		{"Trường A; Trường B", "; Giáo viên", works("Trường A", "", "Trường B", "Giáo viên"), ""},
		{"Trường A; Trường B", "Giáo viên; ", works("Trường A", "Giáo viên", "Trường B", ""), ""},
		{"Trường A\nTrường B;", "", works("Trường A", "", "Trường B", ""), ""},
		{"Công ty Sách, Thiết bị Hà Nội", "Phó giám đốc; Kế toán trưởng", works("Công ty Sách, Thiết bị Hà Nội", "Phó giám đốc; Kế toán trưởng"), ""},
		{"Trường A; Trường B", "Giáo viên", nil,
			`holds one title for the 2 workplaces the row names: write one title per workplace, in the same order, separated by ";" (a blank one as "; ")`},
	} {
		// A checker per file: in one, the same person at the same school
		// twice would be a duplicate.
		p, problems := NewChecker(Options{}).Person(Row{Line: 2, Headers: headers, Cells: []Cell{
			{"full_name", "Lê Thị Hoa"}, {"workplace", c2.workplace}, {"title", c2.title}}})
		if c2.problem != "" {
			want := []Problem{{Row: 2, Column: "title", Message: c2.problem}}
			if !reflect.DeepEqual(problems, want) {
				t.Errorf("%q / %q:\n got %+v\nwant %+v", c2.workplace, c2.title, problems, want)
			}
			continue
		}
		if problems != nil || !reflect.DeepEqual(p.Relationships, c2.want) {
			t.Errorf("%q / %q: got %+v, problems %+v", c2.workplace, c2.title, p.Relationships, problems)
		}
	}
}

// The supervising unit is read from a column naming it, and stays as
// written for the import to look up.
func TestASupervisingUnitIsReadAsWritten(t *testing.T) {
	for _, header := range []string{"Đơn vị chủ quản", "supervising_unit_id"} {
		o, problems := NewChecker(Options{}).Organisation(Row{Line: 2, Cells: []Cell{
			{"Tên đơn vị", "Trường THCS Kim Đồng"}, {header, "Phòng GD&ĐT Quận Ba Đình"},
		}})
		if problems != nil || o.SupervisingUnitID != "Phòng GD&ĐT Quận Ba Đình" {
			t.Errorf("%s: got %q, problems %+v", header, o.SupervisingUnitID, problems)
		}
	}
}

// A cell Postgres cannot store as text refuses its row, saying what to
// remove, and the rest of the row is checked as usual.
func TestACellPostgresCannotStoreRefusesItsRow(t *testing.T) {
	tests := []struct{ cell, want string }{
		{"Nguyễn\x00 Văn An", "holds a NUL character (0x00), which cannot be stored: remove it from the cell"},
		{"Nguyễn V\xe3n An", "holds bytes that are not UTF-8 text, which cannot be stored: type the value again"},
	}
	for _, tt := range tests {
		_, problems := NewChecker(Options{}).Person(Row{Line: 2, Cells: []Cell{{"Họ và tên", tt.cell}, {"SĐT", "0912 345 678"}}})
		want := []Problem{{Row: 2, Column: "Họ và tên", Message: tt.want}}
		if !reflect.DeepEqual(problems, want) {
			t.Errorf("%q: problems %+v, want %+v", tt.cell, problems, want)
		}
	}
	// An ignored column's cells are not stored, so they refuse nothing.
	if _, problems := NewChecker(Options{}).Person(Row{Line: 2, Cells: []Cell{{"Họ và tên", "An"}, {"STT", "1\x00"}}}); problems != nil {
		t.Errorf("an ignored column: %+v", problems)
	}
}
