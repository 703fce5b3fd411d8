package importing

import (
	"reflect"
	"testing"
)

// A people file keeps its notes; its tax code and an unknown column are
// listed as ignored, and a header mapped explicitly in other spelling wins
// over the default.
func TestAMappingListsTheColumnsItIgnoresForEachResource(t *testing.T) {
	headers := []string{"STT", "Họ và tên", "Mã số thuế", "GHI CHÚ", "Zalo", "", "Sở thích"}
	m := DefaultMapping()
	if got := m.Ignored(headers, People); !reflect.DeepEqual(got, []string{"STT", "Mã số thuế", "Sở thích"}) {
		t.Errorf("people ignore %q", got)
	}
	if got := m.Ignored(headers, Organisations); !reflect.DeepEqual(got, []string{"STT", "Zalo", "Sở thích"}) {
		t.Errorf("organisations ignore %q", got)
	}
	m = m.With(map[string]Field{"ghi chu": FieldTags, "sở thích": FieldNotes})
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

// Forms add notes in brackets to their headers; a header mapped as it is
// spelt, brackets included, keeps its own field.
func TestAHeaderWithANoteInBracketsFeedsTheHeadersField(t *testing.T) {
	m := DefaultMapping()
	for header, want := range map[string]Field{
		"Ngày sinh (dd/mm/yyyy)":  FieldBirthday,
		"Họ và tên (viết có dấu)": FieldName,
		"Điện thoại (Cơ quan)":    FieldPhones,
		"Email (Liên hệ)":         FieldEmails,
	} {
		if f, ok := m.Field(header); !ok || f != want {
			t.Errorf("%q feeds %q, %v; want %q", header, f, ok, want)
		}
	}
	for _, header := range []string{"Sở thích (nếu có)", "(1)", "Liên hệ (Ghi chép)"} {
		if f, ok := m.Field(header); ok {
			t.Errorf("%q feeds %q, want nothing", header, f)
		}
	}
	m = m.With(map[string]Field{"Điện thoại (Cơ quan)": FieldNotes, "Email (Liên hệ)": FieldNone})
	if f, _ := m.Field("Điện thoại (Cơ quan)"); f != FieldNotes {
		t.Errorf("a header mapped with its note feeds %q, want notes", f)
	}
	if f, ok := m.Field("Email (Liên hệ)"); ok {
		t.Errorf("a header mapped to nothing feeds %q", f)
	}
}

// Two columns feeding one single-valued field would refuse every row; the
// upload is refused once instead, naming the later column. Lists take many
// columns, and a column mapped to nothing settles it.
func TestTwoColumnsFeedingOneValueConflict(t *testing.T) {
	headers := []string{"Họ và tên", "Điện thoại", "Di động", "Tên trường", "Ghi chú", "Mã số thuế"}
	want := map[string]string{"Tên trường": `feeds name, as column "Họ và tên" does: map one of them to another field, or to "" to leave it out`}
	if got := DefaultMapping().Conflicts(headers, People, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("conflicts:\n got %q\nwant %q", got, want)
	}
	explicit := map[string]Field{"Tên trường": FieldNone}
	if got := DefaultMapping().With(explicit).Conflicts(headers, People, nil); len(got) != 0 {
		t.Errorf("with Tên trường left out: %q", got)
	}
	if got := CheckMapping(explicit, headers, People); len(got) != 0 {
		t.Errorf("leaving a column out is a valid mapping, got %q", got)
	}
	if got := DefaultMapping().With(explicit).Ignored(headers, People); !reflect.DeepEqual(got, []string{"Tên trường", "Mã số thuế"}) {
		t.Errorf("ignored %q", got)
	}
}

// An organisation is named in a supervising-unit column, and a person's
// workplace in a column of its own, beside their job title; the columns of
// one resource are ignored in a file of the other.
func TestOrganisationsAreNamedInTheColumnsOfTheirLinks(t *testing.T) {
	m := DefaultMapping()
	for header, want := range map[string]Field{
		"Đơn vị chủ quản":     FieldSupervisingUnit,
		"CƠ QUAN CHỦ QUẢN":    FieldSupervisingUnit,
		"supervising_unit_id": FieldSupervisingUnit, // Rapport's exports: read the same way
		"Đơn vị công tác":     FieldWorkplace,
		"Nơi công tác":        FieldWorkplace,
		"Chức vụ":             FieldTitle,
		"Chức danh":           FieldTitle,
	} {
		if f, ok := m.Field(header); !ok || f != want {
			t.Errorf("%q feeds %q, %v; want %q", header, f, ok, want)
		}
	}
	headers := []string{"Họ và tên", "Đơn vị công tác", "Chức vụ", "Đơn vị chủ quản"}
	if got := m.Ignored(headers, People); !reflect.DeepEqual(got, []string{"Đơn vị chủ quản"}) {
		t.Errorf("people ignore %q", got)
	}
	if got := m.Ignored(headers, Organisations); !reflect.DeepEqual(got, []string{"Đơn vị công tác", "Chức vụ"}) {
		t.Errorf("organisations ignore %q", got)
	}
	if got := CheckMapping(map[string]Field{"Đơn vị chủ quản": FieldWorkplace}, headers, Organisations); len(got) != 1 {
		t.Errorf("a workplace for organisations got %q", got)
	}
}

// A title is kept on the link to the workplace, so a file with titles and no
// workplace column is refused at upload rather than every row; and the id
// and the name of a supervising unit are two columns for one value.
func TestATitleWithoutAWorkplaceColumnConflicts(t *testing.T) {
	m := DefaultMapping()
	got := m.Conflicts([]string{"Họ và tên", "Chức vụ"}, People, nil)
	if len(got) != 1 || got["Chức vụ"] == "" {
		t.Errorf("titles without a workplace: %q", got)
	}
	if got := m.Conflicts([]string{"Họ và tên", "Chức vụ", "Nơi công tác"}, People, nil); len(got) != 0 {
		t.Errorf("titles with a workplace: %q", got)
	}
	if got := m.Conflicts([]string{"Họ và tên", "Chức vụ"}, People, Defaults{FieldWorkplace: "Trường THCS Kim Đồng"}); len(got) != 0 {
		t.Errorf("titles with a workplace every row takes: %q", got)
	}
	if got := m.Conflicts([]string{"Tên đơn vị", "Chức vụ"}, Organisations, nil); len(got) != 0 {
		t.Errorf("an organisations file ignores a title, got %q", got)
	}
	got = m.Conflicts([]string{"Tên đơn vị", "supervising_unit_id", "Đơn vị chủ quản"}, Organisations, nil)
	want := map[string]string{"Đơn vị chủ quản": `feeds supervising_unit, as column "supervising_unit_id" does: map one of them to another field, or to "" to leave it out`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("two supervising-unit columns:\n got %q\nwant %q", got, want)
	}
}

// Exports head a custom field's column with its field name, which reads
// back as that field unless a mapping says otherwise.
func TestACustomFieldsColumnIsReadUnderItsFieldName(t *testing.T) {
	if f, ok := DefaultMapping().Field(" custom:student_count "); !ok || f != CustomField("student_count") {
		t.Errorf("custom:student_count feeds %q, %v", f, ok)
	}
	if _, ok := DefaultMapping().Field("custom:"); ok {
		t.Error("a custom field needs a name")
	}
	if _, ok := DefaultMapping().With(map[string]Field{"custom:student_count": FieldNone}).Field("custom:student_count"); ok {
		t.Error("a mapping leaving the column out is ignored")
	}
}

// A class list heads its students' names "Họ và tên học sinh" or "Học
// sinh"; a mapping may name the name by its API name, full_name; a file
// with no name column is told so once, with the headers it has.
func TestAStudentsNameColumnAndFullNameFeedTheName(t *testing.T) {
	m := DefaultMapping()
	for _, h := range []string{"Họ tên học sinh", "Họ và tên học sinh", "Tên học sinh", "Học sinh", "HỌ VÀ TÊN HS", "Họ tên HS"} {
		if f, ok := m.Field(h); !ok || f != FieldName {
			t.Errorf("Field(%q) = %q, %v; want name", h, f, ok)
		}
	}
	explicit := map[string]Field{"Học viên": FieldNamed("full_name")}
	if problems := CheckMapping(explicit, []string{"Học viên"}, People); len(problems) != 0 {
		t.Errorf("full_name refused: %v", problems)
	}
	if msg := m.With(explicit).NameMissing([]string{"Học viên"}, People); msg != "" {
		t.Errorf("a column mapped to full_name is no name: %s", msg)
	}
	want := `has no column holding the name (headers found: "STT", "Điện thoại"): head that column "Họ và tên", or map it to "name"`
	if msg := m.NameMissing([]string{"STT", "", "Điện thoại"}, People); msg != want {
		t.Errorf("no name column:\n got %s\nwant %s", msg, want)
	}
}

// The headers Vietnamese forms and staff lists use most feed their fields.
func TestTheHeadersOfCommonVietnameseFormsFeedTheirFields(t *testing.T) {
	m := DefaultMapping()
	for header, want := range map[string]Field{
		"Điện thoại di động": FieldPhones, "ĐTDĐ": FieldPhones, "Số ĐT": FieldPhones, "Điện thoại cơ quan": FieldPhones,
		"Ngày tháng năm sinh": FieldBirthday, "Ngày, tháng, năm sinh": FieldBirthday, "Mail": FieldEmails,
		"Trường": FieldWorkplace, "Nơi làm việc": FieldWorkplace,
	} {
		if f, ok := m.Field(header); !ok || f != want {
			t.Errorf("%q feeds %q, %v; want %q", header, f, ok, want)
		}
	}
}
