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
