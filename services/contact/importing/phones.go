package importing

import (
	"cmp"
	"strings"
	"unicode"

	"github.com/rapportcrm/rapport/services/contact/party"
)

// isPhone reports whether f is a column of phone numbers: the party's own
// or a parent's.
func isPhone(f Field) bool {
	s := f.parentSlot()
	return f == FieldPhones || s != nil && f == s.phone
}

// splitPhones splits a cell holding phone numbers as people type them: on
// what separates any list (",", ";", a line break), on "/", and on a dash
// with a space on each side ("0913999003 - 0913999004", "– " too), which
// people put between numbers. A dash inside a number ("091-399-9003") has
// no space around it, so it stays. Nothing inside brackets splits: a note
// such as "(Zalo/Viber)" stays with its number (see phoneNote).
func splitPhones(s string) []string {
	var out []string
	add := func(item string) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	runes := []rune(s)
	depth, start := 0, 0
	for i, r := range runes {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth > 0:
		case strings.ContainsRune(",;\n/", r) || isDash(r) && spaced(runes, i):
			add(string(runes[start:i]))
			start = i + 1
		}
	}
	add(string(runes[start:]))
	return out
}

func isDash(r rune) bool { return r == '-' || r == '–' || r == '—' }

// spaced reports whether the rune at i has white space on both sides.
func spaced(runes []rune, i int) bool {
	return i > 0 && i+1 < len(runes) && unicode.IsSpace(runes[i-1]) && unicode.IsSpace(runes[i+1])
}

// phoneNote returns the number a phone item holds, and whether the item
// says more than a stored phone can hold: a note in brackets after the
// number ("0913.999.012 (Zalo)", "0913999003 (anh Nam)"), or an extension
// ("0913 999 003 ext 5"), which E.164 has no place for: both are cut off
// here; or a number in a retired format ("0168 123 4567"), stored as the
// one it has today. The caller keeps such an item, as typed, in the party's notes (see rowValues.notePhones): refusing the row
// would make people retype a cell whose number is right, and dropping the
// rest unannounced would lose who answers it, or on which app. Brackets
// before the number ("(091) 234-5678") hold an area code, not a note.
func phoneNote(item string) (number string, noted bool) {
	number = item
	if open := strings.LastIndexByte(item, '('); open > 0 && strings.HasSuffix(item, ")") &&
		strings.ContainsFunc(item[open:], unicode.IsLetter) && strings.ContainsFunc(item[:open], unicode.IsDigit) {
		number, noted = strings.TrimSpace(item[:open]), true
	}
	// Every way of writing an extension libphonenumber reads has a letter,
	// "#" or "~" in it; most numbers have none, and are parsed only once.
	if strings.ContainsFunc(number, func(r rune) bool { return unicode.IsLetter(r) || r == '#' || r == '~' }) &&
		party.PhoneExtension(number) != "" {
		// The party refuses a phone with an extension: the notes keep it.
		if e164, err := party.NormalizePhone(number); err == nil {
			number = e164
		}
		noted = true
	}
	// A number in a format Vietnam retired is stored as the one it has
	// today (party.CurrentPhone): the notes keep it as the file wrote it,
	// so the change is not made unseen.
	if _, renumbered := party.CurrentPhone(number); renumbered {
		noted = true
	}
	return number, noted
}

// notePhones adds to the row's notes, one line each as "<column>: <cell
// text>", the phone items that said more than their number (see
// phoneNote), so that what the cell held beside the number stays with the
// party. A parent's phone's note stays with the row's own party too: it
// was typed on that row, and the parent may be a stored person.
func (v *rowValues) notePhones(items []Cell) {
	if len(items) == 0 {
		return
	}
	notes, ok := v.texts[FieldNotes]
	if !ok {
		// A problem with the notes is reported under the notes column if
		// the file has one, else under the first phone noted.
		notes.Header = cmp.Or(v.header(FieldNotes), items[0].Header)
	}
	lines := make([]string, 0, len(items)+1)
	if notes.Value != "" {
		lines = append(lines, notes.Value)
	}
	for _, item := range items {
		lines = append(lines, item.Header+": "+item.Value)
	}
	notes.Value = strings.Join(lines, "\n")
	v.texts[FieldNotes] = notes
}
