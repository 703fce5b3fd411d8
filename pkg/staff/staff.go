// Package staff holds the one rule Rapport has about staff ids: what can be
// the id a staff member signs in with. Both services apply it wherever a
// staff id is typed (an owner, an assignment, a filter).
package staff

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxID bounds a staff id, in characters: OpenID Connect caps the
// subject of a token, which a staff id is, at 255.
const MaxID = 255

// ID reports why id cannot be a staff member's id, nil if it can.
// Rapport keeps no staff directory: a staff id is the subject of the
// tokens staff sign in with (sales-lan, or an identity provider's id), so
// it is checked to look like one. It holds no white space, inside or
// around it (a pasted "  sales-minh " would move customers to an owner
// nobody signs in as, and "Nguyễn Thị Lan" is a name), no control or
// invisible character, and is not blank nor longer than MaxID. Case
// is kept and compared exactly: an identity provider's subjects may hold
// capitals, and two that differ only in case may be two people.
func ID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return errors.New("is blank: name the staff member by the id they sign in with (as sales-lan)")
	case strings.TrimSpace(id) != id:
		return errors.New("starts or ends with white space: send the id staff sign in with, alone")
	case strings.IndexFunc(id, unicode.IsSpace) >= 0:
		return errors.New("holds a space, as a name does: a staff id is the id the staff member signs in with (as sales-lan), not their name")
	case !utf8.ValidString(id):
		return errors.New("is not UTF-8 text")
	case utf8.RuneCountInString(id) > MaxID:
		return fmt.Errorf("is longer than %d characters, which no staff id is", MaxID)
	}
	if i := strings.IndexFunc(id, invisible); i >= 0 {
		r, _ := utf8.DecodeRuneInString(id[i:])
		return fmt.Errorf("holds an invisible or control character (%U): type the id again", r)
	}
	return nil
}

// invisible reports whether r is a control or format character (a tab,
// a zero-width space, a byte-order mark), which no login holds and
// nobody sees in a pasted id.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}
