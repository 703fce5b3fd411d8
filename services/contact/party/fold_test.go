package party

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// vowels lists every Vietnamese vowel with no tone, then grave, acute, hook
// above, tilde and dot below, in lower and upper case.
var vowels = []struct {
	base  string
	forms string
}{
	{"a", "aàáảãạ"}, {"a", "ăằắẳẵặ"}, {"a", "âầấẩẫậ"},
	{"e", "eèéẻẽẹ"}, {"e", "êềếểễệ"},
	{"i", "iìíỉĩị"},
	{"o", "oòóỏõọ"}, {"o", "ôồốổỗộ"}, {"o", "ơờớởỡợ"},
	{"u", "uùúủũụ"}, {"u", "ưừứửữự"},
	{"y", "yỳýỷỹỵ"},
	{"a", "AÀÁẢÃẠ"}, {"a", "ĂẰẮẲẴẶ"}, {"a", "ÂẦẤẨẪẬ"},
	{"e", "EÈÉẺẼẸ"}, {"e", "ÊỀẾỂỄỆ"},
	{"i", "IÌÍỈĨỊ"},
	{"o", "OÒÓỎÕỌ"}, {"o", "ÔỒỐỔỖỘ"}, {"o", "ƠỜỚỞỠỢ"},
	{"u", "UÙÚỦŨỤ"}, {"u", "ƯỪỨỬỮỰ"},
	{"y", "YỲÝỶỸỴ"},
}

func TestEveryVietnameseVowelWithEveryToneFoldsToItsBaseLetter(t *testing.T) {
	for _, v := range vowels {
		forms := []rune(v.forms)
		if len(forms) != 6 {
			t.Fatalf("table row %q must hold 6 forms, has %d", v.forms, len(forms))
		}
		for _, r := range forms {
			for _, in := range []string{string(r), norm.NFD.String(string(r))} {
				if got := Fold(in); got != v.base {
					t.Errorf("Fold(%q) = %q, want %q", in, got, v.base)
				}
			}
		}
	}
}

func TestFoldIgnoresDiacriticsCaseAndExtraSpace(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"full name with d-stroke", "Nguyễn Văn Ánh Đào", "nguyen van anh dao"},
		{"lower d-stroke", "đường", "duong"},
		{"already plain", "nguyen van a", "nguyen van a"},
		{"runs of spaces and tabs", "  Trần\t Thị   Bích  ", "tran thi bich"},
		{"decomposed input", norm.NFD.String("Phạm Thị Hường"), "pham thi huong"},
		{"digits and punctuation kept", "Trường THCS số 2, Q.1", "truong thcs so 2, q.1"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSameNameAllowsInitialsAndLeftOutMiddleNamesButNotAnotherGivenName(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Trần Thị Mai", "tran thi mai", true},
		{"Trần T. Mai", "Trần Thị Mai", true},
		{"Trần Thị Mai", "Trần T.Mai", true},
		{"Đ. Văn Tâm", "Đỗ Văn Tâm", true},
		{"Nguyễn V. A. Đào", "Nguyễn Văn Ánh Đào", true},
		{"Trần Thị M.", "Trần Thị Mai", false},  // the given name cut
		{"Trần Thị Lan", "Trần Thị Mai", false}, // another given name
		{"Trần H. Mai", "Trần Thị Mai", false},  // another initial
		{"Trần Mai", "Trần Thị Mai", true},      // a middle name left out
		{"Nguyễn Lan", "Nguyễn Thị Ngọc Lan", true},
		{"Nguyễn Ngọc Lan", "Nguyễn Thị Ngọc Lan", true},
		{"Nguyễn T. Lan", "Nguyễn Thị Ngọc Lan", true},
		{"Nguyễn N. Lan", "Nguyễn Thị Ngọc Lan", true},
		{"Nguyễn Hồng Lan", "Nguyễn Thị Ngọc Lan", false},     // a middle name neither has
		{"Nguyễn Ngọc Thị Lan", "Nguyễn Thị Ngọc Lan", false}, // another order
		{"Nguyễn Ngọc Thị Lan", "Nguyễn Thị Lan", true},       // Ngọc left out
		{"Nguyễn Ngọc Thị Lan", "Nguyễn Thị Hồng Ngọc Lan", false},
		{"Thị Mai", "Trần Thị Mai", false},  // the family name left out
		{"Trần Thị", "Trần Thị Mai", false}, // the given name left out
		{"Mai", "Trần Thị Mai", false},
		{"Trần M.", "Trần Thị Mai", false},
		{"T. Mai", "Trần Thị Mai", false}, // the family name cut, and a name left out
		{"T. Thị Mai", "Trần Thị Mai", true},
		{"Trần Th. Mai", "Trần Thị Mai", true},
		{"Trần T Mai", "Trần Thị Mai", true},
		{"Trần Th Mai", "Trần Thị Mai", false},  // no dot: another word
		{"Trần Tr. Mai", "Trần Thị Mai", false}, // another cut
		{"Trần T. Mai", "Trần Th. Mai", false},  // two cuts: nothing to compare
		{"Trần Thị. Mai", "Trần Thị Mai", true},
		{"Trần Thị M.", "trần thị m.", true},      // written the same
		{"Trần Thị Mai.", "Trần Thị Mai", true},   // a full stop typed after the name
		{"Trần Thị Mai.", "Trần Thị Maiy", false}, // a given name cut, or not
		{"Trần Văn Bình,", "Trần  Văn  Bình", true},
		{"Trần-Văn Bình", "Trần Văn Bình", true},
		{"Trần T., Mai", "Trần Thị Mai", true},
		{"", "", false},
		{"Mai", "", false},
	}
	for _, tt := range tests {
		if tt.want && GivenName(tt.a) != GivenName(tt.b) {
			t.Errorf("GivenName(%q) = %q and GivenName(%q) = %q: names SameName takes for one must share it", tt.a, GivenName(tt.a), tt.b, GivenName(tt.b))
		}
		if got := SameName(tt.a, tt.b); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameName(tt.b, tt.a); got != tt.want {
			t.Errorf("SameName(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestGivenNameIsTheLastWordFolded(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn Văn Ánh Đào": "dao", "Trần T.Mai": "mai", "  Trần Thị Mai. ": "mai", "Mai": "mai", "": "", ".": "",
		"Trần Văn Bình,": "binh", "Nguyễn Mai-Anh": "anh", "Lê (Hoa)": "hoa",
	} {
		if got := GivenName(in); got != want {
			t.Errorf("GivenName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNameKeyReadsPunctuationAsSpace(t *testing.T) {
	for in, want := range map[string]string{
		"Trường THCS Dup.":          "truong thcs dup",
		"Trường THCS số 2, Q.1":     "truong thcs so 2 q 1",
		"  Trần  Văn Bình… ":        "tran van binh",
		"Trường “Hoa Sen” – Hà Nội": "truong hoa sen ha noi",
		"H'Hen Niê":                 "h hen nie",
		"...":                       "",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}
