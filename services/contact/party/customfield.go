package party

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// FieldType is the type a custom field's value must have.
type FieldType string

// Custom field types. Dates are written YYYY-MM-DD, as in JSON.
const (
	FieldString FieldType = "string"
	FieldNumber FieldType = "number"
	FieldBool   FieldType = "bool"
	FieldDate   FieldType = "date"
)

// FieldDefinition describes one custom field an organisation of some kind may
// carry, e.g. a school's "student_count" (number, required).
type FieldDefinition struct {
	Name     string    `json:"name"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required"`
	// Allowed, when set, is the closed list of values of a string field.
	Allowed []string `json:"allowed,omitempty"`
}

// CustomFieldSchema lists the custom fields per organisation kind. An
// organisation with several kinds must satisfy the definitions of all of them.
type CustomFieldSchema map[Kind][]FieldDefinition

// Names returns the names of every custom field the schema defines, for
// any kind, sorted.
func (s CustomFieldSchema) Names() []string {
	var names []string
	for _, defs := range s {
		for _, d := range defs {
			names = append(names, d.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// definitions returns the definitions that apply to an organisation of kinds,
// by name. When two kinds define the same name, the first kind listed wins.
func (s CustomFieldSchema) definitions(kinds []Kind) map[string]FieldDefinition {
	defs := make(map[string]FieldDefinition)
	for _, k := range kinds {
		for _, d := range s[k] {
			if _, ok := defs[d.Name]; !ok {
				defs[d.Name] = d
			}
		}
	}
	return defs
}

// checkCustomFields validates values against the definitions for kinds and
// reports unknown, missing and mistyped fields in a stable (sorted) order.
func checkCustomFields(c *checks, schema CustomFieldSchema, kinds []Kind, values map[string]any) {
	defs := schema.definitions(kinds)
	names := make([]string, 0, len(defs)+len(values))
	for name := range defs {
		names = append(names, name)
	}
	for name := range values {
		if _, ok := defs[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		field := "custom_fields." + name
		def, known := defs[name]
		v, present := values[name]
		switch {
		case !known:
			c.add(field, "unknown field for this kind of organisation")
		case !present || v == nil:
			if def.Required {
				c.add(field, "required")
			}
		default:
			if msg := def.check(v); msg != "" {
				c.add(field, "%s", msg)
			}
		}
	}
}

// check returns why v does not fit d, or "" if it does. Values arrive decoded
// from JSON, so numbers may be float64 or json.Number and dates strings.
func (d FieldDefinition) check(v any) string {
	switch d.Type {
	case FieldString:
		s, ok := v.(string)
		if !ok {
			return "must be text"
		}
		if len(d.Allowed) > 0 && !slices.Contains(d.Allowed, s) {
			return "must be one of the allowed values"
		}
	case FieldNumber:
		switch n := v.(type) {
		case float64, float32, int, int32, int64:
		case json.Number:
			if _, err := n.Float64(); err != nil {
				return "must be a number"
			}
		default:
			return "must be a number"
		}
	case FieldBool:
		if _, ok := v.(bool); !ok {
			return "must be true or false"
		}
	case FieldDate:
		switch t := v.(type) {
		case Date:
			if !t.Valid() {
				return ErrInvalidDate.Error()
			}
		case time.Time:
		case string:
			if _, err := time.Parse(time.DateOnly, t); err != nil {
				return "must be a date written YYYY-MM-DD"
			}
		default:
			return ErrInvalidDate.Error()
		}
	default:
		return "has an unknown field type " + string(d.Type)
	}
	return ""
}

// Definition returns the definition of the custom field name for an
// organisation of kinds, so importers can convert text cells to its type.
func (s CustomFieldSchema) Definition(kinds []Kind, name string) (FieldDefinition, bool) {
	d, ok := s.definitions(kinds)[name]
	return d, ok
}

// ParseCustomFieldSchema reads a schema written as JSON, kind by kind:
//
//	{"school": [{"name": "student_count", "type": "number", "required": true}]}
//
// and refuses what would make every organisation of a kind fail or pass
// for the wrong reason: an unknown kind or type, a nameless or repeated
// field, allowed values on a field that is not text.
func ParseCustomFieldSchema(data []byte) (CustomFieldSchema, error) {
	var s CustomFieldSchema
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("custom field schema: %w", err)
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if !k.Valid() {
			errs = append(errs, fmt.Errorf("unknown organisation kind %q", k))
		}
		seen := map[string]bool{}
		for i, d := range s[k] {
			at := fmt.Sprintf("%s[%d]", k, i)
			switch {
			case strings.TrimSpace(d.Name) == "":
				errs = append(errs, fmt.Errorf("%s: a field needs a name", at))
			case seen[d.Name]:
				errs = append(errs, fmt.Errorf("%s: %q is defined twice", at, d.Name))
			}
			seen[d.Name] = true
			if !slices.Contains([]FieldType{FieldString, FieldNumber, FieldBool, FieldDate}, d.Type) {
				errs = append(errs, fmt.Errorf("%s: unknown type %q (string, number, bool or date)", at, d.Type))
			}
			if len(d.Allowed) > 0 && d.Type != FieldString {
				errs = append(errs, fmt.Errorf("%s: allowed values are for string fields", at))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("custom field schema: %w", err)
	}
	return s, nil
}
