package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// ETag is the entity tag of a record's version n: "n", quoted as RFC 9110 asks.
func ETag(n int64) string { return `"` + strconv.FormatInt(n, 10) + `"` }

// Tagged is a response that carries its record's version as an ETag header,
// so that a client can send it back in If-Match and not overwrite a change
// it has not seen.
type Tagged struct {
	Body    any
	Version int64
	Status  int // 0: 200
}

// Headers sets ETag.
func (t Tagged) Headers() http.Header { return http.Header{"Etag": {ETag(t.Version)}} }

// StatusCode is Status, or 200.
func (t Tagged) StatusCode() int {
	if t.Status == 0 {
		return http.StatusOK
	}
	return t.Status
}

// MarshalJSON encodes the body.
func (t Tagged) MarshalJSON() ([]byte, error) { return Marshal(t.Body) }

// IfMatch is a request's If-Match precondition (RFC 9110 §13.1.1). The zero
// value is a request without one, which any version satisfies.
type IfMatch struct {
	set, any bool
	tags     []string // strong tags, quotes included
}

// ParseIfMatch reads the If-Match header of r: "*", or a list of entity tags.
// A weak tag (W/"3") is kept out, since If-Match compares strongly and a
// weak tag never matches. A header that is not such a list is a 422 naming
// it; one of weak tags alone, which no version can satisfy, is the 412 it
// would come to, saying why (a client that turned the ETag weak, or a
// proxy that did, would otherwise never learn what to send).
func ParseIfMatch(r *http.Request) (IfMatch, error) {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		return IfMatch{}, nil
	}
	m := IfMatch{set: true}
	sawWeak := false
	bad := problem.Invalid("If-Match is not a list of entity tags", problem.FieldError{Field: "If-Match", Message: `must be "*" or entity tags such as "3", as an ETag header gave them`})
	for _, v := range values {
		rest := strings.TrimSpace(v)
		if rest == "*" {
			m.any = true
			continue
		}
		for rest != "" {
			// A list may hold empty elements (RFC 9110 §5.6.1): ", ,".
			if rest[0] == ',' {
				rest = strings.TrimSpace(rest[1:])
				continue
			}
			weak := strings.HasPrefix(rest, "W/")
			rest = strings.TrimPrefix(rest, "W/")
			if !strings.HasPrefix(rest, `"`) {
				return m, bad
			}
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return m, bad
			}
			if tag := rest[:end+2]; !weak {
				m.tags = append(m.tags, tag)
			} else {
				sawWeak = true
			}
			rest = strings.TrimSpace(rest[end+2:])
			if rest != "" && rest[0] != ',' {
				return m, bad
			}
		}
	}
	if sawWeak && !m.any && len(m.tags) == 0 {
		return m, problem.PreconditionFailed(`If-Match holds only weak tags (W/"3"), which never match (RFC 9110 §13.1.1): send the ETag as the answer gave it, "3"`)
	}
	return m, nil
}

// Allows reports whether a record at version n satisfies the precondition.
func (m IfMatch) Allows(n int64) bool {
	if !m.set || m.any {
		return true
	}
	return slices.Contains(m.tags, ETag(n))
}

// Given reports whether the request carries If-Match at all: the client
// says which version of the record, or with "*" that any version, it means
// to change, and so knows which record it changes.
func (m IfMatch) Given() bool { return m.set }
