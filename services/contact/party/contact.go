package party

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// DefaultRegion is the region assumed for phone numbers written without a
// country code, which is how nearly every customer writes them.
const DefaultRegion = "VN"

// Errors returned by the normalisers; constructors turn them into field errors.
var (
	ErrInvalidPhone   = errors.New("not a valid phone number")
	ErrInvalidEmail   = errors.New("not a valid email address")
	ErrInvalidTaxCode = errors.New("not a valid tax or budget-unit code (7, 10 or 13 digits)")
)

// NormalizePhone returns the E.164 form of a phone number written in any usual
// way ("0912 345 678", "+84 912 345 678", "84912345678", "(091) 234-5678"),
// so the same number always produces the same key. A number in a format
// Vietnam retired is read as the one it has today ("0168 123 4567" is
// "+84381234567", "04 3825 1234" is "+842438251234"; see CurrentPhone).
func NormalizePhone(raw string) (string, error) {
	raw = StripInvisible(raw)
	num, err := phonenumbers.Parse(raw, DefaultRegion)
	if err == nil {
		renumber(num, raw)
	}
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", ErrInvalidPhone
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// storedPhone is NormalizePhone for a phone a party keeps: one written with
// an extension is refused, since E.164 has none and the extension would
// be dropped unseen. The import keeps such a cell in the notes and stores
// the number alone (importing.phoneNote).
func storedPhone(raw string) (string, error) {
	if ext := PhoneExtension(raw); ext != "" {
		return "", fmt.Errorf("has an extension (%s), which a stored phone cannot hold: send the number alone, and the extension in notes", ext)
	}
	return NormalizePhone(raw)
}

// PhoneExtension returns the extension a phone number is written with
// ("0243 825 1234 ext 105", "x105", "#105"), or "": NormalizePhone drops
// it, as E.164 has none, so a caller that must not lose it asks first.
func PhoneExtension(raw string) string {
	num, err := phonenumbers.Parse(StripInvisible(raw), DefaultRegion)
	if err != nil {
		return ""
	}
	return num.GetExtension()
}

// NormalizeEmail returns a bare address, trimmed and lower-cased. Display-name
// forms ("An <an@x.vn>") are refused because a stored email must be a key, and
// the local part is lower-cased too because staff type addresses in any case and
// mail providers here do not distinguish them. Invisible characters pasted
// with it are dropped (StripInvisible).
func NormalizeEmail(raw string) (string, error) {
	s := strings.TrimSpace(StripInvisible(raw))
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", ErrInvalidEmail
	}
	at := strings.LastIndexByte(s, '@')
	if !strings.Contains(s[at+1:], ".") {
		// net/mail accepts "an@localhost"; no customer has such an address.
		return "", ErrInvalidEmail
	}
	return strings.ToLower(s), nil
}

// NormalizeTaxCode returns a tax code (mã số thuế, 10 digits, or 13 for a
// branch, written 0101234567-001) or a budget-unit code (mã ĐVQHNS, 7 digits)
// in its canonical written form, ignoring spaces, dots and dashes as entered.
func NormalizeTaxCode(raw string) (string, error) {
	digits := make([]byte, 0, 13)
	for _, r := range StripInvisible(raw) {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == ' ' || r == '.' || r == '-':
		default:
			return "", ErrInvalidTaxCode
		}
	}
	switch len(digits) {
	case 7, 10:
		return string(digits), nil
	case 13:
		return string(digits[:10]) + "-" + string(digits[10:]), nil
	}
	return "", ErrInvalidTaxCode
}

// normalizeList applies norm to every entry, records a field error per bad
// entry and drops duplicates, keeping the first occurrence's position because
// the first phone or email is the one staff call first.
func normalizeList(c *checks, field string, raw []string, norm func(string) (string, error)) []string {
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, 0, len(raw))
	for i, r := range raw {
		v, err := norm(r)
		if err != nil {
			c.add(indexed(field, i), "%v", err)
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// TagKey is what tags are compared by: "Tiềm năng", "tiem nang" and
// " Tiềm  năng" are one tag.
func TagKey(t string) string { return Fold(cleanText(t)) }

// TagKeys returns the keys of tags (TagKey), which the tag filter
// matches: "?tag=vip" finds a party tagged "VIP".
func TagKeys(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = TagKey(t)
	}
	return out
}

// CheckTag refuses a tag holding "," or ";": an export joins a party's tags
// with them and an import splits a tags cell on them, so such a tag would
// come back from a round trip as two.
func CheckTag(t string) error {
	if strings.ContainsAny(t, ",;") {
		return errors.New(`may not hold "," or ";": they separate tags in an import or export file`)
	}
	return nil
}

// checkNoListSeparator refuses a name or label holding ";", which separates
// the items of an import or export cell ("vợ: Mai; con: An"): the party
// would come back as two, or linked to another. A title may hold one: the
// import takes a whole cell as the title of a single workplace.
func checkNoListSeparator(c *checks, field, s string) {
	if strings.Contains(s, ";") {
		c.add(field, `may not hold ";": it separates the items of a cell in an import or export file`)
	}
}

func checkTags(c *checks, tags []string) {
	for i, t := range tags {
		if err := CheckTag(t); err != nil {
			c.add(indexed("tags", i), "%v", err)
		}
	}
}

// normalizeTags trims tags and drops empty and repeated ones, compared by
// TagKey.
func normalizeTags(raw []string) []string {
	var out []string
	seen := make(map[string]bool, len(raw))
	for _, t := range raw {
		t = cleanText(t)
		k := TagKey(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// Retag returns tags with add appended and remove taken out, compared by
// TagKey ("tiem nang" removes "Tiềm năng"); a tag already held keeps its
// written form.
func Retag(tags, add, remove []string) []string {
	gone := make(map[string]bool, len(remove))
	for _, t := range remove {
		gone[TagKey(t)] = true
	}
	return slices.DeleteFunc(normalizeTags(append(slices.Clone(tags), add...)), func(t string) bool { return gone[TagKey(t)] })
}

// cleanText trims s, collapses inner white space and composes its letters
// (NFC), since names pasted from spreadsheets often carry double spaces,
// and text from some keyboards and Mac files decomposed letters ("e" and a
// combining circumflex for "ê"), either of which would defeat equality
// with the same name typed elsewhere; and drops the invisible characters
// pasted with it (StripInvisible), which would too.
func cleanText(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(StripInvisible(s)), " "))
}

// cleanNotes trims free text and composes it (NFC), keeping its lines.
func cleanNotes(s string) string {
	return norm.NFC.String(strings.TrimSpace(s))
}
