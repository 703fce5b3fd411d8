package party

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
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
	// Integer, Min and Max bound a number field: a school's student count
	// is a whole number of at least zero, not -5 or 900.5.
	Integer bool     `json:"integer,omitempty"`
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
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
	for _, name := range fieldNames(defs, values) {
		def, known := defs[name]
		v, present := values[name]
		if msg := fieldProblem(def, known, v, present && v != nil); msg != "" {
			c.add("custom_fields."+name, "%s", msg)
		}
	}
}

// fieldNames are the names defs defines and values holds, sorted.
func fieldNames(defs map[string]FieldDefinition, values map[string]any) []string {
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
	return names
}

// fieldProblem says why a custom field cannot hold v (or nothing, when
// present is false), or returns "" if it can. known says whether def
// defines the field at all.
func fieldProblem(def FieldDefinition, known bool, v any, present bool) string {
	switch {
	case !known:
		return "unknown field for this kind of organisation"
	case !present:
		if def.Required {
			return "required"
		}
		return ""
	default:
		return def.check(v)
	}
}

// Refused returns, sorted, the custom fields among values that an
// organisation of kinds cannot hold under s: unknown to its kinds, or of
// the wrong type or value. A required field it lacks is not among them:
// lacking it refuses no value, and the organisation is asked for it on
// its next edit.
func (s CustomFieldSchema) Refused(kinds []Kind, values map[string]any) []string {
	defs := s.definitions(kinds)
	var out []string
	for _, name := range slices.Sorted(maps.Keys(values)) {
		def, known := defs[name]
		if v := values[name]; v != nil && fieldProblem(def, known, v, true) != "" {
			out = append(out, name)
		}
	}
	return out
}

// Set returns values with set applied as a JSON merge patch: a nil value
// removes its field, any other sets it. refused says, by field of set, why
// an organisation of kinds cannot take the change: a value its kinds do not
// define or that does not fit, or the removal of a required field it holds.
// Removing a value of a field its kinds do not define is always allowed:
// that is how a value kept from an earlier schema is cleared. values is
// not modified.
func (s CustomFieldSchema) Set(kinds []Kind, values, set map[string]any) (out map[string]any, refused map[string]string) {
	defs := s.definitions(kinds)
	out = maps.Clone(values)
	refuse := func(name, msg string) {
		if refused == nil {
			refused = map[string]string{}
		}
		refused[name] = msg
	}
	for name, v := range set {
		def, known := defs[name]
		if v == nil {
			if _, held := values[name]; held && known && def.Required {
				refuse(name, "is required, so it cannot be removed")
			}
			delete(out, name)
			continue
		}
		if msg := fieldProblem(def, known, v, true); msg != "" {
			refuse(name, msg)
		}
		if out == nil {
			out = map[string]any{}
		}
		out[name] = v
	}
	if len(out) == 0 {
		out = nil
	}
	return out, refused
}

// Tightened returns the custom fields among values, held by an
// organisation of kinds, that after refuses and before accepted: the values
// a change of the schema from before to after would leave invalid. Values
// before already refused (kept from an earlier schema) are not the
// change's doing.
func Tightened(before, after CustomFieldSchema, kinds []Kind, values map[string]any) []string {
	was := before.Refused(kinds, values)
	return slices.DeleteFunc(after.Refused(kinds, values), func(name string) bool { return slices.Contains(was, name) })
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
			return "must be one of " + strings.Join(d.Allowed, ", ")
		}
	case FieldNumber:
		n, ok := number(v)
		if !ok {
			return "must be a number"
		}
		return d.checkNumber(n)
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

// number reads v as a number, as JSON decodes one.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// checkNumber returns why n is out of d's bounds, or "".
func (d FieldDefinition) checkNumber(n float64) string {
	switch {
	case d.Integer && n != math.Trunc(n):
		return "must be a whole number"
	case d.Min != nil && n < *d.Min:
		return "must be at least " + strconv.FormatFloat(*d.Min, 'f', -1, 64)
	case d.Max != nil && n > *d.Max:
		return "must be at most " + strconv.FormatFloat(*d.Max, 'f', -1, 64)
	}
	return ""
}

// TypeOf returns the type of the custom field name, "" when kinds
// define it with different types or none does.
func (s CustomFieldSchema) TypeOf(name string) FieldType {
	var t FieldType
	for _, defs := range s {
		for _, d := range defs {
			if d.Name == name {
				if t != "" && t != d.Type {
					return ""
				}
				t = d.Type
			}
		}
	}
	return t
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
// and checks it (see Check).
func ParseCustomFieldSchema(data []byte) (CustomFieldSchema, error) {
	var s CustomFieldSchema
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("custom field schema: %w", err)
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	return s.Normalized(), nil
}

// Check refuses, field by field, what would make every organisation of a
// kind fail or pass for the wrong reason: an unknown kind or type, a
// nameless or repeated field, allowed values on a field that is not text
// or repeated in its list, bounds on a field that is not a number or that
// no value fits. Paths are written "school[1].type".
func (s CustomFieldSchema) Check() error {
	var c checks
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if !k.Valid() {
			c.add(string(k), "unknown organisation kind %q", k)
		}
		seen := map[string]bool{}
		for i, d := range s[k] {
			at := indexed(string(k), i)
			switch {
			case strings.TrimSpace(d.Name) == "":
				c.add(at+".name", "a field needs a name")
			case d.Name != strings.TrimSpace(d.Name):
				c.add(at+".name", "must not start or end with spaces")
			case seen[d.Name]:
				c.add(at+".name", "%q is defined twice", d.Name)
			}
			seen[d.Name] = true
			if !slices.Contains([]FieldType{FieldString, FieldNumber, FieldBool, FieldDate}, d.Type) {
				c.add(at+".type", "unknown type %q (string, number, bool or date)", d.Type)
			}
			if len(d.Allowed) > 0 && d.Type != FieldString {
				c.add(at+".allowed", "allowed values are for string fields")
			}
			if len(slices.Compact(slices.Sorted(slices.Values(d.Allowed)))) != len(d.Allowed) {
				c.add(at+".allowed", "lists a value twice")
			}
			checkBounds(&c, at, d)
		}
	}
	if len(c.fields) == 0 {
		return nil
	}
	return &ValidationError{Of: "custom field schema", Fields: c.fields}
}

// checkBounds refuses the bounds of d that no value could meet or that
// bound what is not a number.
func checkBounds(c *checks, at string, d FieldDefinition) {
	if d.Type != FieldNumber {
		for i, set := range []bool{d.Integer, d.Min != nil, d.Max != nil} {
			if set {
				c.add(at+"."+[]string{"integer", "min", "max"}[i], "bounds are for number fields")
			}
		}
		return
	}
	if d.Min != nil && d.Max != nil && *d.Min > *d.Max {
		c.add(at+".max", "must not be below min (%s)", strconv.FormatFloat(*d.Min, 'f', -1, 64))
	}
	if d.Integer && d.Min != nil && d.Max != nil && math.Floor(*d.Max) < math.Ceil(*d.Min) {
		c.add(at+".max", "leaves no whole number from min (%s)", strconv.FormatFloat(*d.Min, 'f', -1, 64))
	}
}

// Normalized returns s without the kinds that define no field, so that a
// kind listed empty and a kind left out are the same schema.
func (s CustomFieldSchema) Normalized() CustomFieldSchema {
	out := make(CustomFieldSchema, len(s))
	for k, defs := range s {
		if len(defs) > 0 {
			out[k] = defs
		}
	}
	return out
}

// Equal reports whether s and t define the same fields, in the same order.
func (s CustomFieldSchema) Equal(t CustomFieldSchema) bool {
	s, t = s.Normalized(), t.Normalized()
	return maps.EqualFunc(s, t, func(a, b []FieldDefinition) bool {
		return slices.EqualFunc(a, b, func(x, y FieldDefinition) bool {
			return x.Name == y.Name && x.Type == y.Type && x.Required == y.Required && slices.Equal(x.Allowed, y.Allowed) &&
				x.Integer == y.Integer && sameBound(x.Min, y.Min) && sameBound(x.Max, y.Max)
		})
	})
}

func sameBound(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
