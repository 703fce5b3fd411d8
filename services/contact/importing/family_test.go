package importing

import (
	"time"

	"iter"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// classList is a school's class list: a student per row, the parents beside.
var classList = []string{"Họ và tên", "Ngày sinh", "SĐT", "Họ tên cha", "SĐT cha", "Họ tên mẹ", "SĐT mẹ", "Email mẹ"}

func classRows(cells ...[]string) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for i, values := range cells {
			row := Row{Line: i + 2, Headers: classList}
			for j, v := range values {
				if v != "" {
					row.Cells = append(row.Cells, Cell{classList[j], v})
				}
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

// familiesOf reads a class list's rows as an import does, and returns the
// families they name.
func familiesOf(t *testing.T, rows ...[]string) *Families {
	t.Helper()
	refs, err := ReadFile(classRows(rows...), NewChecker(Options{Received: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}), People)
	if err != nil {
		t.Fatal(err)
	}
	return refs.Families
}

func TestBrothersAndSistersShareTheParentsTheirRowsName(t *testing.T) {
	f := familiesOf(t,
		[]string{"Lê Minh An", "02/03/2015", "", "Lê V. Bình", "0912 000 111", "Phạm Thị Cúc", "0987000222", ""},
		// Her brother: the father's phone written another way, the mother
		// named without diacritics and with her email.
		[]string{"Lê Minh Châu", "05/09/2017", "", "", "+84912000111", "pham thi cuc", "0987 000 222", "cuc@gmail.com"},
		// Their sister: the father's middle name spelt out, the mother's cut.
		[]string{"Lê Minh Thư", "05/09/2019", "", "Lê Văn Bình", "0912000111", "Phạm T. Cúc", "0987000222", ""},
		// The youngest: the father's middle name left out.
		[]string{"Lê Minh Khoa", "01/06/2021", "", "Lê Bình", "0912000111", "", "", ""},
		[]string{"Trần Gia Huy", "01/01/2016", "", "", "", "Ngô Thị Mai", "0903000333", ""},
	)
	if len(f.Parents) != 3 {
		t.Fatalf("%d parents, want 3: %+v", len(f.Parents), f.Parents)
	}
	father, mother := f.Parents[0], f.Parents[1]
	if father.Name != "Lê Văn Bình" || strings.Join(father.Phones(), ",") != "+84912000111" || len(father.Children) != 4 ||
		father.Children[1] != (Child{Line: 3, Kind: party.RelParentOf, Column: "Họ tên cha", Who: "the father"}) {
		t.Errorf("father = %+v", father)
	}
	if mother.Name != "Phạm Thị Cúc" || strings.Join(mother.Emails(), ",") != "cuc@gmail.com" || len(mother.Children) != 3 ||
		mother.Children[0].Column != "Họ tên mẹ" {
		t.Errorf("mother = %+v", mother)
	}
	if got := f.Of(6); len(got) != 1 || got[0].Name != "Ngô Thị Mai" {
		t.Errorf("row 6's parents = %+v", got)
	}
	for line := 2; line <= 6; line++ {
		if p := f.Problems(line); p != nil {
			t.Errorf("row %d: %+v", line, p)
		}
	}
}

func TestRowsContradictingTheParentsOfOtherRowsAreRefused(t *testing.T) {
	f := familiesOf(t,
		[]string{"Lê Minh An", "", "", "Lê Văn Bình", "0912000111", "Phạm Thị Cúc", "0987000222", ""},
		[]string{"Đỗ Hải", "", "", "Đỗ Văn Tâm", "0912000111", "", "", ""},             // another father, same phone
		[]string{"Vũ Lan", "", "", "", "", "Vũ Thị Hà", "0912000111", "cuc@gmail.com"}, // the father's phone as a mother's
		[]string{"Hồ Nam", "", "0977000444", "", "", "", "", ""},                       // a person of the file
		[]string{"Hồ Bắc", "", "", "Hồ Văn Sơn", "0977000444", "", "", ""},             // whose phone is given to another father
		[]string{"Mai Anh", "", "", "", "", "", "0987000222 / 0912000111", ""},         // two parents' phones as one's
	)
	want := map[int]string{
		3: "names the father Đỗ Văn Tâm, whose phone +84912000111 row 2 gives as Lê Văn Bình's",
		4: "names the mother Vũ Thị Hà, whose phone +84912000111 row 2 gives as Lê Văn Bình's",
		6: "names the father Hồ Văn Sơn, whose phone +84977000444 row 5 gives its own person, Hồ Nam: a phone identifies one person",
		7: "gives the mother the phones or emails of two people: +84987000222 is the one row 2 names, +84912000111 the one row 2 names",
	}
	for line, msg := range want {
		if p := f.Problems(line); len(p) != 1 || !strings.Contains(p[0].Message, msg) {
			t.Errorf("row %d: %+v, want %q", line, p, msg)
		}
	}
	if got := f.Of(3); got != nil {
		t.Errorf("a refused parent is still row 3's: %+v", got)
	}
	if n := len(f.Parents[0].Children); n != 1 {
		t.Errorf("the father has %d children, want 1", n)
	}
}

// A parent may be a row of the file: the phone that row gives its own
// person names them, as a stored person's would.
func TestAParentMayBeARowOfTheFile(t *testing.T) {
	f := familiesOf(t,
		[]string{"Lê Văn Bình", "", "0912000111", "", "", "", "", ""},
		[]string{"Lê Minh An", "", "", "Lê V. Bình", "0912000111", "", "", ""},
		[]string{"Lê Minh Châu", "", "", "", "0912 000 111", "", "", ""}, // no name: row 2's
		[]string{"Ngô Tú", "", "", "", "0912000111 / 0977000444", "", "", ""},
		[]string{"Hồ Nam", "", "0977000444", "", "", "", "", ""},
		[]string{"Đặng Thị Hoa", "", "0988000555", "", "", "", "", ""},
		[]string{"Phan An", "", "", "", "", "", "0988000555 / 0966000666", ""},  // row 7, by her phone and another
		[]string{"Phan Bảo", "", "", "", "", "", "0966000666 / 0977000444", ""}, // that other, and row 6's
		[]string{"Trịnh Tâm", "", "", "", "", "Trịnh Thị Vân", "0955000777", ""},
		[]string{"Trịnh Lâm", "", "", "", "", "", "0955000777 / 0977000444", ""}, // row 10's mother, and row 6's phone
	)
	if len(f.Parents) != 3 {
		t.Fatalf("%d parents, want 3: %+v", len(f.Parents), f.Parents)
	}
	if p := f.Parents[0]; p.Name != "Lê Văn Bình" || p.Row != 2 || len(p.Children) != 2 || p.Children[0].Line != 3 || p.Children[1].Line != 4 {
		t.Errorf("father = %+v", p)
	}
	if p := f.Parents[1]; p.Name != "Đặng Thị Hoa" || p.Row != 7 || len(p.Children) != 1 || p.Children[0].Line != 8 {
		t.Errorf("row 7's person as a mother = %+v", p)
	}
	for _, line := range []int{2, 3, 4, 6, 7, 8, 10} {
		if p := f.Problems(line); p != nil {
			t.Errorf("row %d: %+v", line, p)
		}
	}
	for line, msg := range map[int]string{
		5:  "gives the father the phones or emails of two people: +84912000111 is row 2's own, +84977000444 row 6's",
		9:  "gives the mother the phones or emails of two people: +84977000444 is row 6's own, +84966000666 the one of row 8's parent, row 7's own",
		11: "names the mother Trịnh Thị Vân, whose phone +84977000444 row 6 gives its own person, Hồ Nam",
	} {
		if p := f.Problems(line); len(p) != 1 || !strings.Contains(p[0].Message, msg) {
			t.Errorf("row %d: %+v, want %q", line, p, msg)
		}
	}
}

func TestAParentIsCheckedOnTheRowNamingThem(t *testing.T) {
	c := NewChecker(Options{Received: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)})
	tests := []struct {
		cells  []string
		column string
		want   string
	}{
		{[]string{"Lê An", "", "", "Lê Bình", "", "", "", ""}, "Họ tên cha", "names the father without a phone or an email: add one"},
		{[]string{"Lê An", "", "0912000111", "Lê Bình", "", "", "", ""}, "Họ tên cha", `or, if the phone under "SĐT" is theirs, map that column to father_phone`},
		{[]string{"Lê An", "", "", "Lê Bình", "0912", "", "", ""}, "SĐT cha", `holds "0912", which is not a valid phone number`},
		{[]string{"Lê An", "", "", "", "", "Cúc", "0987000222", "cuc@"}, "Email mẹ", `holds "cuc@", which is not a valid email address`},
		{[]string{"Lê An", "", "0912000111", "Lê Bình", "0912 000 111", "", "", ""}, "SĐT cha", `which the row gives its own person too ("SĐT")`},
		{[]string{"Lê An", "", "", "Lê Bình", "0912000111", "Cúc", "0912000111", ""}, "SĐT mẹ", "which the row gives another parent too"},
	}
	for _, tt := range tests {
		for row := range classRows(tt.cells) {
			_, problems := c.Person(row)
			if len(problems) != 1 || problems[0].Column != tt.column || !strings.Contains(problems[0].Message, tt.want) {
				t.Errorf("%q: problems %+v, want one under %q saying %q", tt.cells, problems, tt.column, tt.want)
			}
		}
	}
}

func TestAParentIsMatchedToTheStoredPersonHoldingTheirPhone(t *testing.T) {
	cuc := &Parent{Name: "Phạm Thị Cúc", Keys: []party.Key{{Type: party.KeyPhone, Value: "+84987000222"}}}
	unnamed := &Parent{Keys: cuc.Keys}
	tests := []struct {
		p      *Parent
		stored []StoredPerson
		id     string
		why    string
	}{
		{cuc, nil, "", ""}, // to be created
		{unnamed, nil, "", "no stored person has the phone +84987000222, and no row gives their name"},
		{cuc, []StoredPerson{{"p1", "PHẠM THỊ CÚC"}}, "p1", ""},
		{&Parent{Name: "Phạm T. Cúc", Keys: cuc.Keys}, []StoredPerson{{"p1", "Phạm Thị Cúc"}}, "p1", ""},
		{cuc, []StoredPerson{{"p1", "Phạm Cúc"}}, "p1", ""}, // stored with the middle name left out
		{cuc, []StoredPerson{{"p1", "Phạm H. Cúc"}}, "", "is Phạm H. Cúc (p1), not Phạm Thị Cúc"},
		{unnamed, []StoredPerson{{"p1", "Phạm Thị Cúc"}}, "p1", ""},
		{cuc, []StoredPerson{{"p1", "Phạm Thị Cúc Hoa"}}, "", "is Phạm Thị Cúc Hoa (p1), not Phạm Thị Cúc: correct the name or the phone"},
		{cuc, []StoredPerson{{"p1", "Phạm Thị Cúc"}, {"p2", "Phạm Cúc"}}, "", "held by 2 stored people, Phạm Thị Cúc (p1), Phạm Cúc (p2): merge them first"},
	}
	for _, tt := range tests {
		id, why := tt.p.Match(tt.stored)
		if id != tt.id || (tt.why == "") != (why == "") || !strings.Contains(why, tt.why) {
			t.Errorf("%q among %v: %q, %q; want %q, %q", tt.p.Name, tt.stored, id, why, tt.id, tt.why)
		}
	}
}
