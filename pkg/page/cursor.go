package page

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/rapportcrm/rapport/pkg/problem"
)

// A cursor is the position of the last item of a page (its id, and what
// of its sort key is no customer's data: a tier, a day staff set, an
// instant) in base64 JSON, a dot, and the fingerprint of the query it
// pages. Base64 is no secret and cursors end up in URLs and proxy logs,
// so a position holds no name, phone, email or birthday: the list reads
// the rest of the sort key from the record the id names. A position means something only in the list it was taken from:
// used with other filters it would start the new list somewhere in the
// middle and skip records without a word, so Decode refuses it.
const sep = "."

// fingerprint is a short hash of the query a list was asked with: every
// parameter but limit (a client may change its page size between pages)
// and cursor, in any order, values as given. A parameter given empty is
// left out, as the lists read it: "q=" lists what no q lists. A hash
// keeps the cursor short and keeps the filters' text out of it.
func fingerprint(q url.Values) string {
	kept := url.Values{}
	for name, vs := range q {
		if name != "limit" && name != "cursor" && strings.Join(vs, "") != "" {
			kept[name] = vs
		}
	}
	return hash(kept.Encode()) // sorted by name, escaped: one text per query
}

// hash is the first 6 bytes of the SHA-256 of parts, each written as a
// JSON string so that no two lists of parts hash alike; 48 bits tell
// two queries apart, which is all a fingerprint is for (it is no seal: a
// forged cursor's position is checked as any cursor's is).
func hash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		b, _ := json.Marshal(p)
		h.Write(b)
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:6])
}

// Within is r for a list its query string alone does not name: scope (the
// path, which names the resource and the party whose timeline is listed)
// joins the fingerprint, so a cursor of one party's timeline does not page
// another's, nor one of the organisations the people.
func (r Request) Within(scope ...string) Request {
	r.query = hash(append([]string{r.query}, scope...)...)
	return r
}

// Encode makes the cursor of position in r's list.
func (r Request) Encode(position any) string {
	b, _ := json.Marshal(position)
	return base64.RawURLEncoding.EncodeToString(b) + sep + r.query
}

// Decode reads r's cursor, if any, into position. A tampered cursor is a
// 422, and so is one holding the NUL character, which no position holds
// and which Postgres would refuse to compare with text, and one made for
// another query (other filters, another list, or a release whose cursors
// named no query): its position would skip records of this one.
func (r Request) Decode(position any) error {
	if r.Cursor == "" {
		return nil
	}
	pos, query, _ := strings.Cut(r.Cursor, sep)
	b, err := base64.RawURLEncoding.DecodeString(pos)
	if err == nil {
		err = json.Unmarshal(b, position)
	}
	if err != nil {
		return problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "is not a cursor this API returned"})
	}
	if _, found := problem.StringWithNUL(b); found {
		return problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "is not a cursor this API returned: it holds the NUL character (\\u0000)"})
	}
	if query != r.query {
		return problem.Invalid("bad paging", problem.FieldError{Field: "cursor", Message: "belongs to another query: it pages this list with other filters, " +
			"or another list, and would skip records here; start again without a cursor (only limit may change between pages)"})
	}
	return nil
}
