package party

import (
	"reflect"
	"testing"
)

func TestASearchTextIsReadAsWhatItCanBe(t *testing.T) {
	name := SearchText{Name: true}
	end := func(digits, zalo string) SearchText { return SearchText{PhoneEnd: digits, ZaloID: zalo, Name: true} }
	cases := []struct {
		q    string
		want SearchText
	}{
		{"", name},
		{"  ", name},
		{"nguyen van an", name},
		{"dang", name},
		{"ho xuan vy 1234", name},
		// The end of a phone: 4 to 8 digits, however written; one word
		// of them may be a Zalo id too.
		{"4567", end("4567", "4567")},
		{"...4567", end("4567", "...4567")},
		{"…4567", end("4567", "…4567")},
		{"*4567", end("4567", "*4567")},
		{" 45 67 ", end("4567", "")},
		{"45-67", end("4567", "45-67")},
		{"12.34.56.78", end("12345678", "12.34.56.78")},
		// Seven digits are a budget-unit code too, which no name is.
		{"1234567", SearchText{Keys: []Key{{KeyTaxCode, "1234567"}}, PhoneEnd: "1234567", ZaloID: "1234567"}},
		{"123-4567", SearchText{Keys: []Key{{KeyTaxCode, "1234567"}}, PhoneEnd: "1234567", ZaloID: "123-4567"}},
		// Fewer than 4 digits are a name only.
		{"567", name},
		{"...567", name},
		{"*567", name},
		// Nine digits or more are no end: a whole phone, or a Zalo id.
		{"123456789", SearchText{ZaloID: "123456789", Name: true}},
		{"0912 345 678", SearchText{Keys: []Key{{KeyPhone, "+84912345678"}, {KeyTaxCode, "0912345678"}}}},
		{"0912345678", SearchText{Keys: []Key{{KeyPhone, "+84912345678"}, {KeyTaxCode, "0912345678"}}, ZaloID: "0912345678"}},
		// A phone written with dots is not a domain.
		{"0912.345.678", SearchText{Keys: []Key{{KeyPhone, "+84912345678"}, {KeyTaxCode, "0912345678"}}, ZaloID: "0912.345.678"}},
		// A Zalo id is one word of 4 digits or more.
		{"4567a", SearchText{ZaloID: "4567a", Name: true}},
		{"zalo123", name},
		{"5836473829104756321", SearchText{ZaloID: "5836473829104756321", Name: true}},
		// An email domain, with "@" (no name) or bare (a name too), whole.
		{"@TruongABC.edu.vn", SearchText{EmailDomain: "truongabc.edu.vn"}},
		{"truongabc.edu.vn", SearchText{EmailDomain: "truongabc.edu.vn", Name: true}},
		{" TruongABC.Edu.VN ", SearchText{EmailDomain: "truongabc.edu.vn", Name: true}},
		{"edu.vn", SearchText{EmailDomain: "edu.vn", Name: true}},
		{"zl.mai1988", SearchText{EmailDomain: "zl.mai1988", ZaloID: "zl.mai1988", Name: true}},
		{"An@TruongABC.edu.vn", SearchText{Keys: []Key{{KeyEmail, "an@truongabc.edu.vn"}}}},
		{"truong abc.edu.vn", name},
		{"truong-.edu.vn", name},
		{"abc.", name},
		{"@", name},
		{"@localhost", name},
	}
	for _, c := range cases {
		if got := ReadSearch(c.q); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ReadSearch(%q) = %+v, want %+v", c.q, got, c.want)
		}
	}
}
