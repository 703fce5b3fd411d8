package http

import (
	_ "embed"
	"net/http"
)

// openapi.json is written by hand: the route test fails when a route is
// missing from it, so the document cannot silently drift from the code.
//
//go:embed openapi.json
var openapi []byte

// OpenAPI is the served document.
func OpenAPI() []byte { return openapi }

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapi)
}
