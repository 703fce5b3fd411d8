package party

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestOrganisationConflictsAreTheSingleValuesBothHoldDifferently(t *testing.T) {
	base := Organisation{ID: "o1", Kinds: []Kind{KindSchool}, Name: "Trường THCS Lê Lợi", Stage: StageLead}
	tests := []struct {
		name   string
		change func(s, m *Organisation)
		want   []Conflict
	}{
		{"the same values", func(s, m *Organisation) {}, nil},
		{"names differ", func(s, m *Organisation) { m.Name = "THCS Lê Lợi" },
			[]Conflict{{"name", "Trường THCS Lê Lợi", "THCS Lê Lợi"}}},
		{"a name composed differently is the same name", func(s, m *Organisation) { m.Name = "Tru\u031bo\u031b\u0300ng THCS  Lê Lợi" }, nil},
		{"tax codes differ", func(s, m *Organisation) { s.TaxCode, m.TaxCode = "0101234567", "0109876543" },
			[]Conflict{{"tax_code", "0101234567", "0109876543"}}},
		{"a tax code written with dots is the same", func(s, m *Organisation) { s.TaxCode, m.TaxCode = "0101234567", "0101.234.567" }, nil},
		{"a value only one side holds is none", func(s, m *Organisation) { m.TaxCode, m.Website, m.OwnerID = "0109876543", "https://a.vn", "staff-2" }, nil},
		{"websites differ", func(s, m *Organisation) { s.Website, m.Website = "https://a.edu.vn", "https://b.edu.vn" },
			[]Conflict{{"website", "https://a.edu.vn", "https://b.edu.vn"}}},
		{"a website without its scheme is the same", func(s, m *Organisation) { s.Website, m.Website = "https://a.edu.vn", "a.edu.vn" }, nil},
		{"owners differ", func(s, m *Organisation) { s.OwnerID, m.OwnerID = "staff-1", "staff-2" },
			[]Conflict{{"owner_id", "staff-1", "staff-2"}}},
		{"supervising units differ", func(s, m *Organisation) { s.SupervisingUnitID, m.SupervisingUnitID = "so-1", "so-2" },
			[]Conflict{{"supervising_unit_id", "so-1", "so-2"}}},
		{"a supervising unit that is the other party is none", func(s, m *Organisation) { s.SupervisingUnitID, m.SupervisingUnitID = "o2", "so-2" }, nil},
		{"addresses differ in a part: one conflict, the whole address", func(s, m *Organisation) {
			s.Province, s.Ward, s.Address = "Hà Nội", "Phường Cửa Nam", "12 Lê Lợi"
			m.Province, m.Ward, m.Address = "Hà Nội", "Phường Cửa Nam", "34 Trần Phú"
		}, []Conflict{{"address",
			Address{Province: "Hà Nội", Ward: "Phường Cửa Nam", Address: "12 Lê Lợi"},
			Address{Province: "Hà Nội", Ward: "Phường Cửa Nam", Address: "34 Trần Phú"}}}},
		{"provinces differ", func(s, m *Organisation) { s.Province, m.Province = "Hà Nội", "Bình Dương" },
			[]Conflict{{"address", Address{Province: "Hà Nội"}, Address{Province: "Bình Dương"}}}},
		{"a province written another way is the same", func(s, m *Organisation) { s.Province, m.Province = "TP.HCM", "Thành phố Hồ Chí Minh" }, nil},
		{"parts one side lacks are none", func(s, m *Organisation) {
			s.Province = "Hà Nội"
			m.Province, m.Ward, m.Address = "Hà Nội", "Phường Cửa Nam", "12 Lê Lợi"
		}, nil},
		{"custom fields differ, one conflict each", func(s, m *Organisation) {
			s.CustomFields = map[string]any{"level": "THCS", "student_count": 500.0, "chapter": "622", "public": true}
			m.CustomFields = map[string]any{"level": "THPT", "student_count": json.Number("500"), "founded": "1990-09-05", "public": false}
		}, []Conflict{{"custom_fields.level", "THCS", "THPT"}, {"custom_fields.public", true, false}}},
		{"lists and notes are never conflicts", func(s, m *Organisation) {
			s.Kinds, s.Phones, s.Emails, s.Tags, s.Notes = []Kind{KindUnit}, []string{"+84912345678"}, []string{"a@x.vn"}, []string{"vip"}, "A"
			m.Phones, m.Emails, m.Tags, m.Notes = []string{"+84987654321"}, []string{"b@x.vn"}, []string{"cũ"}, "B"
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, m := base, base
			m.ID = "o2"
			tt.change(&s, &m)
			if got := OrganisationConflicts(s, m); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("OrganisationConflicts:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestPersonConflictsAreTheSingleValuesBothHoldDifferently(t *testing.T) {
	s := Person{ID: "p1", FullName: "Nguyễn Văn An", ZaloID: "an.zalo", Birthday: Date{1990, time.May, 9}, OwnerID: "staff-1",
		Phones: []string{"+84912345678"}, Notes: "A",
		Consents: map[Channel]Consent{ChannelZalo: {Granted: true, At: consentTime, Source: "form"}}}
	m := Person{ID: "p2", FullName: "Nguyễn V. An", ZaloID: "an.2", Birthday: Date{1990, time.September, 5}, OwnerID: "staff-2",
		Phones: []string{"+84987654321"}, Notes: "B",
		Consents: map[Channel]Consent{ChannelZalo: {Granted: false, At: consentTime.Add(time.Hour), Source: "call"}}}
	want := []Conflict{
		{"full_name", "Nguyễn Văn An", "Nguyễn V. An"},
		{"zalo_id", "an.zalo", "an.2"},
		{"birthday", Date{1990, time.May, 9}, Date{1990, time.September, 5}},
		{"owner_id", "staff-1", "staff-2"},
	}
	if got := PersonConflicts(s, m); !reflect.DeepEqual(got, want) {
		t.Errorf("PersonConflicts:\n got %#v\nwant %#v", got, want)
	}
	m.FullName, m.ZaloID, m.Birthday, m.OwnerID = "", " an.zalo ", Date{}, "staff-1"
	if got := PersonConflicts(s, m); got != nil {
		t.Errorf("PersonConflicts of values held by one side or alike = %#v, want none", got)
	}
}

func TestAMergeWithAConflictKeepDoesNotDecideIsRefused(t *testing.T) {
	s := Organisation{ID: "o1", Name: "Trường A", TaxCode: "0101234567", OwnerID: "staff-1"}
	m := Organisation{ID: "o2", Name: "Trường B", TaxCode: "0109876543", OwnerID: "staff-1"}
	_, err := MergeOrganisation(s, m, Keep{"name": KeepSurvivor, "website": KeepMerged})
	var conflict *ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("err = %v, want a ConflictError", err)
	}
	if want := []Conflict{{"tax_code", "0101234567", "0109876543"}}; !reflect.DeepEqual(conflict.Conflicts, want) {
		t.Errorf("undecided = %#v, want %#v", conflict.Conflicts, want)
	}
	if got := conflict.Error(); got != "party: merge conflicts on tax_code" {
		t.Errorf("Error() = %q: it names the fields and no value", got)
	}
	_, err = MergePerson(Person{ID: "p1", FullName: "An"}, Person{ID: "p2", FullName: "Bình"}, nil)
	if !errors.As(err, &conflict) || conflict.Conflicts[0].Field != "full_name" {
		t.Errorf("MergePerson err = %v, want a ConflictError on full_name", err)
	}
}

func TestKeepDecidesWhoseValueAMergeKeeps(t *testing.T) {
	s := Organisation{ID: "o1", Name: "Trường A", TaxCode: "0101234567", OwnerID: "staff-1", Website: "https://a.vn",
		Province: "Hà Nội", CurrentProvince: "Thành phố Hà Nội", Ward: "Phường Cửa Nam", Address: "12 Lê Lợi",
		SupervisingUnitID: "so-1", CustomFields: map[string]any{"level": "THCS", "chapter": "622"}}
	m := Organisation{ID: "o2", Name: "Trường B", TaxCode: "0109876543", OwnerID: "staff-2", Website: "https://b.vn",
		Province: "Bình Dương", CurrentProvince: "Thành phố Hồ Chí Minh", District: "Thủ Dầu Một",
		SupervisingUnitID: "so-2", CustomFields: map[string]any{"level": "THPT", "chapter": "600"}}
	all := func(side Side) Keep {
		return Keep{"name": side, "tax_code": side, "owner_id": side, "website": side, "address": side,
			"supervising_unit_id": side, "custom_fields.level": side, "custom_fields.chapter": KeepSurvivor}
	}
	got, err := MergeOrganisation(s, m, all(KeepMerged))
	if err != nil {
		t.Fatal(err)
	}
	want := Organisation{ID: "o1", Name: "Trường B", TaxCode: "0109876543", OwnerID: "staff-2", Website: "https://b.vn",
		Province: "Bình Dương", CurrentProvince: "Thành phố Hồ Chí Minh", District: "Thủ Dầu Một",
		SupervisingUnitID: "so-2", CustomFields: map[string]any{"level": "THPT", "chapter": "622"}, MergedIDs: []string{"o2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keeping merged:\n got %+v\nwant %+v", got, want)
	}
	// The survivor's address stays whole: the merged one's district belongs
	// to another province.
	got, err = MergeOrganisation(s, m, all(KeepSurvivor))
	if err != nil {
		t.Fatal(err)
	}
	want = s
	want.MergedIDs = []string{"o2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keeping the survivor:\n got %+v\nwant %+v", got, want)
	}

	ps := Person{ID: "p1", FullName: "Nguyễn Văn An", ZaloID: "an.zalo", Birthday: Date{1990, time.May, 9}, OwnerID: "staff-1"}
	pm := Person{ID: "p2", FullName: "Nguyễn V. An", ZaloID: "an.2", Birthday: Date{1990, time.September, 5}, OwnerID: "staff-2"}
	person, err := MergePerson(ps, pm, Keep{"full_name": KeepSurvivor, "zalo_id": KeepMerged, "birthday": KeepMerged, "owner_id": KeepSurvivor})
	if err != nil {
		t.Fatal(err)
	}
	wantPerson := Person{ID: "p1", FullName: "Nguyễn Văn An", ZaloID: "an.2", Birthday: Date{1990, time.September, 5}, OwnerID: "staff-1", MergedIDs: []string{"p2"}}
	if !reflect.DeepEqual(person, wantPerson) {
		t.Errorf("MergePerson:\n got %+v\nwant %+v", person, wantPerson)
	}
}

// A client may send back every conflict it was shown, so a decision on a
// field the two do not conflict on changes nothing: the survivor's value is
// not replaced by an empty one, nor a value it gains dropped.
func TestKeepOnAFieldWithoutAConflictChangesNothing(t *testing.T) {
	s := Organisation{ID: "o1", Name: "Trường A", Province: "Hà Nội", CustomFields: map[string]any{"level": "THCS"}}
	m := Organisation{ID: "o2", Name: "Trường A", TaxCode: "0109876543", Ward: "Phường Cửa Nam"}
	got, err := MergeOrganisation(s, m, Keep{"name": KeepMerged, "tax_code": KeepSurvivor, "address": KeepMerged, "custom_fields.level": KeepMerged})
	if err != nil {
		t.Fatal(err)
	}
	want := Organisation{ID: "o1", Name: "Trường A", TaxCode: "0109876543", Province: "Hà Nội", Ward: "Phường Cửa Nam",
		CustomFields: map[string]any{"level": "THCS"}, MergedIDs: []string{"o2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergeOrganisation:\n got %+v\nwant %+v", got, want)
	}
}

// A supervising unit that was the other party is a loop after the merge:
// the other's own unit takes its place instead of being lost.
func TestASupervisorThatWasTheOtherPartyGivesWayToTheOthersOwn(t *testing.T) {
	got, err := MergeOrganisation(Organisation{ID: "o1", SupervisingUnitID: "o2"}, Organisation{ID: "o2", SupervisingUnitID: "so-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.SupervisingUnitID != "so-1" {
		t.Errorf("supervising unit = %q, want so-1", got.SupervisingUnitID)
	}
	got, err = MergeOrganisation(Organisation{ID: "o1", SupervisingUnitID: "so-1"}, Organisation{ID: "o2", SupervisingUnitID: "o1"}, nil)
	if err != nil || got.SupervisingUnitID != "so-1" {
		t.Errorf("supervising unit = %q (%v), want so-1", got.SupervisingUnitID, err)
	}
}

func TestABadKeepIsRefusedByField(t *testing.T) {
	s, m := Organisation{ID: "o1", Name: "A"}, Organisation{ID: "o2", Name: "B"}
	_, err := MergeOrganisation(s, m, Keep{"name": "both", "stage": KeepMerged, "province": KeepMerged, "custom_fields.": KeepMerged, "custom_fields.level": KeepMerged})
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("err = %v, want a ValidationError", err)
	}
	var fields []string
	for _, f := range verr.Fields {
		fields = append(fields, f.Field)
	}
	if want := []string{"keep.custom_fields.", "keep.custom_fields.level", "keep.name", "keep.province", "keep.stage"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("fields = %q, want %q", fields, want)
	}
	if verr.Fields[1].Message != "is a custom field neither party holds" {
		t.Errorf("keep.custom_fields.level: %q", verr.Fields[1].Message)
	}
	if verr.Fields[3].Message != "is decided with the whole address: name address" {
		t.Errorf("keep.province: %q", verr.Fields[3].Message)
	}
	_, err = MergePerson(Person{ID: "p1"}, Person{ID: "p2"}, Keep{"custom_fields.level": KeepMerged, "birthday": "merge"})
	if !errors.As(err, &verr) || len(verr.Fields) != 2 || verr.Fields[0].Field != "keep.birthday" || verr.Fields[1].Field != "keep.custom_fields.level" {
		t.Errorf("MergePerson err = %v, want keep.birthday and keep.custom_fields.level (people have no custom fields)", err)
	}
}

func TestAMergeRecordShowsBothValuesAndTheSideKept(t *testing.T) {
	decided := []Conflict{{"tax_code", "0101234567", "0109876543"}, {"name", "A", "B"}}
	got := MergeRecord(decided, Keep{"tax_code": KeepSurvivor, "name": KeepMerged})
	want := []Change{
		{Field: "merge_conflict.tax_code", New: Decision{Survivor: "0101234567", Merged: "0109876543", Kept: KeepSurvivor}},
		{Field: "merge_conflict.name", New: Decision{Survivor: "A", Merged: "B", Kept: KeepMerged}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergeRecord:\n got %+v\nwant %+v", got, want)
	}
}

func TestAForceReasonOnEitherSideIsAConflictAndKeptOnlyWhenChosen(t *testing.T) {
	plain := Organisation{ID: "o1", Name: "Trường A"}
	forced := Organisation{ID: "o2", Name: "Trường A", ForceReason: "hai trường cùng tên ở hai xã"}
	for _, tc := range []struct {
		survivor, merged Organisation
		keep             Side
		want             string
	}{
		{plain, forced, KeepSurvivor, ""},
		{plain, forced, KeepMerged, forced.ForceReason},
		{forced, plain, KeepSurvivor, forced.ForceReason},
		{forced, plain, KeepMerged, ""},
	} {
		_, err := MergeOrganisation(tc.survivor, tc.merged, nil)
		var conflict *ConflictError
		if !errors.As(err, &conflict) || len(conflict.Conflicts) != 1 || conflict.Conflicts[0].Field != "force_reason" {
			t.Fatalf("merge of %q into %q unasked: err %v, want a conflict on force_reason", tc.merged.ForceReason, tc.survivor.ForceReason, err)
		}
		out, err := MergeOrganisation(tc.survivor, tc.merged, Keep{"force_reason": tc.keep})
		if err != nil || out.ForceReason != tc.want {
			t.Errorf("keep %s: force_reason %q, %v; want %q", tc.keep, out.ForceReason, err, tc.want)
		}
	}
	if got := PersonConflicts(Person{FullName: "An"}, Person{FullName: "An"}); len(got) != 0 {
		t.Errorf("two people without a force reason conflict on %v", got)
	}
}

func TestSameProvinceAndFieldValueCompareAsAMergeDoes(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"TP.HCM", "Hồ Chí Minh", true}, {"Thành phố Hà Nội", "ha noi", true}, {"Hà Giang", "Tuyên Quang", false},
		{"", "", true}, {"", "Hà Nội", false},
	} {
		if got := SameProvince(c.a, c.b); got != c.want {
			t.Errorf("SameProvince(%q, %q) = %v", c.a, c.b, got)
		}
	}
	for _, c := range []struct {
		a, b any
		want bool
	}{
		{850.0, 850, true}, {" THCS ", "THCS", true}, {nil, "", true}, {"2026-01-02", "2026-01-02", true}, {true, false, false}, {850.0, "850", false},
	} {
		if got := SameFieldValue(c.a, c.b); got != c.want {
			t.Errorf("SameFieldValue(%#v, %#v) = %v", c.a, c.b, got)
		}
	}
}
