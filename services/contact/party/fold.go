package party

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s, strips Vietnamese diacritics (đ and Đ included) and
// collapses runs of white space, so "Nguyễn  Văn Ánh Đào" and "nguyen van anh dao"
// compare equal. Search keys and tolerant lookups are built from it.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// Tone marks and the breve, circumflex and horn decompose to
			// combining marks; dropping them leaves the base letter.
			continue
		case r == 'đ' || r == 'Đ':
			// đ is a letter of its own, not d plus a mark, so NFD keeps it.
			r = 'd'
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// SameName says whether a and b can name one person, as staff write names
// in forms: the same words once folded, where a middle or family name may
// be cut to its initial ("Trần T. Mai", "Trần T.Mai" for "Trần Thị Mai").
// The given name, the last word, by which people are addressed, must be
// spelt out in both: "Trần Thị M." names nobody for sure.
func SameName(a, b string) bool {
	wa, wb := nameWords(a), nameWords(b)
	if len(wa) == 0 || len(wa) != len(wb) || wa[len(wa)-1] != wb[len(wb)-1] {
		return false
	}
	for i, x := range wa {
		y := wb[i]
		if x != y && !initialOf(x, y) && !initialOf(y, x) {
			return false
		}
	}
	return true
}

// nameWords are the folded words of a name, a dot ending a word.
func nameWords(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return r == ' ' || r == '.' })
}

// initialOf says whether i is the initial of word w.
func initialOf(i, w string) bool {
	return utf8.RuneCountInString(i) == 1 && len(w) > len(i) && strings.HasPrefix(w, i)
}
