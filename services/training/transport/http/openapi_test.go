package http

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document: %q", doc.OpenAPI)
	}
	routes := Routes(nil)
	if len(routes) < 30 {
		t.Fatalf("only %d routes", len(routes))
	}
	documented := 0
	for _, r := range routes {
		if _, ok := doc.Paths[r.Path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", r.Method, r.Path)
		}
	}
	for _, ops := range doc.Paths {
		documented += len(ops)
	}
	if documented != len(routes) {
		t.Errorf("openapi.json documents %d operations, the mux serves %d", documented, len(routes))
	}
}
