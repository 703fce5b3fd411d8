package party

import (
	"errors"
	"reflect"
	"testing"
)

var schoolSchema = CustomFieldSchema{
	KindSchool: {
		{Name: "student_count", Type: FieldNumber, Required: true},
		{Name: "level", Type: FieldString, Allowed: []string{"primary", "secondary", "high"}},
		{Name: "boarding", Type: FieldBool},
		{Name: "founded", Type: FieldDate},
	},
	KindPartner: {{Name: "contract_no", Type: FieldString, Required: true}},
}

func TestValidOrganisationIsNormalised(t *testing.T) {
	got, err := NewOrganisation(Organisation{
		ID:       "org-1",
		Kinds:    []Kind{KindSchool, KindUnit, KindSchool},
		Name:     "  Trường  Tiểu học   Kim Đồng ",
		TaxCode:  "0101 234 567",
		Province: "Tỉnh Bình Dương",
		Phones:   []string{"0912 345 678", "+84 912 345 678", "024 3825 1234"},
		Emails:   []string{"KeToan@KimDong.edu.vn"},
		Website:  "KimDong.edu.vn",
		// Looked up on reads, never stored.
		SupervisingUnitName: "Phòng GD&ĐT",
		Tags:                []string{"Tiềm năng", "tiem nang", " VIP "},
		CustomFields:        map[string]any{"student_count": 850.0, "level": "primary", "founded": "1998-09-05"},
	}, schoolSchema)
	if err != nil {
		t.Fatal(err)
	}
	want := Organisation{
		ID:              "org-1",
		Kinds:           []Kind{KindSchool, KindUnit},
		Name:            "Trường Tiểu học Kim Đồng",
		TaxCode:         "0101234567",
		Province:        "Tỉnh Bình Dương",
		CurrentProvince: "Thành phố Hồ Chí Minh",
		Phones:          []string{"+84912345678", "+842438251234"},
		Emails:          []string{"ketoan@kimdong.edu.vn"},
		Website:         "https://kimdong.edu.vn",
		Stage:           StageLead,
		Tags:            []string{"Tiềm năng", "VIP"},
		CustomFields:    map[string]any{"student_count": 850.0, "level": "primary", "founded": "1998-09-05"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewOrganisation:\n got %+v\nwant %+v", got, want)
	}
}

func TestInvalidOrganisationListsEveryBadField(t *testing.T) {
	tests := []struct {
		name string
		org  Organisation
		want []FieldError
	}{
		{
			name: "missing name and kind",
			org:  Organisation{Name: "   "},
			want: []FieldError{{"name", "required"}, {"kinds", "at least one kind is required"}},
		},
		{
			name: "bad phone, email, tax code, province and website",
			org: Organisation{
				Name: "UBND xã A", Kinds: []Kind{KindUnit},
				Phones:   []string{"0912345678", "12345"},
				Emails:   []string{"An <an@x.vn>"},
				TaxCode:  "12345",
				Province: "Atlantis",
				Website:  "ftp://x.vn",
			},
			want: []FieldError{
				{"tax_code", ErrInvalidTaxCode.Error()},
				{"province", UnknownProvince},
				{"phones[1]", ErrInvalidPhone.Error()},
				{"emails[0]", ErrInvalidEmail.Error()},
				{"website", "not a valid web address"},
			},
		},
		{
			name: "unknown kind and stage, self supervision",
			org: Organisation{
				ID: "o1", Name: "A", Kinds: []Kind{KindUnit, "customer"},
				Stage: "won", SupervisingUnitID: "o1",
			},
			want: []FieldError{
				{"kinds[1]", `unknown kind "customer"`},
				{"supervising_unit_id", "an organisation cannot supervise itself"},
				{"stage", `unknown lifecycle stage "won"`},
			},
		},
		{
			name: "custom fields checked against every kind's definitions",
			org: Organisation{
				Name: "Trường A", Kinds: []Kind{KindSchool, KindPartner},
				CustomFields: map[string]any{
					"student_count": "many", "level": "university", "boarding": "yes",
					"founded": "05/09/1998", "colour": "blue",
				},
			},
			want: []FieldError{
				{"custom_fields.boarding", "must be true or false"},
				{"custom_fields.colour", "unknown field for this kind of organisation"},
				{"custom_fields.contract_no", "required"},
				{"custom_fields.founded", "must be a date written YYYY-MM-DD"},
				{"custom_fields.level", "must be one of primary, secondary, high"},
				{"custom_fields.student_count", "must be a number"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewOrganisation(tt.org, schoolSchema)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if !reflect.DeepEqual(verr.Fields, tt.want) {
				t.Errorf("fields:\n got %q\nwant %q", verr.Fields, tt.want)
			}
		})
	}
}

func TestValidationErrorNamesEachField(t *testing.T) {
	err := &ValidationError{Fields: []FieldError{{"name", "required"}, {"phones[1]", "not a valid phone number"}}}
	want := "invalid party: name: required; phones[1]: not a valid phone number"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestOrganisationDuplicateKeysAreItsPhonesEmailsAndTaxCode(t *testing.T) {
	o, err := NewOrganisation(Organisation{
		Name: "A", Kinds: []Kind{KindUnit}, TaxCode: "0101234567-001",
		Phones: []string{"0912345678"}, Emails: []string{"A@X.VN"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Key{{KeyPhone, "+84912345678"}, {KeyEmail, "a@x.vn"}, {KeyTaxCode, "0101234567-001"}}
	if got := o.DuplicateKeys(); !reflect.DeepEqual(got, want) {
		t.Errorf("DuplicateKeys() = %v, want %v", got, want)
	}
	if got := want[0].String(); got != "phone:+84912345678" {
		t.Errorf("Key.String() = %q", got)
	}
}
