package importing

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// Field is the party field a column feeds. Custom fields are written
// "custom:<name>", e.g. "custom:student_count".
type Field string

// Fields a column can map to. FieldName is the organisation's name or the
// person's full name.
const (
	FieldName Field = "name"
	// FieldID is a stored party's id, as exports write it: a row holding
	// one is that party again, and is not created (see Checker.ID).
	FieldID                Field = "id"
	FieldKinds             Field = "kinds"
	FieldTaxCode           Field = "tax_code"
	FieldProvince          Field = "province"
	FieldDistrict          Field = "district"
	FieldWard              Field = "ward"
	FieldAddress           Field = "address"
	FieldPhones            Field = "phones"
	FieldEmails            Field = "emails"
	FieldWebsite           Field = "website"
	FieldSupervisingUnitID Field = "supervising_unit_id"
	// FieldSupervisingUnit names the supervising unit as a file does: by
	// its id, its tax code or its name. The import looks it up among the
	// stored organisations (see Ref). FieldSupervisingUnitID, which
	// Rapport's exports write, is read the same way.
	FieldSupervisingUnit Field = "supervising_unit"
	FieldStage           Field = "stage"
	FieldTags            Field = "tags"
	FieldOwnerID         Field = "owner_id"
	FieldNotes           Field = "notes"
	FieldZaloID          Field = "zalo_id"
	FieldBirthday        Field = "birthday"
	// FieldWorkplace is the organisation a person works at, named as for
	// FieldSupervisingUnit; it becomes a works_at relationship.
	FieldWorkplace Field = "workplace"
	// FieldTitle is the person's job title at the workplace ("Hiệu trưởng").
	FieldTitle Field = "title"
	// FieldImportantDates are a person's dates worth a reminder, each
	// "label: date" ("Ngày cưới: 20/06/2015"), separated by ";".
	FieldImportantDates Field = "important_dates"
	// The consent fields hold a person's decision about one channel, and
	// when and where it was made (see Checker.PersonFields).
	FieldConsentEmail Field = "consent:email"
	FieldConsentSMS   Field = "consent:sms"
	FieldConsentZalo  Field = "consent:zalo"
	FieldConsentPhone Field = "consent:phone"
	// The relatives fields name the people a person is the parent or
	// guardian of, or otherwise related to ("vợ: Trần Thị Mai"), each by id,
	// phone, email or name (see ParsePersonRef), separated by ";".
	FieldParentOf   Field = "parent_of"
	FieldGuardianOf Field = "guardian_of"
	FieldRelatedTo  Field = "related_to"
	// The parent fields name, on a student's row of a class list, the
	// student's parent, father, mother or guardian by name, phone and email
	// ("Họ tên mẹ", "SĐT mẹ"): the import finds that person, among the
	// stored people or the parents other rows name, or creates them, and
	// links them to the student (see Families).
	FieldParentName    Field = "parent_name"
	FieldParentPhone   Field = "parent_phone"
	FieldParentEmail   Field = "parent_email"
	FieldFatherName    Field = "father_name"
	FieldFatherPhone   Field = "father_phone"
	FieldFatherEmail   Field = "father_email"
	FieldMotherName    Field = "mother_name"
	FieldMotherPhone   Field = "mother_phone"
	FieldMotherEmail   Field = "mother_email"
	FieldGuardianName  Field = "guardian_name"
	FieldGuardianPhone Field = "guardian_phone"
	FieldGuardianEmail Field = "guardian_email"
)

// linkFields are the fields naming another party, by the kind of link each
// becomes; a supervising unit is no relationship, so it has none.
var linkFields = map[party.RelationKind]Field{
	"": FieldSupervisingUnit, party.RelWorksAt: FieldWorkplace,
	party.RelParentOf: FieldParentOf, party.RelGuardianOf: FieldGuardianOf, party.RelRelatedTo: FieldRelatedTo,
}

// LinkField returns the field naming the party a link of kind k points at:
// FieldSupervisingUnit for "", an organisation's supervising unit.
func LinkField(k party.RelationKind) Field { return linkFields[k] }

// consentFields are the consent fields by the channel each is about.
var consentFields = []struct {
	field   Field
	channel party.Channel
}{
	{FieldConsentEmail, party.ChannelEmail}, {FieldConsentSMS, party.ChannelSMS},
	{FieldConsentZalo, party.ChannelZalo}, {FieldConsentPhone, party.ChannelPhone},
}

const customPrefix = "custom:"

// CustomField returns the Field of the custom field name.
func CustomField(name string) Field { return Field(customPrefix + name) }

// custom returns the custom field name of f, if f is one.
func (f Field) custom() (string, bool) {
	return strings.CutPrefix(string(f), customPrefix)
}

// Known reports whether f is a field a mapping may name: one of the
// constants above, or a custom field with a name.
func (f Field) Known() bool {
	if name, ok := f.custom(); ok {
		return name != ""
	}
	switch f {
	case FieldName, FieldID, FieldKinds, FieldTaxCode, FieldProvince, FieldDistrict, FieldWard, FieldAddress,
		FieldPhones, FieldEmails, FieldWebsite, FieldSupervisingUnitID, FieldStage, FieldTags,
		FieldOwnerID, FieldNotes, FieldZaloID, FieldBirthday, FieldSupervisingUnit, FieldWorkplace, FieldTitle,
		FieldImportantDates, FieldConsentEmail, FieldConsentSMS, FieldConsentZalo, FieldConsentPhone,
		FieldParentOf, FieldGuardianOf, FieldRelatedTo:
		return true
	}
	return f.parentSlot() != nil
}

// apiNames are the API's names of the fields the importer names otherwise:
// a person's name is full_name in the API and in exports.
var apiNames = map[string]Field{"full_name": FieldName}

// FieldNamed returns the field a mapping or the defaults name: one of the
// constants above, or a field by its API name ("full_name").
func FieldNamed(name string) Field {
	if f, ok := apiNames[name]; ok {
		return f
	}
	return Field(name)
}

// canonical returns the field f's values are read as: the supervising
// unit's id column is read like any other column naming it.
func (f Field) canonical() Field {
	if f == FieldSupervisingUnitID {
		return FieldSupervisingUnit
	}
	return f
}

// Resource is what an import creates: organisations or people.
type Resource string

// The resources a file can be imported into, named as in the API.
const (
	Organisations Resource = "organizations"
	People        Resource = "people"
)

// Known reports whether r is one of the resources above.
func (r Resource) Known() bool { return r == Organisations || r == People }

// personFields are the fields a person has; an organisation has every other
// known field, and the name, phones, emails, tags, owner and notes.
var personFields = []Field{FieldName, FieldID, FieldPhones, FieldEmails, FieldZaloID, FieldBirthday, FieldTags, FieldOwnerID, FieldNotes,
	FieldWorkplace, FieldTitle, FieldImportantDates, FieldConsentEmail, FieldConsentSMS, FieldConsentZalo, FieldConsentPhone,
	FieldParentOf, FieldGuardianOf, FieldRelatedTo,
	FieldParentName, FieldParentPhone, FieldParentEmail, FieldFatherName, FieldFatherPhone, FieldFatherEmail,
	FieldMotherName, FieldMotherPhone, FieldMotherEmail, FieldGuardianName, FieldGuardianPhone, FieldGuardianEmail}

// sharedFields are the fields of personFields an organisation has too.
var sharedFields = []Field{FieldName, FieldID, FieldPhones, FieldEmails, FieldTags, FieldOwnerID, FieldNotes}

// Has reports whether the resource's parties have field f, so that a column
// feeding a field they lack (a tax code for people) is not taken as imported.
func (r Resource) Has(f Field) bool {
	switch {
	case !f.Known():
		return false
	case r == People:
		return slices.Contains(personFields, f)
	}
	return !slices.Contains(personFields, f) || slices.Contains(sharedFields, f)
}

// Mapping maps column headers to party fields. Headers match ignoring case,
// diacritics, punctuation and spacing, so "Tỉnh/Thành phố", "tinh thanh pho"
// and "TỈNH / THÀNH PHỐ" are one header. Several columns may feed the same list
// field (two phone columns, say). Its keys are folded headers: build one with
// DefaultMapping and With.
type Mapping map[string]Field

// FieldNone is the field of a column an explicit mapping leaves out (it
// maps the header to ""): nothing is read from it, and it is listed with the
// ignored columns.
const FieldNone Field = ""

// Field returns the field the column header feeds, if any. A header with a
// note in brackets ("Ngày sinh (dd/mm/yyyy)", "Họ và tên (viết có dấu)")
// feeds what the header before the note feeds, unless it is mapped itself.
// A header "custom:<name>", as exports write, feeds that custom field.
func (m Mapping) Field(header string) (Field, bool) {
	f, ok := m[headerKey(header)]
	if !ok {
		// Exports head a custom field's column with its field name.
		if name, custom := strings.CutPrefix(strings.TrimSpace(header), customPrefix); custom && name != "" {
			return CustomField(name), true
		}
		if base, _, noted := strings.Cut(header, "("); noted {
			f, ok = m[headerKey(base)]
		}
	}
	return f.canonical(), ok && f != FieldNone
}

func (m Mapping) knows(header string) bool {
	_, ok := m.Field(header)
	return ok
}

// knowsAny reports whether one of cells is a header m maps.
func (m Mapping) knowsAny(cells []string) bool {
	return slices.ContainsFunc(cells, m.knows)
}

// With returns a copy of m in which every header of explicit feeds its field,
// also when m held the header spelt another way ("GHI CHÚ" overrides the
// default for "Ghi chú").
func (m Mapping) With(explicit map[string]Field) Mapping {
	out := make(Mapping, len(m)+len(explicit))
	maps.Copy(out, m)
	for h, f := range explicit {
		out[headerKey(h)] = f
	}
	return out
}

// Ignored returns, in file order, the headers whose columns feed no field of
// r: no entry maps them, or the field they map to is one r lacks.
func (m Mapping) Ignored(headers []string, r Resource) []string {
	var out []string
	for _, h := range headers {
		if h == "" {
			continue // a blank header's cells are not read
		}
		if f, ok := m.Field(h); !ok || !r.Has(f) {
			out = append(out, h)
		}
	}
	return out
}

// CheckMapping checks a mapping a user sent with a file, before anything is
// imported: each field must exist and be one r has (or be FieldNone, which
// leaves the column out), and each header must be a column of the file (a
// misspelt header would otherwise map nothing). It returns a message per
// offending header, none when all is well.
func CheckMapping(explicit map[string]Field, headers []string, r Resource) map[string]string {
	inFile := make(map[string]bool, len(headers))
	for _, h := range headers {
		inFile[headerKey(h)] = true
	}
	problems := map[string]string{}
	for h, f := range explicit {
		switch {
		case f != FieldNone && !f.Known():
			problems[h] = fmt.Sprintf("unknown field %q", f)
		case f != FieldNone && !r.Has(f):
			problems[h] = fmt.Sprintf("%s have no field %q", r, f)
		case !inFile[headerKey(h)]:
			problems[h] = "no column of the file has this header"
		}
	}
	return problems
}

// NameMissing says, when no column of headers feeds the name every party
// needs, which headers the file has and how to name the column; "" when
// one does. Every row would be refused for it, so the upload is refused
// instead, once.
func (m Mapping) NameMissing(headers []string, r Resource) string {
	if slices.ContainsFunc(headers, func(h string) bool { f, ok := m.Field(h); return ok && f == FieldName }) {
		return ""
	}
	example := "Họ và tên"
	if r == Organisations {
		example = "Tên đơn vị"
	}
	var found []string
	for _, h := range headers {
		if h != "" {
			found = append(found, strconv.Quote(h))
		}
	}
	return fmt.Sprintf(`has no column holding the name (headers found: %s): head that column %q, or map it to "name"`,
		strings.Join(found, ", "), example)
}

// Conflicts returns, per header, why its column cannot be read: it feeds a
// field holding one value (a name, a tax code) that an earlier column feeds
// too, or it holds job titles and neither a column nor the defaults d name
// the workplace they are held at. Every row would be refused for it, so the upload is refused
// instead, once, saying how to settle it.
func (m Mapping) Conflicts(headers []string, r Resource, d Defaults) map[string]string {
	first := map[Field]string{}
	out := map[string]string{}
	for _, h := range headers {
		f, ok := m.Field(h)
		if !ok || !r.Has(f) || isList(f) {
			continue
		}
		if earlier, taken := first[f]; taken {
			out[h] = fmt.Sprintf(`feeds %s, as column %q does: map one of them to another field, or to "" to leave it out`, f, earlier)
			continue
		}
		first[f] = h
	}
	if title, ok := first[FieldTitle]; ok && first[FieldWorkplace] == "" && d[FieldWorkplace] == "" {
		out[title] = `is a job title, which is kept on the link to the person's workplace, and no column names the workplace: ` +
			`add one ("Đơn vị công tác"), or map this column to "" to leave it out`
	}
	return out
}

// DefaultMapping returns a mapping of the Vietnamese and English headers
// customers' spreadsheets commonly use, and of the headers of Rapport's own
// exports, so that an export imports back whole. The owner is read only
// under headers that say they hold ids ("owner_id"): other files carry
// staff names there, which Rapport cannot look up. Organisations (a
// supervising unit, a workplace) are named by id, tax code or name.
func DefaultMapping() Mapping {
	m := Mapping{}
	add := func(f Field, headers ...string) {
		for _, h := range headers {
			m[headerKey(h)] = f
		}
	}
	add(FieldName, "Tên", "Tên đơn vị", "Tên tổ chức", "Tên khách hàng", "Tên trường", "Tên công ty",
		"Họ tên", "Họ và tên", "Name", "Full name", "Organisation", "Organization", "Company",
		// class lists
		"Họ tên học sinh", "Họ và tên học sinh", "Tên học sinh", "Học sinh", "Họ tên HS", "Họ và tên HS", "Tên HS")
	// Only the exports' own header: a file's "Mã" or "STT" is its own
	// numbering, which names no stored party.
	add(FieldID, "id")
	add(FieldKinds, "Loại", "Loại đơn vị", "Phân loại", "Kind", "Kinds", "Type")
	add(FieldTaxCode, "Mã số thuế", "MST", "Mã ĐVQHNS", "Mã QHNS", "Mã số thuế/Mã ĐVQHNS",
		"Tax code", "Tax ID", "Budget code")
	add(FieldProvince, "Tỉnh", "Tỉnh/Thành phố", "Tỉnh/TP", "Tỉnh thành", "Thành phố", "Province", "City")
	add(FieldDistrict, "Quận/Huyện", "Huyện", "Quận", "District")
	add(FieldWard, "Phường/Xã", "Xã/Phường", "Xã", "Phường", "Ward", "Commune")
	add(FieldAddress, "Địa chỉ", "Address")
	add(FieldPhones, "Số điện thoại", "Điện thoại", "SĐT", "ĐT", "Di động", "Số di động",
		"Điện thoại di động", "Số điện thoại di động", "ĐTDĐ", "Số ĐT", "Điện thoại cơ quan", "ĐT cơ quan",
		"Điện thoại bàn", "Điện thoại liên hệ", "SĐT liên hệ", "Phone", "Phones", "Mobile", "Tel")
	add(FieldEmails, "Email", "E-mail", "Mail", "Thư điện tử", "Địa chỉ email", "Địa chỉ thư điện tử", "Emails")
	add(FieldWebsite, "Website", "Trang web", "Web")
	add(FieldStage, "Giai đoạn", "Trạng thái", "Stage", "Lifecycle stage")
	add(FieldTags, "Nhãn", "Thẻ", "Tags", "Tag")
	add(FieldNotes, "Ghi chú", "Notes", "Note")
	add(FieldZaloID, "Zalo", "Zalo ID")
	add(FieldBirthday, "Ngày sinh", "Sinh nhật", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Ngày/tháng/năm sinh",
		"Birthday", "Date of birth", "DOB")
	add(FieldOwnerID, "owner_id", "Owner ID")
	add(FieldSupervisingUnitID, "supervising_unit_id", "Supervising unit ID")
	add(FieldSupervisingUnit, "Đơn vị chủ quản", "Cơ quan chủ quản", "Đơn vị quản lý", "Cơ quan quản lý",
		"Đơn vị cấp trên", "Cơ quan cấp trên", "Supervising unit")
	add(FieldWorkplace, "Đơn vị công tác", "Nơi công tác", "Cơ quan công tác", "Đơn vị", "Nơi làm việc",
		"Trường", "Trường công tác", "Workplace", "Employer")
	add(FieldTitle, "Chức vụ", "Chức danh", "Title", "Job title", "Position")
	add(FieldImportantDates, "Ngày quan trọng", "Ngày kỷ niệm", "Important dates", "important_dates")
	add(FieldConsentEmail, "consent:email", "Đồng ý nhận email", "Email consent")
	add(FieldConsentSMS, "consent:sms", "Đồng ý nhận SMS", "Đồng ý nhận tin nhắn", "SMS consent")
	add(FieldConsentZalo, "consent:zalo", "Đồng ý nhận Zalo", "Đồng ý nhận tin Zalo", "Zalo consent")
	add(FieldConsentPhone, "consent:phone", "Đồng ý nhận cuộc gọi", "Đồng ý gọi điện", "Phone consent")
	add(FieldParentOf, "parent_of", "Phụ huynh của", "Cha mẹ của", "Parent of")
	add(FieldGuardianOf, "guardian_of", "Người giám hộ của", "Giám hộ của", "Guardian of")
	add(FieldRelatedTo, "related_to", "Người thân", "Quan hệ", "Related to")
	add(FieldParentName, "parent_name", "Họ tên phụ huynh", "Họ và tên phụ huynh", "Tên phụ huynh", "Phụ huynh", "Parent", "Parent name")
	add(FieldParentPhone, "parent_phone", "SĐT phụ huynh", "Số điện thoại phụ huynh", "Điện thoại phụ huynh", "ĐT phụ huynh", "Parent phone")
	add(FieldParentEmail, "parent_email", "Email phụ huynh", "Parent email")
	add(FieldFatherName, "father_name", "Họ tên cha", "Họ và tên cha", "Tên cha", "Họ tên bố", "Họ và tên bố", "Tên bố", "Father", "Father name")
	add(FieldFatherPhone, "father_phone", "SĐT cha", "Số điện thoại cha", "Điện thoại cha", "SĐT bố", "Số điện thoại bố", "Điện thoại bố", "Father phone")
	add(FieldFatherEmail, "father_email", "Email cha", "Email bố", "Father email")
	add(FieldMotherName, "mother_name", "Họ tên mẹ", "Họ và tên mẹ", "Tên mẹ", "Mother", "Mother name")
	add(FieldMotherPhone, "mother_phone", "SĐT mẹ", "Số điện thoại mẹ", "Điện thoại mẹ", "Mother phone")
	add(FieldMotherEmail, "mother_email", "Email mẹ", "Mother email")
	add(FieldGuardianName, "guardian_name", "Người giám hộ", "Họ tên người giám hộ", "Guardian", "Guardian name")
	add(FieldGuardianPhone, "guardian_phone", "SĐT người giám hộ", "Số điện thoại người giám hộ", "Điện thoại người giám hộ", "Guardian phone")
	add(FieldGuardianEmail, "guardian_email", "Email người giám hộ", "Guardian email")
	return m
}

// headerKey folds a header and turns punctuation into spaces.
func headerKey(h string) string {
	return party.Fold(strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) {
			return ' '
		}
		return r
	}, h))
}

// kindLabels and stageLabels read the Vietnamese and English words people
// type for kinds and stages, folded.
var kindLabels = map[string]party.Kind{
	"unit": party.KindUnit, "don vi": party.KindUnit,
	"supervising unit": party.KindSupervisingUnit, "don vi chu quan": party.KindSupervisingUnit,
	"chu quan": party.KindSupervisingUnit, "dvcq": party.KindSupervisingUnit,
	"partner": party.KindPartner, "doi tac": party.KindPartner,
	"vendor": party.KindVendor, "nha cung cap": party.KindVendor, "ncc": party.KindVendor,
	"school": party.KindSchool, "truong": party.KindSchool, "truong hoc": party.KindSchool,
}

var stageLabels = map[string]party.Stage{
	"lead": party.StageLead, "tiem nang": party.StageLead, "dau moi": party.StageLead,
	"prospect": party.StageProspect, "trien vong": party.StageProspect, "co hoi": party.StageProspect,
	"customer": party.StageCustomer, "khach hang": party.StageCustomer,
	"inactive": party.StageInactive, "ngung": party.StageInactive,
	"ngung hoat dong": party.StageInactive, "khong hoat dong": party.StageInactive,
}

func parseKind(s string) party.Kind {
	if k, ok := kindLabels[headerKey(s)]; ok {
		return k
	}
	return party.Kind(s) // the constructor reports it as unknown
}

func parseStage(s string) party.Stage {
	if st, ok := stageLabels[headerKey(s)]; ok {
		return st
	}
	return party.Stage(s)
}
