package importing

import (
	"strings"
	"testing"
)

func TestAnIdColumnMustHoldAPartyId(t *testing.T) {
	const id = "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20"
	c := NewChecker(Options{})
	for _, tt := range []struct {
		cell, problem string
	}{
		{id, ""},
		{strings.ToUpper(id), ""},
		{id + "x", "which is not a Rapport id"},
		{id[:30], "which is not a Rapport id"},
		{strings.Replace(id, "9a2f", "9g2f", 1), "which is not a Rapport id"},
	} {
		row := Row{Line: 2, Cells: []Cell{{"id", tt.cell}, {"Họ và tên", "Nguyễn Văn An"}}}
		_, problems := c.Person(row)
		switch {
		case tt.problem == "" && problems != nil:
			t.Errorf("%q: %v", tt.cell, problems)
		case tt.problem != "" && (len(problems) != 1 || problems[0].Column != "id" || !strings.Contains(problems[0].Message, tt.problem)):
			t.Errorf("%q: %v, want %q in column id", tt.cell, problems, tt.problem)
		case tt.problem == "":
			if got, column := c.ID(row); got != id || column != "id" {
				t.Errorf("ID(%q) = %q, %q", tt.cell, got, column)
			}
		}
	}
	// A whole number, or a code, is the file's numbering of its rows: it
	// names no party.
	for _, own := range []string{"12", "HS-12", "2023-0001", "A1B2C3D4", "0190a3c2"} {
		row := Row{Line: 2, Cells: []Cell{{"id", own}, {"Họ và tên", "Nguyễn Văn An"}}}
		if _, problems := c.Person(row); problems != nil {
			t.Errorf("%s: %v", own, problems)
		}
		if got, _ := c.ID(row); got != "" {
			t.Errorf("ID(%s) = %q", own, got)
		}
	}
	// A file's own numbering ("STT") feeds nothing.
	if f, ok := DefaultMapping().Field("STT"); ok {
		t.Errorf("STT feeds %q", f)
	}
}

func TestARowNamingAStoredPartyByIdSaysWhichItIs(t *testing.T) {
	const a, b = "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20", "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f21"
	if got, want := SameID(a, a, "person", "Lê Văn An"), "same id "+a+" as existing person Lê Văn An ("+a+")"; got != want {
		t.Errorf("SameID: %q", got)
	}
	if got := SameID(a, b, "person", "Lê Văn An"); !strings.HasSuffix(got, "existing person Lê Văn An ("+b+"), which it was merged into") {
		t.Errorf("SameID merged: %q", got)
	}
	if got := GoneID(a, "organisation"); !strings.Contains(got, "no stored organisation") || !strings.Contains(got, "clear the id") {
		t.Errorf("GoneID: %q", got)
	}
}

func TestARowStandsForAStoredPartyOnlyWhenItsIdNamesItAndNothingElseRefusesIt(t *testing.T) {
	const a, b = "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20", "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f21"
	for _, tt := range []struct {
		name  string
		id    string
		keys  []string
		other bool
		want  string
	}{
		{"its id names a stored party", a, nil, false, a},
		{"its id and its phone name the same one", a, []string{a, a}, false, a},
		{"only its phone names one: a duplicate, maybe someone else", "", []string{b}, false, ""},
		{"its id names one, its phone another", a, []string{b}, false, ""},
		{"its id names one, and it has another problem", a, nil, true, ""},
		{"it is no stored party", "", nil, true, ""},
	} {
		got, ok := StoredParty(tt.id, tt.keys, tt.other)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestAStoredPartyIsNamedByItsNameAndItsID(t *testing.T) {
	const id = "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20"
	if got, want := Existing("person", id, "Nguyễn Văn Bình"), "existing person Nguyễn Văn Bình ("+id+")"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := Existing("organisation", id, ""), "existing organisation "+id; got != want {
		t.Errorf("without a name: got %q, want %q", got, want)
	}
}
