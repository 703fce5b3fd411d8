package importing

import (
	"reflect"
	"testing"
)

func TestAPhoneCellSplitsBetweenNumbersButNotInsideOneOrItsNote(t *testing.T) {
	tests := []struct {
		cell string
		want []string
	}{
		{"0913999003 - 0913999004", []string{"0913999003", "0913999004"}},
		{"0913999003 – 0913999004", []string{"0913999003", "0913999004"}},
		{"0913999003 / 0913999004; 0913999005", []string{"0913999003", "0913999004", "0913999005"}},
		{"091-399-9003", []string{"091-399-9003"}},
		{"091-399-9003 - 091-399-9004", []string{"091-399-9003", "091-399-9004"}},
		{"0913999003 -0913999004", []string{"0913999003 -0913999004"}}, // no number is made up
		{"0913.999.012 (Zalo/Viber, SMS) - 0913999004", []string{"0913.999.012 (Zalo/Viber, SMS)", "0913999004"}},
		{"(091) 234-5678", []string{"(091) 234-5678"}},
		{" - ", nil},
	}
	for _, tt := range tests {
		if got := splitList(FieldPhones, tt.cell); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitList(phones, %q) = %q, want %q", tt.cell, got, tt.want)
		}
		if got := splitList(FieldMotherPhone, tt.cell); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitList(mother_phone, %q) = %q, want %q", tt.cell, got, tt.want)
		}
	}
	// Other lists keep their dashes: a tag may hold one.
	if got := splitList(FieldTags, "Hội thảo - 2026"); !reflect.DeepEqual(got, []string{"Hội thảo - 2026"}) {
		t.Errorf("tags: %q", got)
	}
}

func TestAPhonesNoteOrExtensionIsToldFromItsNumber(t *testing.T) {
	tests := []struct {
		item, number string
		noted        bool
	}{
		{"0913.999.012 (Zalo)", "0913.999.012", true},
		{"0913999003 (anh Nam)", "0913999003", true},
		{"0913 999 003 ext 5", "+84913999003", true},
		{"0243 825 1234 x105", "+842438251234", true},
		{"(091) 234-5678", "(091) 234-5678", false},
		{"0912 (345) 678", "0912 (345) 678", false}, // digits in brackets are no note
		{"0913999003", "0913999003", false},
		{"0168 123 4567", "0168 123 4567", true}, // stored as +84381234567
		{"04 3825 1234", "04 3825 1234", true},   // stored as +842438251234
		{"024 3825 1234", "024 3825 1234", false},
		{"04 3825 1234 ext 5", "+842438251234", true},
		{"(Zalo)", "(Zalo)", false}, // no number: refused as one
		{"abc", "abc", false},
	}
	for _, tt := range tests {
		if number, noted := phoneNote(tt.item); number != tt.number || noted != tt.noted {
			t.Errorf("phoneNote(%q) = %q, %v; want %q, %v", tt.item, number, noted, tt.number, tt.noted)
		}
	}
}

func TestAPhoneCellsNoteAndExtensionAreKeptInTheNotes(t *testing.T) {
	c := NewChecker(Options{})
	p, problems := c.Person(Row{Line: 2, Cells: []Cell{
		{"Họ và tên", "Nguyễn Thị Lan"},
		{"Điện thoại", "0913.999.012 (Zalo) - 0913 999 003 ext 5"},
		{"Ghi chú", "Gọi sau 17h"},
		{"SĐT mẹ", "0913999020 (cô Hạnh)"},
		{"Họ tên mẹ", "Trần Thị Hạnh"},
	}})
	if problems != nil {
		t.Fatalf("problems: %v", problems)
	}
	if want := []string{"+84913999012", "+84913999003"}; !reflect.DeepEqual(p.Phones, want) {
		t.Errorf("phones %q, want %q", p.Phones, want)
	}
	want := "Gọi sau 17h\nĐiện thoại: 0913.999.012 (Zalo) - 0913 999 003 ext 5\nSĐT mẹ: 0913999020 (cô Hạnh)"
	if p.Notes != want {
		t.Errorf("notes %q, want %q", p.Notes, want)
	}
	// Without a notes column, the notes hold the phone's line alone.
	o, problems := c.Organisation(Row{Line: 3, Cells: []Cell{{"Tên đơn vị", "Trường Kim Đồng"}, {"Điện thoại", "0243 825 1234 ext 105"}}})
	if problems != nil || o.Notes != "Điện thoại: 0243 825 1234 ext 105" || !reflect.DeepEqual(o.Phones, []string{"+842438251234"}) {
		t.Errorf("organisation: %+v, %v", o, problems)
	}
	// A row refused for its note's number names the phone's column.
	_, problems = c.Person(Row{Line: 4, Cells: []Cell{{"Họ và tên", "Lê Văn Tư"}, {"Điện thoại", "12345 (Zalo)"}}})
	if want := []Problem{{Row: 4, Column: "Điện thoại", Message: `holds "12345 (Zalo)", which is not a valid phone number`}}; !reflect.DeepEqual(problems, want) {
		t.Errorf("problems %+v, want %+v", problems, want)
	}
}
