package importing

import (
	"reflect"
	"testing"
)

// A people file keeps its notes; its tax code and an unknown column are
// listed as ignored, and a header mapped explicitly in other spelling wins
// over the default.
func TestAMappingListsTheColumnsItIgnoresForEachResource(t *testing.T) {
	headers := []string{"STT", "Họ và tên", "Mã số thuế", "GHI CHÚ", "Zalo", "", "Chức vụ"}
	m := DefaultMapping()
	if got := m.Ignored(headers, People); !reflect.DeepEqual(got, []string{"STT", "Mã số thuế", "Chức vụ"}) {
		t.Errorf("people ignore %q", got)
	}
	if got := m.Ignored(headers, Organisations); !reflect.DeepEqual(got, []string{"STT", "Zalo", "Chức vụ"}) {
		t.Errorf("organisations ignore %q", got)
	}
	m = m.With(map[string]Field{"ghi chu": FieldTags, "chức vụ": FieldNotes})
	if f, _ := m.Field("GHI CHÚ"); f != FieldTags {
		t.Errorf("GHI CHÚ feeds %q, want the explicit tags", f)
	}
	if got := m.Ignored(headers, People); !reflect.DeepEqual(got, []string{"STT", "Mã số thuế"}) {
		t.Errorf("with the explicit mapping, people ignore %q", got)
	}
	if f, _ := DefaultMapping().Field("Ghi chú"); f != FieldNotes {
		t.Errorf("With changed the default mapping: Ghi chú feeds %q", f)
	}
}

func TestAnExplicitMappingMustFitTheFileAndTheResource(t *testing.T) {
	headers := []string{"Họ và tên", "Ngày sinh", "Ghi chú"}
	got := CheckMapping(map[string]Field{
		"HỌ VÀ TÊN":  FieldName,        // another spelling of a header: fine
		"Ghi chú":    "shoe_size",      // no such field
		"Ngày sinh":  FieldBirthday,    // organisations have no birthday
		"Điện thoại": FieldPhones,      // not a column of the file
		"Ghi chu":    CustomField("x"), // fine for organisations
	}, headers, Organisations)
	want := map[string]string{
		"Ghi chú":    `unknown field "shoe_size"`,
		"Ngày sinh":  `organizations have no field "birthday"`,
		"Điện thoại": "no column of the file has this header",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CheckMapping:\n got %q\nwant %q", got, want)
	}
	if got := CheckMapping(map[string]Field{"Ngày sinh": FieldBirthday, "Ghi chú": FieldNotes}, headers, People); len(got) != 0 {
		t.Errorf("a fitting people mapping got %q", got)
	}
	if got := CheckMapping(map[string]Field{"Ghi chú": CustomField("x")}, headers, People); len(got) != 1 {
		t.Errorf("a custom field for people got %q", got)
	}
}
