package party

import (
	"slices"
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

// namePunctuation are the characters NameKey reads as a space: ASCII's
// punctuation and symbols, which Postgres's [[:punct:]] matches in the "C"
// collation search names are stored under, and the typographic ones a word
// processor puts in names. The SQL function party_name_key (migration
// 00039) reads the same set, so a stored name is looked up by the key Go
// gives the name asked.
const namePunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’–—…·"

// NameKey is a name as the probable-duplicate checks compare it
// (ProbablySamePerson, ProbablySameOrganisation): Fold, with punctuation
// read as a space and the spaces then collapsed, so "Trường THCS Dup." and
// "Trường THCS Dup", or "Trần Văn Bình." and "Trần Văn Bình", have one
// key ("truong thcs dup"). A stray full stop or comma typed into a list
// made a second school, unseen. Search keeps punctuation (Fold alone).
func NameKey(s string) string {
	return strings.Join(strings.FieldsFunc(Fold(s), func(r rune) bool {
		return r == ' ' || strings.ContainsRune(namePunctuation, r)
	}), " ")
}

// SameName says whether a and b can name one person, as staff write names
// in forms: the same words once folded, where a middle or family name may
// be cut to its initial or to a few letters and a dot ("Trần T. Mai",
// "Trần Th. Mai", "Trần T.Mai" for "Trần Thị Mai"), or middle names left
// out ("Trần Mai", "Nguyễn Ngọc Lan" for "Nguyễn Thị Ngọc Lan"). The
// family name, the first word, and the given name, the last, by which
// people are addressed, are in both, written the same where middle names
// are left out, and the given name is spelt out in both: "Trần Thị M." names nobody for sure (unless written the same in
// both), nor does "Mai" alone.
func SameName(a, b string) bool {
	if k := NameKey(a); k != "" && k == NameKey(b) {
		return true // written the same but for case, diacritics and punctuation
	}
	short, long := nameWords(a), nameWords(b)
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(short) < 2 {
		return false
	}
	first, last := short[0], short[len(short)-1]
	if len(short) < len(long) && !first.is(long[0]) {
		return false // "T. Mai" is too little to go on
	}
	if !first.names(long[0]) || last.dotted || long[len(long)-1].dotted || !last.is(long[len(long)-1]) {
		return false
	}
	// Each middle word of the shorter names the next middle word of the
	// longer it can, in order; the longer's others are the ones left out.
	middle := long[1 : len(long)-1]
	for _, w := range short[1 : len(short)-1] {
		i := slices.IndexFunc(middle, w.names)
		if i < 0 {
			return false
		}
		middle = middle[i+1:]
	}
	return true
}

// GivenName returns the given name of s, folded: the last word, which two
// names SameName tells apart must share, written the same. Comparing it
// first spares SameName's work on most pairs of names, those of brothers
// and sisters among them.
func GivenName(s string) string {
	words := nameWords(s)
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1].text
}

// nameWord is a folded word of a name, and whether a dot ended it.
type nameWord struct {
	text   string
	dotted bool
}

// nameWords are s's words, folded; a dot ends a word and marks it cut,
// other punctuation parts words as a space does (NameKey).
func nameWords(s string) []nameWord {
	var out []nameWord
	for _, f := range strings.FieldsFunc(Fold(s), func(r rune) bool {
		return r == ' ' || r != '.' && strings.ContainsRune(namePunctuation, r)
	}) {
		for part := range strings.SplitAfterSeq(f, ".") {
			if text := strings.TrimSuffix(part, "."); text != "" {
				out = append(out, nameWord{text, text != part})
			}
		}
	}
	return out
}

func (w nameWord) is(v nameWord) bool { return w.text == v.text }

// names says whether w and v can be one word of a name: the same, or one
// cut from the other.
func (w nameWord) names(v nameWord) bool { return w.is(v) || w.cuts(v) || v.cuts(w) }

// cuts says whether w is v cut short: an initial, or letters and a dot.
func (w nameWord) cuts(v nameWord) bool {
	short := w.dotted || utf8.RuneCountInString(w.text) == 1
	return short && !v.dotted && len(v.text) > len(w.text) && strings.HasPrefix(v.text, w.text)
}
