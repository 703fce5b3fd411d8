package party

import (
	"slices"
	"testing"
)

func TestKeysOfValidAreTheKeysOfTheValidValues(t *testing.T) {
	phones := []string{"0912 345 678", "12345", "+84 912 345 678"}
	emails := []string{"An@X.vn", "an@"}
	got := KeysOfValid(phones, emails, " 0101.234.567 ")
	o, err := NewOrganisation(Organisation{Name: "Trường A", Kinds: []Kind{KindSchool}, Phones: []string{"0912 345 678", "+84 912 345 678"},
		Emails: []string{"An@X.vn"}, TaxCode: " 0101.234.567 "}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := o.DuplicateKeys(); !slices.Equal(got, want) {
		t.Errorf("KeysOfValid = %v, want the keys of the valid values %v", got, want)
	}
	if got := KeysOfValid(nil, nil, "12345"); len(got) != 0 {
		t.Errorf("an invalid tax code gave keys %v", got)
	}
}
