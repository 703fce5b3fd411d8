package importing

import (
	"reflect"
	"testing"
)

func TestARowWithoutKeysLikeAnEarlierRowsPartyIsReportedAsItsDuplicate(t *testing.T) {
	c := NewChecker(Options{})
	person := func(line int, name, workplace, phone, birthday string) []Problem {
		_, problems := c.Person(Row{Line: line, Cells: []Cell{{"Họ và tên", name}, {"Đơn vị công tác", workplace}, {"Điện thoại", phone}, {"Ngày sinh", birthday}}})
		return problems
	}
	dup := func(line, of int, as string) []Problem {
		return []Problem{{Row: line, Column: "Họ và tên", DuplicateOfRow: of, Message: ProbableDuplicate(false, as)}}
	}
	for _, step := range []struct {
		line                             int
		name, workplace, phone, birthday string
		want                             []Problem
	}{
		{2, "Phan Thị Hiệu", "Trường THCS Can Lộc", "", "", nil},
		{3, "Phan T. Hiệu", "truong thcs can loc", "", "", dup(3, 2, "row 2 (Phan Thị Hiệu)")},
		{4, "Phan Thị Hiệu", "Trường THCS Can Lộc", "0912000111", "", nil}, // her phone tells her
		{5, "Phan Thị Hiệu", "Trường THCS Kỳ Anh", "", "", nil},            // another school's
		{6, "Phan Thị Hiệu", "", "", "", nil},                              // working nowhere
		{7, "Lê Văn Tư", "Trường THCS Can Lộc", "0912000222", "", nil},
		{8, "Lê Văn Tư", "Trường THCS Can Lộc", "", "", dup(8, 7, "row 7 (Lê Văn Tư)")}, // an earlier row with a phone is compared too
		{9, "Đỗ Văn Năm", "Trường THCS Can Lộc", "", "31/02/1980",
			[]Problem{{Row: 9, Column: "Ngày sinh", Message: `holds "31/02/1980", which is no day of the calendar, or not written YYYY-MM-DD or DD/MM/YYYY, nor without a year as --MM-DD or DD/MM`}}},
		{10, "Đỗ Văn Năm", "Trường THCS Can Lộc", "", "", nil}, // row 9 is not created
	} {
		if got := person(step.line, step.name, step.workplace, step.phone, step.birthday); !reflect.DeepEqual(got, step.want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", step.line, got, step.want)
		}
	}

	c = NewChecker(Options{})
	organisation := func(line int, name, province, code string) []Problem {
		_, problems := c.Organisation(Row{Line: line, Cells: []Cell{{"Tên đơn vị", name}, {"Tỉnh", province}, {"Mã số thuế", code}}})
		return problems
	}
	for _, step := range []struct {
		line                 int
		name, province, code string
		want                 []Problem
	}{
		{2, "Trường Mầm non Sen Hồng", "Hà Tĩnh", "", nil},
		{3, "TRƯỜNG MẦM NON SEN HỒNG", "Hà Tĩnh", "", []Problem{{Row: 3, Column: "Tên đơn vị", DuplicateOfRow: 2,
			Message: ProbableDuplicate(true, "row 2 (Trường Mầm non Sen Hồng)")}}},
		{4, "Trường Mầm non Sen Hồng", "Nghệ An", "", nil},           // another province's
		{5, "Trường Mầm non Sen Hồng", "Hà Tĩnh", "3001234567", nil}, // its tax code tells it
		{6, "Trường Mầm non Sen Hồng", "", "", []Problem{{Row: 6, Column: "Tên đơn vị", DuplicateOfRow: 2, // no province: any province's
			Message: ProbableNamesake("row 2 (Trường Mầm non Sen Hồng)")}}},
		{7, "Trường Mầm non Hoa Mai", "", "", nil},
		{8, "Trường Mầm non Hoa Mai", "Nghệ An", "", []Problem{{Row: 8, Column: "Tên đơn vị", DuplicateOfRow: 7, // beside one without
			Message: ProbableNamesake("row 7 (Trường Mầm non Hoa Mai)")}}},
		{9, "Trường Mầm non Hoa Mai", "Hà Tĩnh", "3001234568", nil}, // its tax code tells it
	} {
		if got := organisation(step.line, step.name, step.province, step.code); !reflect.DeepEqual(got, step.want) {
			t.Errorf("organisation row %d:\n got %+v\nwant %+v", step.line, got, step.want)
		}
	}
}
