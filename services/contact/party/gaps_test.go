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
