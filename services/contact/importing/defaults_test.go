package importing

import (
	"reflect"
	"slices"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// The defaults fill what a row leaves blank, and their tags are added to
// the row's own; the report names a default's value by its field.
func TestDefaultsFillBlankFieldsAndAddTags(t *testing.T) {
	c := NewChecker(Options{Defaults: Defaults{FieldTags: "hội thảo 2026", FieldOwnerID: "user-lan",
		FieldWorkplace: "Trường THCS Kim Đồng", FieldTitle: "Giáo viên"}})
	headers := []string{"Họ và tên", "Nhãn", "owner_id", "Đơn vị công tác", "Chức vụ"}
	row := func(line int, cells ...Cell) Row { return Row{Line: line, Headers: headers, Cells: cells} }

	p, _, problems := c.PersonFields(row(2, Cell{"Họ và tên", "Lê Thị Hoa"}, Cell{"Nhãn", "vip"}, Cell{"owner_id", "user-minh"}))
	want := []party.Relationship{{Kind: party.RelWorksAt, PartyID: "Trường THCS Kim Đồng", Title: "Giáo viên"}}
	if problems != nil || !slices.Equal(p.Tags, []string{"vip", "hội thảo 2026"}) || p.OwnerID != "user-minh" || !reflect.DeepEqual(p.Relationships, want) {
		t.Errorf("a row with its own tags and owner: %+v, problems %+v", p, problems)
	}
	p, _, problems = c.PersonFields(row(3, Cell{"Họ và tên", "Trần Nam"}, Cell{"Đơn vị công tác", "Trường Tiểu học Gia Viễn"}))
	want = []party.Relationship{{Kind: party.RelWorksAt, PartyID: "Trường Tiểu học Gia Viễn", Title: "Giáo viên"}}
	if problems != nil || p.OwnerID != "user-lan" || !reflect.DeepEqual(p.Relationships, want) {
		t.Errorf("a row with its own workplace: %+v, problems %+v", p, problems)
	}

	c = NewChecker(Options{Defaults: Defaults{FieldKinds: "Trường học", FieldStage: "customer", FieldProvince: "Ninh Bình"}})
	headers = []string{"Tên đơn vị", "Loại", "Tỉnh"}
	o, _, problems := c.OrganisationFields(row(2, Cell{"Tên đơn vị", "Công ty Sách Ninh Bình"}, Cell{"Loại", "Đối tác"}))
	if problems != nil || !slices.Equal(o.Kinds, []party.Kind{party.KindPartner}) || o.Stage != party.StageCustomer || o.Province != "Ninh Bình" {
		t.Errorf("an organisation with its own kind: %+v, problems %+v", o, problems)
	}
	o, _, problems = c.OrganisationFields(row(3, Cell{"Tên đơn vị", "Trường THCS Ninh Nhất"}))
	if problems != nil || !slices.Equal(o.Kinds, []party.Kind{party.KindSchool}) {
		t.Errorf("an organisation without a kind: %+v, problems %+v", o, problems)
	}
}

// Defaults that would refuse every row, or that cannot be every row's, are
// refused at upload, each with why.
func TestDefaultsThatCannotBeEveryRowsAreRefused(t *testing.T) {
	headers := []string{"Họ và tên", "Điện thoại"}
	got := Defaults{FieldName: "Lê Văn A", FieldPhones: "0912345678", "shoe_size": "42", FieldStage: "lead",
		FieldTags: " ", FieldTitle: "Giáo viên", FieldOwnerID: "user-lan", FieldConsentZalo: "chưa hỏi"}.Check(People, DefaultMapping(), headers, Options{})
	want := map[Field]string{
		FieldName:   "tells one party from another, so every row cannot share it: put it in a column of the file",
		FieldPhones: "tells one party from another, so every row cannot share it: put it in a column of the file",
		"shoe_size": `unknown field "shoe_size"`,
		FieldStage:  `people have no field "stage"`,
		FieldTags:   "is blank: leave the field out",
		FieldTitle:  "is a job title, which is kept on the link to the person's workplace, and neither a column nor a default names the workplace",
		FieldConsentZalo: `holds "chưa hỏi", which is not a consent: write "granted" or "refused" ("có" or "không"), ` +
			`then, if known, "; " when it was given and "; " where`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("people:\n got %q\nwant %q", got, want)
	}
	got = Defaults{FieldStage: "sắp ký", FieldWebsite: "not a site", FieldSupervisingUnit: "Phòng GD&ĐT Hoa Lư"}.
		Check(Organisations, DefaultMapping(), []string{"Tên đơn vị"}, Options{})
	if len(got) != 2 || got[FieldStage] == "" || got[FieldWebsite] == "" {
		t.Errorf("organisations: %q", got)
	}
	// A sign-up sheet's attendees all agreed to hear from us on Zalo.
	d := Defaults{FieldWorkplace: "Trường A", FieldTitle: "Giáo viên", FieldConsentZalo: "granted; ; hội thảo Bắc Ninh"}
	if got := d.Check(People, DefaultMapping(), headers, Options{}); len(got) != 0 {
		t.Errorf("a title with a workplace default, and a consent: %q", got)
	}
}
