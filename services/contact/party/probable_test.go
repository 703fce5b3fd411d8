package party

import (
	"slices"
	"testing"
)

func TestAPersonWithoutKeysIsProbablyANamesakeAtTheSameWorkplace(t *testing.T) {
	const school, other = "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20", "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f21"
	at := func(name string, orgs ...string) Person {
		p := Person{FullName: name}
		for _, o := range orgs {
			p.Relationships = append(p.Relationships, Relationship{Kind: RelWorksAt, PartyID: o, Title: "Giáo viên"})
		}
		return p
	}
	withPhone := at("Trần T. Cúc", school)
	withPhone.Phones = []string{"+84912000111"}
	parent := Person{FullName: "Trần Thị Cúc", Relationships: []Relationship{{Kind: RelParentOf, PartyID: school}}}
	for _, c := range []struct {
		name  string
		p, q  Person
		where string // "" when not probably the same
	}{
		{"same name, same school", at("Trần Thị Cúc", school), at("Trần Thị Cúc", school), school},
		{"abbreviated, in capitals", at("TRẦN T. CÚC", school), at("Trần Thị Cúc", other, school), school},
		{"one of several workplaces", at("Trần Thị Cúc", other, school), at("Trần Thị Cúc", school), school},
		{"a workplace as written, folded", at("Trần Thị Cúc", "Trường THCS Lê Lợi"), at("Tran Thi Cuc", "truong thcs le loi"), "truong thcs le loi"},
		{"a full stop after the name", at("Trần Văn Bình.", school), at("Trần Văn Bình", school), school},
		{"punctuation in the workplace as written", at("Trần Thị Cúc", "Trường THCS Lê Lợi."), at("Trần Thị Cúc", "Trường THCS Lê-Lợi"), "Trường THCS Lê-Lợi"},
		{"another school", at("Trần Thị Cúc", school), at("Trần Thị Cúc", other), ""},
		{"another given name", at("Trần Thị Cúc", school), at("Trần Thị Mai", school), ""},
		{"a phone tells them", withPhone, at("Trần Thị Cúc", school), ""},
		{"working nowhere", at("Trần Thị Cúc"), at("Trần Thị Cúc"), ""},
		{"a link that is no workplace", at("Trần Thị Cúc", school), parent, ""},
	} {
		where, ok := ProbablySamePerson(c.p, c.q)
		if ok != (c.where != "") || where != c.where {
			t.Errorf("%s: %q, %v; want %q", c.name, where, ok, c.where)
		}
	}
}

func TestAnOrganisationWithoutKeysIsProbablyANamesakeInTheSameProvinceOrWhereOneHasNone(t *testing.T) {
	in := func(name, province string) Organisation {
		return Organisation{Name: name, Province: province, CurrentProvince: province}
	}
	withCode := in("Trường Mầm non Sen Hồng", "Hà Tĩnh")
	withCode.TaxCode = "3001234567"
	for _, c := range []struct {
		name string
		o, q Organisation
		want bool
	}{
		{"same name and province", in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), true},
		{"case and diacritics", in("TRUONG MAM NON  SEN HONG", "Hà Tĩnh"), in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), true},
		{"a full stop", in("Trường Mầm non Sen Hồng.", "Hà Tĩnh"), in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), true},
		{"punctuation and spaces", in("Trường Mầm non (Sen Hồng) ", "Hà Tĩnh"), in("Trường  Mầm non - Sen Hồng", "Hà Tĩnh"), true},
		{"another province", in("Trường Mầm non Sen Hồng", "Nghệ An"), in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), false},
		{"another name", in("Trường Mầm non Hoa Mai", "Hà Tĩnh"), in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), false},
		{"neither has a province", in("Trường Mầm non Sen Hồng", ""), in("Trường Mầm non Sen Hồng", ""), true},
		{"no province, beside one with", in("Trường Mầm non Sen Hồng", ""), in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), true},
		{"a province, beside one without", in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), in("Trường Mầm non Sen Hồng", ""), true},
		{"no province, another name", in("Trường Mầm non Hoa Mai", ""), in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), false},
		{"a tax code tells them", withCode, in("Trường Mầm non Sen Hồng", "Hà Tĩnh"), false},
	} {
		if got := ProbablySameOrganisation(c.o, c.q); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestWorkplacesAreTheWorksAtLinksInOrder(t *testing.T) {
	p := Person{Relationships: []Relationship{{Kind: RelWorksAt, PartyID: "a"}, {Kind: RelParentOf, PartyID: "c"}, {Kind: RelWorksAt, PartyID: "b"}}}
	if got := p.Workplaces(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("workplaces %v", got)
	}
	if got := (Person{}).Workplaces(); got != nil {
		t.Errorf("no links: %v", got)
	}
}

// An edit is compared only for what it changes: a pair that matched
// before it stays allowed, and an edit that changes nothing the rule
// reads is not compared at all.
func TestAnEditIsProbablyADuplicateOnlyOfThePartiesItNewlyMatches(t *testing.T) {
	const school, other = "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f20", "0190a3c2-6b1e-7c4d-9a2f-3e5b7d9c1f21"
	at := func(name, org string, phones ...string) Person {
		p := Person{FullName: name, Phones: phones}
		if org != "" {
			p.Relationships = []Relationship{{Kind: RelWorksAt, PartyID: org}}
		}
		return p
	}
	cuc := at("Trần Thị Cúc", school)
	for _, c := range []struct {
		name          string
		before, after Person
		again, makes  bool
	}{
		{"renamed into her name", at("Trần Thị Mai", school), at("Trần T. Cúc", school), true, true},
		{"moved to her school", at("Trần Thị Cúc", other), at("Trần Thị Cúc", school), true, true},
		{"her phone removed", at("Trần Thị Cúc", school, "+84912000111"), at("Trần Thị Cúc", school), true, true},
		{"already her namesake, tags changed", at("Trần Thị Cúc", school), at("Trần Thị Cúc", school), false, false},
		{"already her namesake, renamed as abbreviated", at("Trần Thị Cúc", school), at("Trần T. Cúc", school), true, false},
		{"renamed, but a phone tells her", at("Trần Thị Mai", school, "+84912000111"), at("Trần Thị Cúc", school, "+84912000111"), false, false},
		{"renamed, working nowhere", at("Trần Thị Mai", ""), at("Trần Thị Cúc", ""), false, false},
		{"renamed away from her name", at("Trần Thị Cúc", school), at("Trần Thị Mai", school), true, false},
	} {
		if got := PersonComparedAgain(c.before, c.after); got != c.again {
			t.Errorf("%s: compared again %v, want %v", c.name, got, c.again)
		}
		if got := EditMakesProbablySamePerson(c.before, c.after, cuc); got != c.makes {
			t.Errorf("%s: makes a probable duplicate %v, want %v", c.name, got, c.makes)
		}
	}

	in := func(name, province string, code string) Organisation {
		return Organisation{Name: name, Province: province, CurrentProvince: province, TaxCode: code}
	}
	senHong := in("Trường Mầm non Sen Hồng", "Hà Tĩnh", "")
	for _, c := range []struct {
		name          string
		before, after Organisation
		again, makes  bool
	}{
		{"renamed into its name", in("Trường Mầm non Hoa Mai", "Hà Tĩnh", ""), in("Trường Mầm non Sen Hồng", "Hà Tĩnh", ""), true, true},
		{"moved into its province", in("Trường Mầm non Sen Hồng", "Nghệ An", ""), in("Trường Mầm non Sen Hồng", "Hà Tĩnh", ""), true, true},
		{"its province removed", in("Trường Mầm non Sen Hồng", "Nghệ An", ""), in("Trường Mầm non Sen Hồng", "", ""), true, true},
		{"its tax code removed", in("Trường Mầm non Sen Hồng", "Hà Tĩnh", "3001234567"), in("Trường Mầm non Sen Hồng", "Hà Tĩnh", ""), true, true},
		{"already its namesake, tags changed", in("Trường Mầm non Sen Hồng", "", ""), in("Trường Mầm non Sen Hồng", "", ""), false, false},
		{"already its namesake, province given", in("Trường Mầm non Sen Hồng", "", ""), in("Trường Mầm non Sen Hồng", "Hà Tĩnh", ""), true, false},
		{"renamed, but a tax code tells it", in("Trường Mầm non Hoa Mai", "Hà Tĩnh", "3001234567"), in("Trường Mầm non Sen Hồng", "Hà Tĩnh", "3001234567"), false, false},
		{"renamed in another province", in("Trường Mầm non Hoa Mai", "Nghệ An", ""), in("Trường Mầm non Sen Hồng", "Nghệ An", ""), true, false},
	} {
		if got := OrganisationComparedAgain(c.before, c.after); got != c.again {
			t.Errorf("%s: compared again %v, want %v", c.name, got, c.again)
		}
		if got := EditMakesProbablySameOrganisation(c.before, c.after, senHong); got != c.makes {
			t.Errorf("%s: makes a probable duplicate %v, want %v", c.name, got, c.makes)
		}
	}
}
