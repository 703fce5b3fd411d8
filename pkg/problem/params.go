package problem

import (
	"maps"
	"net/url"
	"slices"
	"strings"
)

// KnownParams refuses a query parameter that is not among names, so that a
// misspelt filter ("stauts=open") is a 422 instead of a wider result, and
// one given twice ("tag=a&tag=b"), which a handler reading the first value
// would otherwise apply half of, and a value holding the NUL character,
// which Postgres cannot compare with text (every list's query passes
// here). Every offending parameter is named.
func KnownParams(q url.Values, names ...string) error {
	var bad []FieldError
	for _, name := range slices.Sorted(maps.Keys(q)) {
		switch {
		case !slices.Contains(names, name):
			bad = append(bad, FieldError{Field: name, Message: "is not a parameter of this resource"})
		case len(q[name]) > 1:
			bad = append(bad, FieldError{Field: name, Message: "is given more than once; it takes one value"})
		case strings.ContainsRune(q.Get(name), 0):
			bad = append(bad, FieldError{Field: name, Message: nulMessage})
		}
	}
	if len(bad) > 0 {
		return Invalid("bad query parameters", bad...)
	}
	return nil
}

// CheckQuery refuses a query string that Go's parser reads only in part:
// url.Values drops a pair holding ";" or a broken %-escape, so a filter
// written "tag=vip;hn" would vanish and the list or export select every
// record. Every such pair is named.
func CheckQuery(raw string) error {
	if _, err := url.ParseQuery(raw); err == nil {
		return nil
	}
	var bad []FieldError
	for _, pair := range strings.Split(raw, "&") {
		if _, err := url.ParseQuery(pair); err == nil {
			continue
		}
		name, _, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); err == nil && !strings.Contains(n, ";") {
			name = n
		}
		bad = append(bad, FieldError{Field: name, Message: `is not read: a ";" or a "%" that starts no escape must be sent escaped, as %3B and %25`})
	}
	return Invalid("bad query string", bad...)
}
