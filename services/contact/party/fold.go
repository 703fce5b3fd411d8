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
// be cut to its initial or to a few letters and a dot ("Trần T. Mai",
// "Trần Th. Mai", "Trần T.Mai" for "Trần Thị Mai"). The given name, the
// last word, by which people are addressed, must be spelt out in both:
// "Trần Thị M." names nobody for sure (unless written the same in both).
func SameName(a, b string) bool {
	if f := Fold(a); f != "" && f == Fold(b) {
		return true
	}
	wa, wb := nameWords(a), nameWords(b)
	if len(wa) == 0 || len(wa) != len(wb) {
		return false
	}
	last := len(wa) - 1
	for i, x := range wa {
		y := wb[i]
		if i == last && (x.dotted || y.dotted || !x.is(y)) || !x.is(y) && !x.cuts(y) && !y.cuts(x) {
			return false
		}
	}
	return true
}

// nameWord is a folded word of a name, and whether a dot ended it.
type nameWord struct {
	text   string
	dotted bool
}

func nameWords(s string) []nameWord {
	var out []nameWord
	for _, f := range strings.Fields(Fold(s)) {
		for part := range strings.SplitAfterSeq(f, ".") {
			if text := strings.TrimSuffix(part, "."); text != "" {
				out = append(out, nameWord{text, text != part})
			}
		}
	}
	return out
}

func (w nameWord) is(v nameWord) bool { return w.text == v.text }

// cuts says whether w is v cut short: an initial, or letters and a dot.
func (w nameWord) cuts(v nameWord) bool {
	short := w.dotted || utf8.RuneCountInString(w.text) == 1
	return short && !v.dotted && len(v.text) > len(w.text) && strings.HasPrefix(v.text, w.text)
}
