package importing

import (
	"slices"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// rowOf is a row under headers holding cells, in order ("" for a blank).
func rowOf(headers []string, cells ...string) Row {
	r := Row{Line: 2, Headers: headers}
	for i, c := range cells {
		if c != "" {
			r.Cells = append(r.Cells, Cell{Header: headers[i], Value: c})
		}
	}
	return r
}

func TestARowDiffersFromItsStoredPersonOnlyInTheColumnsItHasReadAsTheImportReadsThem(t *testing.T) {
	const school, other = "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20", "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f21"
	received := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	stored, err := party.NewPerson(party.Person{FullName: "Nguyễn Thị Hoa", Phones: []string{"+84912345678", "0987 654 321"},
		Tags: []string{"VIP", "phụ huynh"}, OwnerID: "sales-lan", Notes: "Gọi sau 17h.", Birthday: party.Date{Year: 1988, Month: 2, Day: 29},
		Relationships: []party.Relationship{{Kind: party.RelWorksAt, PartyID: school, Title: "Kế toán"}},
		Consents:      map[party.Channel]party.Consent{party.ChannelZalo: {Granted: true, At: time.Date(2026, 3, 1, 2, 30, 0, 0, time.UTC), Source: "phiếu"}}},
		received)
	if err != nil {
		t.Fatal(err)
	}
	headers := []string{"id", "full_name", "phones", "tags", "owner_id", "notes", "workplace", "title", "consent:zalo"}
	for _, c := range []struct {
		name  string
		cells []string
		want  []string
	}{
		{"as stored, the name decomposed, phones written otherwise, tags reordered", []string{"x", " Nguye\u0302\u0303n  Thị Hoa", "0987.654.321; 0912 345 678", "Phụ huynh; vip", "sales-lan",
			"Gọi sau 17h.", "Trường", "Kế toán", "có"}, nil},
		{"a phone and a tag added", []string{"x", "Nguyễn Thị Hoa", "+84912345678; 0987 654 321; 0903 000 111", "VIP; phụ huynh; hội thảo", "",
			"Gọi sau 17h.", "Trường", "Kế toán", "granted; 2026-03-01T09:30:00+07:00; phiếu"}, []string{"phones", "tags"}},
		{"notes cleared, another owner, another title", []string{"x", "Nguyễn Thị Hoa", "+84912345678; +84987654321", "VIP; phụ huynh", "sales-minh",
			"", "Trường", "Hiệu trưởng", ""}, []string{"owner_id", "notes", "title"}},
		{"consent refused, or given at another time", []string{"x", "Nguyễn Thị Hoa", "+84912345678; +84987654321", "VIP; phụ huynh", "",
			"Gọi sau 17h.", "Trường", "Kế toán", "có; 2026-04-01"}, []string{"consent:zalo"}},
	} {
		ch := NewChecker(Options{Received: received})
		row := rowOf(headers, c.cells...)
		p, _, problems := ch.PersonFields(row)
		if len(problems) > 0 {
			t.Fatalf("%s: %+v", c.name, problems)
		}
		p.Relationships[0].PartyID = school // as the import looks "Trường" up
		if got := ch.PersonDifferences(row, p, stored); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		p.Relationships[0].PartyID = other
		if got := ch.PersonDifferences(row, p, stored); !slices.Contains(got, "workplace") || slices.Contains(got, "title") {
			t.Errorf("%s, at another school: %q", c.name, got)
		}
	}
	// A form without the birthday, with the upload's defaults.
	c := NewChecker(Options{Received: received, Defaults: Defaults{FieldTags: "hội thảo"}})
	row := rowOf([]string{"Họ và tên", "Điện thoại"}, "Nguyễn Thị Hoa", "0912345678 / 0987654321")
	p, _, _ := c.PersonFields(row)
	if got := c.PersonDifferences(row, p, stored); !slices.Equal(got, []string{"defaults.tags"}) {
		t.Errorf("a form with a default tag: %q", got)
	}
}

func TestARowDiffersFromItsStoredOrganisationOnlyInTheColumnsItHasReadAsTheImportReadsThem(t *testing.T) {
	schema := party.CustomFieldSchema{party.KindSchool: {{Name: "student_count", Type: party.FieldNumber}}}
	stored, err := party.NewOrganisation(party.Organisation{Name: "Trường THCS Lê Lợi", Kinds: []party.Kind{party.KindSchool, party.KindPartner},
		TaxCode: "0101234567", Province: "Hồ Chí Minh", Website: "lele.edu.vn", Stage: party.StageCustomer,
		CustomFields: map[string]any{"student_count": 850.0}}, schema)
	if err != nil {
		t.Fatal(err)
	}
	headers := []string{"name", "kinds", "tax_code", "province", "website", "stage", "custom:student_count"}
	for _, c := range []struct {
		name  string
		cells []string
		want  []string
	}{
		{"as stored, written otherwise", []string{"Trường THCS Lê Lợi", "partner; school", "0101 234 567", "TP.HCM", "https://lele.edu.vn", "customer", "850"}, nil},
		{"blank kinds and stage take no value", []string{"Trường THCS Lê Lợi", "", "0101234567", "Hồ Chí Minh", "lele.edu.vn", "", "850,0"}, nil},
		{"another stage, count and website", []string{"Trường THCS Lê Lợi", "school; partner", "0101234567", "Hồ Chí Minh", "lele.vn", "prospect", "900"},
			[]string{"website", "stage", "custom:student_count"}},
		{"another province, the website cleared", []string{"Trường THCS Lê Lợi", "school; partner", "0101234567", "Hà Nội", "", "", "850"},
			[]string{"province", "website"}},
	} {
		ch := NewChecker(Options{Schema: schema, DefaultKinds: []party.Kind{party.KindSchool}})
		row := rowOf(headers, c.cells...)
		o, _, problems := ch.OrganisationFields(row)
		if len(problems) > 0 {
			t.Fatalf("%s: %+v", c.name, problems)
		}
		if got := ch.OrganisationDifferences(row, o, stored); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
