// Package page is cursor pagination for list endpoints: `limit` and an
// opaque `cursor` in, `items` and `next_cursor` out.
package page

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
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
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Parse reads limit and cursor from the query string of a list whose other
// parameters are filters. A bad limit is a 422, and so is a parameter that
// is neither (a misspelt filter would list more than was asked) or one
// given twice (problem.KnownParams).
func Parse(q url.Values, filters ...string) (Request, error) {
	r := Request{Limit: DefaultLimit, Cursor: q.Get("cursor")}
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

// ParseFrom is Parse that also decodes a given cursor into position; without
// a cursor, position keeps the value the caller set (the start of the list).
func ParseFrom(q url.Values, position any, filters ...string) (Request, error) {
	r, err := Parse(q, filters...)
	if err != nil || r.Cursor == "" {
		return r, err
	}
	return r, Decode(r.Cursor, position)
}

// Encode makes an opaque cursor of a position (usually the last item's sort key and id).
func Encode(position any) string {
	b, _ := json.Marshal(position)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor made by Encode into position; a tampered one is a
// 422, and so is one holding the NUL character, which no position holds
// and which Postgres would refuse to compare with text.
func Decode(cursor string, position any) error {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		err = json.Unmarshal(b, position)
	}
	if err != nil {
		return problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "is not a cursor this API returned"})
	}
	if _, found := problem.StringWithNUL(b); found {
		return problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "is not a cursor this API returned: it holds the NUL character (\\u0000)"})
	}
	return nil
}

// Of builds a page from up to limit+1 fetched items: the extra one only
// proves there is a next page, whose cursor next makes from the last item kept.
func Of[T any](items []T, limit int, next func(last T) any) Page[T] {
	if len(items) <= limit {
		if items == nil {
			items = []T{}
		}
		return Page[T]{Items: items}
	}
	items = items[:limit]
	return Page[T]{Items: items, NextCursor: Encode(next(items[len(items)-1]))}
}
