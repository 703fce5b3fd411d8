package party

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestMergingAPartyIntoItselfIsRefused(t *testing.T) {
	tests := []struct {
		name             string
		survivor, merged Person
	}{
		{"same id", Person{ID: "p1"}, Person{ID: "p1"}},
		{"already merged into the survivor", Person{ID: "p1", MergedIDs: []string{"p2"}}, Person{ID: "p2"}},
		{"survivor was merged into it", Person{ID: "p1"}, Person{ID: "p2", MergedIDs: []string{"p1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := MergePerson(tt.survivor, tt.merged, nil); !errors.Is(err, ErrSelfMerge) {
				t.Errorf("MergePerson err = %v, want ErrSelfMerge", err)
			}
			o1, o2 := Organisation{ID: tt.survivor.ID, MergedIDs: tt.survivor.MergedIDs}, Organisation{ID: tt.merged.ID, MergedIDs: tt.merged.MergedIDs}
			if _, err := MergeOrganisation(o1, o2, nil); !errors.Is(err, ErrSelfMerge) {
				t.Errorf("MergeOrganisation err = %v, want ErrSelfMerge", err)
			}
		})
	}
}

func TestMergingUnsavedPartiesIsRefused(t *testing.T) {
	_, err := MergePerson(Person{}, Person{ID: "p2"}, nil)
	var verr *ValidationError
	if !errors.As(err, &verr) || verr.Fields[0].Field != "survivor.id" {
		t.Errorf("err = %v, want a ValidationError on survivor.id", err)
	}
}

func TestMergedPersonKeepsSurvivorValuesAndGainsTheRest(t *testing.T) {
	early, late := consentTime, consentTime.Add(48*time.Hour)
	survivor := Person{
		ID: "p1", FullName: "Nguyễn Văn An", Phones: []string{"+84912345678"},
		ImportantDates: []ImportantDate{{"Ngày cưới", Date{2015, 10, 10}}},
		Consents: map[Channel]Consent{
			ChannelZalo:  {Granted: true, At: early, Source: "form"},
			ChannelEmail: {Granted: true, At: late, Source: "form"},
		},
		Relationships: []Relationship{{Kind: RelWorksAt, PartyID: "org-1", Title: "Kế toán"}},
		Tags:          []string{"phụ huynh"},
		MergedIDs:     []string{"p0"},
		Notes:         "Gọi sau 17h.",
	}
	merged := Person{
		ID: "p2", FullName: "Nguyen Van An", Phones: []string{"+84987654321", "+84912345678"},
		Emails: []string{"an@x.vn"}, ZaloID: "an.zalo", Birthday: Date{1990, 5, 9},
		ImportantDates: []ImportantDate{{"ngay cuoi", Date{2015, 10, 10}}, {"Con vào lớp 1", Date{2024, 9, 5}}},
		Consents: map[Channel]Consent{
			ChannelZalo:  {Granted: false, At: late, Source: "call"},
			ChannelEmail: {Granted: false, At: early, Source: "call"},
			ChannelSMS:   {Granted: true, At: early, Source: "call"},
		},
		Relationships: []Relationship{
			{Kind: RelWorksAt, PartyID: "org-1", Title: "Kế toán trưởng"},
			{Kind: RelParentOf, PartyID: "p9"},
			{Kind: RelRelatedTo, PartyID: "p1", Label: "bản sao"},
		},
		Tags:      []string{"Phụ huynh", "VIP"},
		OwnerID:   "staff-2",
		MergedIDs: []string{"p3"},
		Notes:     "Con học lớp 5A.",
	}
	got, err := MergePerson(survivor, merged, Keep{"full_name": KeepSurvivor})
	if err != nil {
		t.Fatal(err)
	}
	want := Person{
		ID: "p1", FullName: "Nguyễn Văn An",
		Phones: []string{"+84912345678", "+84987654321"}, Emails: []string{"an@x.vn"},
		ZaloID: "an.zalo", Birthday: Date{1990, 5, 9},
		ImportantDates: []ImportantDate{{"Ngày cưới", Date{2015, 10, 10}}, {"Con vào lớp 1", Date{2024, 9, 5}}},
		Consents: map[Channel]Consent{
			ChannelZalo:  {Granted: false, At: late, Source: "call"},
			ChannelEmail: {Granted: true, At: late, Source: "form"},
			ChannelSMS:   {Granted: true, At: early, Source: "call"},
		},
		Relationships: []Relationship{
			{Kind: RelWorksAt, PartyID: "org-1", Title: "Kế toán"},
			{Kind: RelParentOf, PartyID: "p9"},
		},
		Tags:      []string{"phụ huynh", "VIP"},
		OwnerID:   "staff-2",
		MergedIDs: []string{"p0", "p2", "p3"},
		Notes:     "Gọi sau 17h.\n\nCon học lớp 5A.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergePerson:\n got %+v\nwant %+v", got, want)
	}
	if len(survivor.Phones) != 1 || len(survivor.MergedIDs) != 1 {
		t.Error("MergePerson modified the survivor it was given")
	}
}

func TestMergedOrganisationKeepsSurvivorValuesAndGainsTheRest(t *testing.T) {
	survivor := Organisation{
		ID: "o1", Kinds: []Kind{KindUnit}, Name: "Trường THCS A", Stage: StageCustomer,
		Phones: []string{"+84912345678"}, SupervisingUnitID: "o2",
		CustomFields: map[string]any{"level": "secondary"},
	}
	merged := Organisation{
		ID: "o2", Kinds: []Kind{KindSchool, KindUnit}, Name: "THCS A", TaxCode: "0101234567",
		Province: "Bình Dương", CurrentProvince: "Thành phố Hồ Chí Minh", Stage: StageLead,
		Emails: []string{"a@x.vn"}, Website: "https://a.edu.vn", Tags: []string{"VIP"},
		CustomFields: map[string]any{"level": "primary", "student_count": 500.0},
		Notes:        "Kế toán nghỉ thứ Sáu.",
	}
	got, err := MergeOrganisation(survivor, merged, Keep{"name": KeepSurvivor, "custom_fields.level": KeepSurvivor})
	if err != nil {
		t.Fatal(err)
	}
	want := Organisation{
		ID: "o1", Kinds: []Kind{KindUnit, KindSchool}, Name: "Trường THCS A", TaxCode: "0101234567",
		Province: "Bình Dương", CurrentProvince: "Thành phố Hồ Chí Minh", Stage: StageCustomer,
		Phones: []string{"+84912345678"}, Emails: []string{"a@x.vn"}, Website: "https://a.edu.vn",
		Tags:         []string{"VIP"},
		CustomFields: map[string]any{"level": "secondary", "student_count": 500.0},
		MergedIDs:    []string{"o2"},
		Notes:        "Kế toán nghỉ thứ Sáu.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergeOrganisation:\n got %+v\nwant %+v", got, want)
	}
}

// Notes are free text no other field holds: a merge keeps both, and merging
// a copy of the same notes again does not repeat them.
func TestAMergeKeepsTheNotesOfBothParties(t *testing.T) {
	for _, c := range []struct{ survivor, merged, want string }{
		{"", "", ""},
		{"A", "", "A"},
		{"", "B", "B"},
		{"A", "B", "A\n\nB"},
		{"A\n\nB", "B", "A\n\nB"},
	} {
		got, err := MergePerson(Person{ID: "p1", Notes: c.survivor}, Person{ID: "p2", Notes: c.merged}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Notes != c.want {
			t.Errorf("notes %q + %q = %q, want %q", c.survivor, c.merged, got.Notes, c.want)
		}
	}
}
