// Package page is cursor pagination for list endpoints: `limit` and an
// opaque `cursor` in, `items` and `next_cursor` out. A cursor pages only
// the query it came from: the same filters, limit aside.
package page

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// Limits of a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Request is the paging part of a list query.
type Request struct {
	Limit  int
	Cursor string
	// query fingerprints the query being paged (fingerprint): the next
	// cursor carries it, and Decode refuses a cursor carrying another.
	query string
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Parse reads limit and cursor from the query string of a list whose other
// parameters are filters, and remembers the filters' fingerprint for the
// cursors of the list (Decode, Encode, Of). A bad limit is a 422, and so
// is a parameter that is neither (a misspelt filter would list more than
// was asked) or one given twice (problem.KnownParams).
func Parse(q url.Values, filters ...string) (Request, error) {
	r := Request{Limit: DefaultLimit, Cursor: q.Get("cursor"), query: fingerprint(q)}
	if err := problem.KnownParams(q, append([]string{"limit", "cursor"}, filters...)...); err != nil {
		return r, err
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return r, problem.Invalid("bad paging", problem.FieldError{Field: "limit", Message: fmt.Sprintf("must be a whole number from 1 to %d", MaxLimit)})
		}
		r.Limit = n
	}
	return r, nil
}

// FromRequest reads a list's limit and cursor from r, filters being its
// other query parameters, and decodes the cursor into position (left as
// the caller set it, the start of the list, without one). A cursor pages
// only the list it came from: the same path and the same filters, limit
// aside. One of people?tag=hn sent with tag=vip, or of one party's
// timeline sent to another's, would start the list at a position of
// another and skip records without a word, so it is a 422 naming cursor.
func FromRequest(r *http.Request, position any, filters ...string) (Request, error) {
	pr, err := Parse(r.URL.Query(), filters...)
	if err != nil {
		return pr, err
	}
	pr = pr.Within(r.URL.Path)
	return pr, pr.Decode(position)
}

// Of builds a page of r's list from up to r.Limit+1 fetched items: the
// extra one only proves there is a next page, whose cursor next makes from
// the last item kept (Encode).
func Of[T any](items []T, r Request, next func(last T) any) Page[T] {
	if len(items) <= r.Limit {
		if items == nil {
			items = []T{}
		}
		return Page[T]{Items: items}
	}
	items = items[:r.Limit]
	return Page[T]{Items: items, NextCursor: r.Encode(next(items[len(items)-1]))}
}
