package party

import (
	"slices"
	"testing"
)

func TestGapsAreReadFromACommaSeparatedList(t *testing.T) {
	for _, c := range []struct {
		list    string
		want    []string
		unknown string
	}{
		{"phones", []string{"phones"}, ""},
		{" phones, tax_code ,phones,", []string{"phones", "tax_code"}, ""},
		{"", nil, ""},
		{"phones,birthday", nil, "birthday"}, // a person's, not an organisation's
		{"Phones", nil, "Phones"},
	} {
		got, unknown := ParseGaps(c.list, OrganisationGaps)
		if !slices.Equal(got, c.want) || unknown != c.unknown {
			t.Errorf("ParseGaps(%q) = %q, %q; want %q, %q", c.list, got, unknown, c.want, c.unknown)
		}
	}
}

func TestACustomFieldIsAGapOfTheKindsCarryingIt(t *testing.T) {
	s := CustomFieldSchema{
		KindSchool: {{Name: "level", Type: FieldString}, {Name: "student_count", Type: FieldNumber}},
		KindUnit:   {{Name: "student_count", Type: FieldNumber}},
	}
	if got := s.Gaps(); !slices.Equal(got, []string{"custom:level", "custom:student_count"}) {
		t.Errorf("gaps %q", got)
	}
	if got := s.KindsDefining("student_count"); !slices.Equal(got, []Kind{KindSchool, KindUnit}) {
		t.Errorf("student_count is carried by %q", got)
	}
	if got := s.KindsDefining("rating"); got != nil {
		t.Errorf("an undefined field is carried by %q", got)
	}
}
