package importing

import "fmt"

// SameID says that a row's id column names the stored party live, so the
// row is that party again and is not created: a duplicate, reported as a
// shared key is, never merged into it. A merged party's id names its
// survivor. The stored party is named as Existing names it, by its name
// too.
func SameID(id, live, noun, name string) string {
	if live != id {
		return fmt.Sprintf("same id %s as %s, which it was merged into", id, Existing(noun, live, name))
	}
	return fmt.Sprintf("same id %s as %s", id, Existing(noun, live, name))
}

// GoneID says that a row's id column names a party this service issued
// but no longer holds as a noun: deleted since (or merged into one deleted
// since), or of the other kind. Creating the row would bring back what
// someone deleted, or make a person of an organisation, unasked.
func GoneID(id, noun string) string {
	return fmt.Sprintf("names %s, which is no stored %s (deleted since, or not a %s): clear the id to create the row as a new %s", id, noun, noun, noun)
}

// StoredParty tells whether a row that is not created stands for a stored
// party: it does when its id column names a live one (id, SameID) and
// nothing else refuses it but the keys that party holds (an export's row
// has its phones and emails, which the parties forced beside it may hold
// too). keys are the stored parties holding a key of the row (that party,
// for a key it holds), other whether anything else refuses it. A row sharing only
// a key with a stored party is a duplicate of it, not it: the name may be
// another person's (a row without an id that has the party's name as well
// as its keys is it, which the import tells from the names). A row of the file naming a row that stands for a stored
// party names that party; a row naming one refused otherwise is refused
// too (Ref.NotImported).
func StoredParty(id string, keys []string, other bool) (string, bool) {
	if id == "" || other {
		return "", false
	}
	for _, k := range keys {
		if k != id {
			return "", false
		}
	}
	return id, true
}

// Existing names a stored party in a message, by its name and, to find it
// by, its full id: "existing person Nguyễn Văn Bình (<id>)". An id alone
// told nobody who the stored party was. noun is "person" or
// "organisation".
func Existing(noun, id, name string) string {
	if name == "" {
		return fmt.Sprintf("existing %s %s", noun, id)
	}
	return fmt.Sprintf("existing %s %s (%s)", noun, name, id)
}
