package party

import (
	"strings"
	"unicode"
)

// StripInvisible removes the format characters that text pasted from Zalo,
// Facebook or Word carries unseen: zero-width space, non-joiner and joiner
// (U+200B to U+200D), the direction marks and embeddings (U+200E, U+200F,
// U+202A to U+202E), the word joiner and invisible operators (U+2060 to
// U+2064), the byte-order mark (U+FEFF), the soft hyphen (U+00AD) and the
// Mongolian vowel separator (U+180E). Kept in a name, a tag, an email or a
// phone, they make two equal values differ ("vip" and "vip\u200b" are two
// tags, an email with one is neither deliverable nor matched by the
// duplicate check) while looking the same in every list.
func StripInvisible(s string) string {
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

// invisible is a format character (Unicode category Cf), as pkg/staff
// reads one in a staff id: every one above, and the direction isolates
// (U+2066 to U+2069) Word pastes too.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) }
