package party

import (
	"slices"
	"strings"
)

// KeyType names what a duplicate key was built from.
type KeyType string

// Key types. Names are not keys: two schools may share a name, never a tax code.
const (
	KeyPhone   KeyType = "phone"
	KeyEmail   KeyType = "email"
	KeyTaxCode KeyType = "tax_code"
)

// Key is a normalised value that identifies a party: if two parties share a
// key they are probably the same customer.
type Key struct {
	Type  KeyType `json:"type"`
	Value string  `json:"value"`
}

// String renders k as "type:value", handy as a map or index key.
func (k Key) String() string { return string(k.Type) + ":" + k.Value }

// DuplicateKeys returns the keys of an organisation built by NewOrganisation.
// A branch's 13-digit tax code is a key of its own: a branch is a different
// unit from its head office.
func (o Organisation) DuplicateKeys() []Key {
	keys := contactKeys(o.Phones, o.Emails)
	if o.TaxCode != "" {
		keys = append(keys, Key{KeyTaxCode, o.TaxCode})
	}
	return keys
}

// DuplicateKeys returns the keys of a person built by NewPerson.
func (p Person) DuplicateKeys() []Key {
	return contactKeys(p.Phones, p.Emails)
}

func contactKeys(phones, emails []string) []Key {
	keys := make([]Key, 0, len(phones)+len(emails)+1)
	for _, ph := range phones {
		keys = append(keys, Key{KeyPhone, ph})
	}
	for _, e := range emails {
		keys = append(keys, Key{KeyEmail, e})
	}
	return keys
}

// KeysOfValid returns the keys of those raw phones, emails and tax code that
// are valid on their own, normalised as NewOrganisation and NewPerson
// normalise them: the keys a record refused for another field would hold,
// so that its duplicates can be reported with its other problems.
func KeysOfValid(phones, emails []string, taxCode string) []Key {
	var keys []Key
	add := func(t KeyType, raw []string, normalize func(string) (string, error)) {
		for _, r := range raw {
			if v, err := normalize(r); err == nil && !slices.Contains(keys, Key{t, v}) {
				keys = append(keys, Key{t, v})
			}
		}
	}
	add(KeyPhone, phones, NormalizePhone)
	add(KeyEmail, emails, NormalizeEmail)
	if taxCode = strings.TrimSpace(taxCode); taxCode != "" {
		add(KeyTaxCode, []string{taxCode}, NormalizeTaxCode)
	}
	return keys
}
