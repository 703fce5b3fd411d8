package http

import (
	"net/http"

	"github.com/rapportcrm/rapport/pkg/page"
)

// paged reads a list's limit and cursor, filters being its other query
// parameters, and decodes the cursor into position (left as the caller set
// it, the start of the list, without one). A cursor pages only the list it
// came from: the same path and the same filters, limit aside. One of
// people?tag=hn sent with tag=vip, of the organisations sent to the
// people, or of one party's timeline sent to another's would start the
// list at a position of another and skip records without a word, so it is
// a 422 naming cursor.
func paged(r *http.Request, position any, filters ...string) (page.Request, error) {
	pr, err := page.Parse(r.URL.Query(), filters...)
	if err != nil {
		return pr, err
	}
	pr = pr.Within(r.URL.Path)
	return pr, pr.Decode(position)
}
