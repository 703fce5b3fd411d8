package importing

import (
	"time"

	"strings"
	"testing"
)

// checkClassList checks a class list's rows in file order, as an import
// does once the file's families are read, and returns each row's problems.
func checkClassList(t *testing.T, rows ...[]string) map[int][]Problem {
	t.Helper()
	opts := Options{Received: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	refs, err := ReadFile(classRows(rows...), NewChecker(opts), People)
	if err != nil {
		t.Fatal(err)
	}
	opts.Families = refs.Families
	c := NewChecker(opts)
	out := map[int][]Problem{}
	for row := range classRows(rows...) {
		if _, problems := c.Person(row); len(problems) > 0 {
			out[row.Line] = problems
		}
	}
	return out
}

func TestAStudentNamedAgainBesideTheSameParentIsTheSameChild(t *testing.T) {
	got := checkClassList(t,
		[]string{"Lê Minh An", "02/03/2015", "", "Lê Văn Bình", "0912000111", "Phạm Thị Cúc", "0987000222", ""},
		[]string{"Lê Minh Châu", "05/09/2017", "", "Lê Văn Bình", "0912000111", "Phạm Thị Cúc", "0987000222", ""}, // her brother
		[]string{"le minh an", "", "", "", "0912 000 111", "", "", ""},                                            // row 2 again, on the father's side
		[]string{"Lê An", "", "", "", "", "", "", "cuc@gmail.com"},                                                // a mother row 2 does not name: another child, all the file tells
		[]string{"Lê An", "", "", "", "", "", "0987000222", ""},                                                   // the middle name left out, the mother's side
		[]string{"Lê Minh An", "", "", "", "", "Ngô Thị Mai", "0903000333", ""},                                   // another mother's child of that name
		[]string{"Lê Minh An", "", "", "", "0912000111", "Ngô Thị Mai", "0903000333", ""},                         // row 2's, naming a mother row 2 does not
		[]string{"Trần Bảo", "31/02/2015", "", "", "", "Ngô Thị Mai", "0903000333", ""},                           // refused for its birthday
		[]string{"Trần Bảo", "", "", "", "", "Ngô Thị Mai", "0903000333", ""},                                     // so this one is the first
		[]string{"Lê Minh An", "31/02/2015", "", "", "0912000111", "", "", ""},                                    // refused, and row 2 again
		[]string{"Lê Minh Anh", "", "", "", "0912000111", "", "", ""},                                             // another given name
	)
	first := "same student as row 2 (Lê Minh An), named beside the same father (+84912000111): a child is imported once, so this row is not"
	want := map[int][]struct {
		column, message string
		duplicateOf     int
	}{
		4: {{"Họ và tên", first, 2}},
		6: {{"Họ và tên", "same student as row 2 (Lê Minh An), named beside the same mother (+84987000222)", 2}},
		8: {{"Họ và tên", first + "; if they are two children, write each one's full name. It also names the mother Ngô Thị Mai (+84903000333), " +
			"left unlinked as the row is not imported: add them to row 2 to link them", 2}},
		9:  {{"Ngày sinh", "", 0}},
		11: {{"Ngày sinh", "", 0}, {"Họ và tên", first, 2}},
	}
	for line := 2; line <= 12; line++ {
		problems, w := got[line], want[line]
		if len(problems) != len(w) {
			t.Errorf("row %d: %+v, want %d problems", line, problems, len(w))
			continue
		}
		for i, p := range problems {
			if p.Column != w[i].column || !strings.Contains(p.Message, w[i].message) || p.DuplicateOfRow != w[i].duplicateOf {
				t.Errorf("row %d: %+v, want under %q %q, a duplicate of row %d", line, p, w[i].column, w[i].message, w[i].duplicateOf)
			}
		}
	}
}

func TestAStoredChildOfTheParentUnderTheSameNameIsTheStudent(t *testing.T) {
	children := []StoredChild{{"c1", "Lê Minh Châu"}, {"c2", "Lê Minh An"}, {"c3", "Lê Văn An"}}
	for name, want := range map[string]string{
		"LE MINH AN":   "c2",
		"Lê M. An":     "c2",
		"Lê An":        "c2", // the first of the same name: a middle name left out
		"Lê Văn An":    "c3",
		"Lê Minh Anh":  "",
		"Lê Minh":      "",
		"Phạm Minh An": "",
	} {
		got, ok := StoredStudent(name, children)
		if ok != (want != "") || got.ID != want {
			t.Errorf("StoredStudent(%q) = %+v, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := StoredStudent("Lê Minh An", nil); ok {
		t.Error("a parent with no children has the student")
	}
}
