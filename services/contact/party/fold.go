package party

import (
	"strings"
	"unicode"

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
