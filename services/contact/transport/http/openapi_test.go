package http

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/openapicheck"
	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
	"github.com/rapportcrm/rapport/services/contact/store"
)

func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not OpenAPI 3: %q", doc.OpenAPI)
	}
	routes := Routes(service.New(nil, nil, nil, nil))
	for _, r := range routes {
		if _, ok := doc.Paths[r.Path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not documented", r.Method, r.Path)
		}
	}
	documented := 0
	for _, ops := range doc.Paths {
		documented += len(ops)
	}
	if documented != len(routes) {
		t.Errorf("%d operations documented, %d routes served", documented, len(routes))
	}
}

// The document's schemas name exactly the JSON fields of the types the API
// reads and writes, with their JSON types (nested objects and items too), so
// a field added to the code and not to the document (or the reverse), or
// documented with another type, fails here.
func TestTheSchemasNameTheFieldsOfTheirTypes(t *testing.T) {
	doc, err := openapicheck.Parse(openAPI)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]any{
		"Organization":        party.Organisation{},
		"Person":              party.Person{},
		"OrganizationPatch":   party.Organisation{},
		"PersonPatch":         party.Person{},
		"ImportantDate":       party.ImportantDate{},
		"Upcoming":            party.Upcoming{},
		"Consent":             party.Consent{},
		"Relationship":        party.Relationship{},
		"FieldDefinition":     party.FieldDefinition{},
		"InUse":               service.InUse{},
		"FieldVersion":        service.FieldVersion{},
		"InteractionInput":    service.InteractionInput{},
		"Interaction":         store.Interaction{},
		"InteractionPatch":    service.InteractionInput{},
		"Filter":              service.Query{},
		"SegmentInput":        segmentRequest{},
		"Segment":             service.SegmentView{},
		"Care":                service.Care{},
		"OwnerChange":         reassignRequest{},
		"MergeInput":          mergeRequest{},
		"RestoreInput":        restoreRequest{},
		"MergeConflict":       mergeConflict{},
		"HandoverInput":       handoverRequest{},
		"Handover":            store.Handover{},
		"HandoverDetail":      service.HandoverDetail{},
		"LastOwnerChange":     store.OwnerChange{},
		"HistoryEntry":        store.HistoryEntry{},
		"TimelineEntry":       store.TimelineEntry{},
		"ImportJob":           service.ImportView{},
		"ImportProblem":       importing.Problem{},
		"ImportPreview":       service.PreviewView{},
		"ImportPreviewColumn": service.PreviewColumn{},
		"ImportPreviewRow":    service.PreviewRow{},
		"ImportPreviewParent": service.PreviewParent{},
		"ImportUndo":          service.UndoView{},
		"KeptParty":           store.KeptParty{},
		"BulkChange":          service.BulkChange{},
		"BulkResult":          service.BulkResult{},
	}
	for _, name := range slices.Sorted(maps.Keys(types)) {
		for _, p := range doc.Check(name, types[name], nil) {
			t.Error(p)
		}
	}
	for _, ref := range regexp.MustCompile(`"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(openAPI), -1) {
		if _, ok := doc.Schemas[ref[1]]; !ok {
			t.Errorf("%s is referred to and not defined", ref[1])
		}
	}
}

// A list answering a page takes limit and cursor, and its document says so.
func TestEveryPagedListDocumentsItsPaging(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name string } `json:"parameters"`
			Responses  map[string]json.RawMessage
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if !regexp.MustCompile(`Page"`).Match(append(op.Responses["200"], op.Responses["2XX"]...)) {
				continue
			}
			var names []string
			for _, p := range op.Parameters {
				names = append(names, p.Name)
			}
			if !slices.Contains(names, "limit") || !slices.Contains(names, "cursor") {
				t.Errorf("%s %s answers a page but documents only %v", method, path, names)
			}
		}
	}
}
