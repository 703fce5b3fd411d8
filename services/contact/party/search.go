package party

import (
	"strings"
	"unicode"
)

// Bounds of what ReadSearch reads as the end of a phone and as a Zalo id.
const (
	// minPhoneEnd is the fewest digits taken for the end of a phone: any
	// 3 digits end a thousandth of all phones.
	minPhoneEnd = 4
	// maxPhoneEnd is the most: more is a whole phone, or nothing.
	maxPhoneEnd = 8
	// minZaloDigits is the fewest digits a Zalo id holds: Zalo ids are
	// numbers (the phone of the account, or the id Zalo gives it).
	minZaloDigits = 4
)

// SearchText is what a search text q can be: a name, the keys of a
// party (party_key), the end of a phone, an email domain, a Zalo id.
type SearchText struct {
	// Keys are the duplicate keys q is: a phone in any format, an email,
	// a tax code.
	Keys []Key
	// PhoneEnd is the 4 to 8 digits q says a phone ends in, or "".
	PhoneEnd string
	// EmailDomain is the domain q names, lower case, or "".
	EmailDomain string
	// ZaloID is q as a Zalo id, or "".
	ZaloID string
	// Name reports whether q is to be matched against names as well: not
	// when it is a whole phone, email or tax code, or an "@domain", which
	// no name is (an email's words would find everyone of its first name).
	Name bool
}

// ReadSearch returns what a search text can be. A phone, an email and a
// tax code are read as everywhere else (NormalizePhone, NormalizeEmail,
// NormalizeTaxCode). Besides:
//   - 4 to 8 digits, written with spaces, dots or dashes and perhaps after
//     "...", "…" or "*", are the end of a phone ("...4567"); fewer are a
//     name only;
//   - "@domain", or a bare domain ("truongabc.edu.vn": a dot, no spaces,
//     a last label with a letter), is the domain of an email, matched
//     whole: "edu.vn" finds the emails at edu.vn, not every school's;
//   - one word holding 4 digits or more may be a Zalo id, matched exactly
//     as stored; a word of letters alone is a name, so a name search asks
//     for nothing else.
func ReadSearch(q string) SearchText {
	q = strings.TrimSpace(StripInvisible(q))
	s := SearchText{Name: true}
	if q == "" {
		return s
	}
	if ph, err := NormalizePhone(q); err == nil {
		s.Keys, s.Name = append(s.Keys, Key{KeyPhone, ph}), false
	}
	if strings.Contains(q, "@") {
		if em, err := NormalizeEmail(q); err == nil {
			s.Keys, s.Name = append(s.Keys, Key{KeyEmail, em}), false
		}
	}
	if tc, err := NormalizeTaxCode(q); err == nil {
		s.Keys, s.Name = append(s.Keys, Key{KeyTaxCode, tc}), false
	}
	if d, ok := strings.CutPrefix(q, "@"); ok && isDomain(d) {
		s.EmailDomain, s.Name = strings.ToLower(d), false
	} else if isDomain(q) {
		s.EmailDomain = strings.ToLower(q)
	}
	s.PhoneEnd = phoneEndOf(q)
	if !strings.ContainsFunc(q, unicode.IsSpace) && countDigits(q) >= minZaloDigits {
		s.ZaloID = q
	}
	return s
}

// phoneEndOf returns the digits of q if it is the end of a phone, or "".
func phoneEndOf(q string) string {
	q = strings.TrimLeft(q, "*…")
	digits := make([]byte, 0, maxPhoneEnd)
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == ' ' || r == '.' || r == '-':
		default:
			return ""
		}
	}
	if len(digits) < minPhoneEnd || len(digits) > maxPhoneEnd {
		return ""
	}
	return string(digits)
}

// countDigits counts the digits of s.
func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// isDomain reports whether s reads as an email's domain: labels of
// letters, digits and dashes joined by dots, the last holding a letter
// (so that "0912.345.678" stays a phone).
func isDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") ||
			strings.ContainsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
			return false
		}
	}
	return strings.ContainsFunc(labels[len(labels)-1], unicode.IsLetter)
}
