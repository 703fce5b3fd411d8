// Package openapicheck compares the schemas of a hand-written OpenAPI
// document with the Go types the API reads and writes, so that a field
// added to the code and not to the document (or the reverse), or a field
// documented with another type, fails the service's test.
package openapicheck

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Schema is the part of an OpenAPI schema object the check reads.
type Schema struct {
	Ref        string             `json:"$ref"`
	Type       any                `json:"type"` // a name, or a list of names ("null" for a nullable field)
	Properties map[string]*Schema `json:"properties"`
	Items      *Schema            `json:"items"`
	Enum       []any              `json:"enum"`
	Required   []string           `json:"required"`
}

// Document is an OpenAPI document's named schemas.
type Document struct {
	Schemas map[string]*Schema
}

// Parse reads the components/schemas of an OpenAPI document.
func Parse(doc []byte) (*Document, error) {
	var d struct {
		Components struct {
			Schemas map[string]*Schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("read the OpenAPI document: %w", err)
	}
	return &Document{Schemas: d.Components.Schemas}, nil
}

// Enums names, for a Go string type, the values a schema of it must list
// as its enum: the document then cannot offer a mode or a status the code
// refuses, nor miss one it takes.
type Enums map[reflect.Type][]string

// Check returns how schema name and the type of v disagree, one line each:
// a JSON field of the type missing from the schema's properties or the
// reverse, a type that is not the field's (string, integer, number,
// boolean, array, object; a pointer may add "null"), an enum that is not
// the one enums gives. Nested objects, array items and $refs are checked
// the same way. A field whose JSON the type writes itself (json.Marshaler,
// json.RawMessage, an interface) is left to the document.
func (d *Document) Check(name string, v any, enums Enums) []string {
	s, ok := d.Schemas[name]
	if !ok {
		return []string{"no schema " + name}
	}
	c := checker{doc: d, enums: enums, seen: map[string]bool{}}
	c.check(name, s, reflect.TypeOf(v))
	return c.problems
}

type checker struct {
	doc      *Document
	enums    Enums
	seen     map[string]bool // schema and type pairs checked already: recursive types end
	problems []string
}

func (c *checker) fail(at, format string, args ...any) {
	c.problems = append(c.problems, at+": "+fmt.Sprintf(format, args...))
}

func (c *checker) check(at string, s *Schema, t reflect.Type) {
	if s == nil {
		c.fail(at, "no schema for %s", t)
		return
	}
	if s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		target, ok := c.doc.Schemas[name]
		if !ok {
			c.fail(at, "%s is referred to and not defined", s.Ref)
			return
		}
		key := name + " " + t.String()
		if c.seen[key] {
			return
		}
		c.seen[key] = true
		at, s = name, target
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := jsonType(t)
	if want == "" {
		return
	}
	if got := s.types(); !slices.Contains(got, want) {
		c.fail(at, "documented as %v, the Go type %s is written as %s", got, t, want)
		return
	}
	if values, ok := c.enums[t]; ok {
		var got []string
		for _, e := range s.Enum {
			got = append(got, fmt.Sprint(e))
		}
		slices.Sort(got)
		if want := slices.Sorted(slices.Values(values)); !slices.Equal(got, want) {
			c.fail(at, "enum %q; %s takes %q", got, t, want)
		}
	}
	switch want {
	case "array":
		if s.Items == nil {
			c.fail(at, "an array without items")
			return
		}
		c.check(at+"[]", s.Items, t.Elem())
	case "object":
		if t.Kind() != reflect.Struct {
			return // a map: its keys are data, not fields
		}
		fields := fieldTypes(t)
		documented := slices.Sorted(maps.Keys(s.Properties))
		if names := slices.Sorted(maps.Keys(fields)); !slices.Equal(documented, names) {
			c.fail(at, "names %q; the type %s has %q", documented, t, names)
		}
		for _, r := range s.Required {
			if _, ok := fields[r]; !ok {
				c.fail(at, "requires %q, which %s does not have", r, t)
			}
		}
		for _, name := range documented {
			if ft, ok := fields[name]; ok {
				c.check(at+"."+name, s.Properties[name], ft)
			}
		}
	}
}

// types is the schema's type names but "null".
func (s *Schema) types() []string {
	var out []string
	switch t := s.Type.(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, n := range t {
			if n, ok := n.(string); ok && n != "null" {
				out = append(out, n)
			}
		}
	}
	if len(out) == 0 && s.Properties != nil {
		out = append(out, "object")
	}
	return out
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextMarshaler]()
	textInType      = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// jsonType is the JSON type encoding/json writes or reads for t, "" when
// t writes or reads its own JSON. A type of a request body may only read
// text (a day in a body): it is a string too.
func jsonType(t reflect.Type) string {
	switch {
	case t == timeType:
		return "string"
	case implements(t, marshalerType) || implements(t, unmarshalerType):
		return ""
	case implements(t, textType) || implements(t, textInType):
		return "string"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // base64
		}
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return ""
}

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// Fields returns the sorted names encoding/json writes for struct type t,
// embedded structs' fields included.
func Fields(t reflect.Type) []string {
	return slices.Sorted(maps.Keys(fieldTypes(t)))
}

// fieldTypes maps t's JSON field names to their Go types. As for
// encoding/json, a field of t hides one of the same name an embedded
// struct promotes.
func fieldTypes(t reflect.Type) map[string]reflect.Type {
	out, promoted := map[string]reflect.Type{}, map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported() && !f.Anonymous:
			continue
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			maps.Copy(promoted, fieldTypes(f.Type))
			continue
		case name == "":
			name = f.Name
		}
		out[name] = f.Type
	}
	for name, ft := range promoted {
		if _, ok := out[name]; !ok {
			out[name] = ft
		}
	}
	return out
}
