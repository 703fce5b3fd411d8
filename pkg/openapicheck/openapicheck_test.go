package openapicheck

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

type colour string

// day is read from a JSON string and never written.
type day struct{ text string }

func (d *day) UnmarshalText(b []byte) error {
	d.text = string(b)
	return nil
}

type inner struct {
	N int `json:"n"`
}

type base struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type sample struct {
	base
	Name    int             `json:"name"` // hides base's
	Colour  colour          `json:"colour"`
	At      time.Time       `json:"at"`
	Day     day             `json:"day"`
	Count   *int            `json:"count,omitempty"`
	Tags    []string        `json:"tags"`
	Inner   []inner         `json:"inner"`
	Raw     json.RawMessage `json:"raw"`
	Skipped string          `json:"-"`
}

const good = `{"components":{"schemas":{
 "Sample":{"type":"object","required":["id"],"properties":{
  "id":{"type":"string"},"name":{"type":"integer"},"colour":{"type":"string","enum":["red","blue"]},
  "at":{"type":"string","format":"date-time"},"day":{"type":"string","format":"date"},"count":{"type":["integer","null"]},
  "tags":{"type":"array","items":{"type":"string"}},"inner":{"type":"array","items":{"$ref":"#/components/schemas/Inner"}},
  "raw":{"type":"array"}}},
 "Inner":{"type":"object","properties":{"n":{"type":"integer"}}}}}}`

func TestCheckFindsWhereASchemaAndItsTypeDisagree(t *testing.T) {
	enums := Enums{reflect.TypeFor[colour](): {"blue", "red"}}
	for _, tc := range []struct {
		name, from, to string
		want           string // in the one problem reported; "" for none
	}{
		{"matching", "", "", ""},
		{"a field missing from the schema", `"tags":{"type":"array","items":{"type":"string"}},`, "", `names ["at" "colour" "count" "day" "id" "inner" "name" "raw"]`},
		{"a day read from text documented as an object", `"day":{"type":"string","format":"date"}`, `"day":{"type":"object"}`, "Sample.day: documented as [object]"},
		{"a field the type lacks", `"id":{"type":"string"},`, `"id":{"type":"string"},"extra":{"type":"string"},`, `"extra"`},
		{"another type", `"name":{"type":"integer"}`, `"name":{"type":"string"}`, "Sample.name: documented as [string]"},
		{"an enum the type does not take", `["red","blue"]`, `["red","green"]`, `enum ["green" "red"]`},
		{"a nested field missing", `"properties":{"n":{"type":"integer"}}`, `"properties":{}`, "Inner: names []"},
		{"a nested type wrong", `"n":{"type":"integer"}`, `"n":{"type":"number"}`, "Inner.n: documented as [number]"},
		{"array items of another type", `"items":{"type":"string"}`, `"items":{"type":"integer"}`, "Sample.tags[]"},
		{"a required field the type lacks", `"required":["id"]`, `"required":["ids"]`, `requires "ids"`},
		{"an undefined reference", `"#/components/schemas/Inner"`, `"#/components/schemas/Outer"`, "Outer is referred to and not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse([]byte(strings.Replace(good, tc.from, tc.to, 1)))
			if err != nil {
				t.Fatal(err)
			}
			problems := doc.Check("Sample", sample{}, enums)
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Errorf("problems %q", problems)
			case tc.want != "" && (len(problems) != 1 || !strings.Contains(problems[0], tc.want)):
				t.Errorf("problems %q, want one naming %q", problems, tc.want)
			}
		})
	}
}

func TestFieldsAreTheNamesEncodingJSONWrites(t *testing.T) {
	got := Fields(reflect.TypeFor[sample]())
	want := []string{"at", "colour", "count", "day", "id", "inner", "name", "raw", "tags"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Fields = %q, want %q", got, want)
	}
}
