package contract

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"
)

// Markdown renders the catalogue as the event reference (docs/events.md):
// one section per type with its subject, description and JSON Schema.
func (c *Catalogue) Markdown() string {
	var b strings.Builder
	b.WriteString("# Event catalogue\n\n")
	b.WriteString("Generated from `pkg/contract` by `make generate`; do not edit by hand.\n")
	b.WriteString("Every event travels with CloudEvents 1.0 headers (`ce-id`, `ce-type`, `ce-source`,\n")
	b.WriteString("`ce-subject` = aggregate id, `ce-time`, `ce-specversion`, `ce-aggregatetype`, `ce-sequence`)\n")
	b.WriteString("and a JSON body of the shape below. Consumers must ignore unknown fields.\n\n")
	b.WriteString("| type | subject | stream |\n|---|---|---|\n")
	for _, e := range c.Entries() {
		fmt.Fprintf(&b, "| `%s` | `%s` | `%s` |\n", e.Type(), e.Subject, strings.ToUpper(e.Context()))
	}
	r := jsonschema.Reflector{DoNotReference: true, ExpandedStruct: true}
	for _, e := range c.Entries() {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n", e.Type(), e.Description)
		s := r.ReflectFromType(reflect.TypeOf(e.Payload))
		s.Version = ""
		js, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			js = []byte(err.Error())
		}
		fmt.Fprintf(&b, "```json\n%s\n```\n", js)
	}
	return b.String()
}
