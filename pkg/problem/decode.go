package problem

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// DefaultBodyLimit bounds request bodies unless a route says otherwise.
const DefaultBodyLimit = 1 << 20

// DecodeJSON reads exactly one JSON value from r's body into dst, refusing
// unknown fields, wrong types, trailing data and bodies over limit bytes.
// Every refusal is a *Problem naming what was wrong.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any, limit int64) error {
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return &Problem{Type: "https://rapport.dev/problems/unsupported-media-type", Title: http.StatusText(http.StatusUnsupportedMediaType),
			Status: http.StatusUnsupportedMediaType, Detail: "send application/json"}
	}
	return Decode(http.MaxBytesReader(w, r.Body, limit), dst, limit)
}

// isJSON reports whether the media type ct is JSON: application/json, or a
// JSON-based type such as application/merge-patch+json, which clients send
// with a PATCH (RFC 7386). Media types are case-insensitive.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	sub, ok := strings.CutPrefix(mt, "application/")
	return ok && (sub == "json" || strings.HasSuffix(sub, "+json"))
}

// Decode is DecodeJSON over any reader; it is the fuzzed core. It also
// refuses a string holding the NUL character, naming where it is: every
// body of every service passes here, so no text field has to check it.
func Decode(body io.Reader, dst any, limit int64) error {
	raw, err := io.ReadAll(body)
	if err != nil {
		return decodeProblem(err, limit)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if p := timeProblem(raw, err); p != nil {
			return p
		}
		if p := timeNotStringProblem(raw, reflect.TypeOf(dst), err); p != nil {
			return p
		}
		return decodeProblem(typeErrorAt(raw, err), limit)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return BadRequest("request body must hold a single JSON value")
	}
	return RefuseNUL(raw, "")
}

func decodeProblem(err error, limit int64) *Problem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return TooLarge(limit)
	case errors.Is(err, io.EOF):
		return BadRequest("request body is empty")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest("request body is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		kind := jsonKind(typ.Type.Kind().String())
		if reflect.PointerTo(typ.Type).Implements(textUnmarshaler) {
			// A date, say: a struct in Go, written as a string.
			kind = "a string"
		}
		return Invalid("a field has the wrong type", FieldError{Field: field, Message: "must be " + kind})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Invalid("the body has a field this endpoint does not know", FieldError{Field: name, Message: "unknown field"})
	default:
		var p *Problem
		if errors.As(err, &p) {
			return p // a field's own UnmarshalJSON refused its value
		}
		return BadRequest("request body could not be read: " + err.Error())
	}
}

// typeErrorAt returns err with the field of a type error set to the path
// of the value it is about, found by its offset: encoding/json names the
// struct field, so an element of a list ("phones": ["…", 123]) or a value
// of a map ("keep": {"name": 5}) would be reported as the whole list or
// map, with the element's type, which reads as the list's.
func typeErrorAt(doc []byte, err error) error {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return err
	}
	// A mistyped value's offset is just past it, or, for an object or an
	// array, past its opening delimiter.
	path, found := findToken(doc, func(dec *json.Decoder, tok json.Token) bool {
		return dec.InputOffset() == typ.Offset
	})
	if !found || path == "(body)" {
		return err
	}
	at := *typ
	at.Field = path
	return &at
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	default:
		return "of another type"
	}
}

// timeProblem is the 422 of a date-time field that is not RFC 3339, naming
// the field (found by its value, as encoding/json does not say which field
// a type's own UnmarshalJSON refused) and the form expected, or nil. Go's
// own message would show its layout, 2006-01-02T15:04:05Z07:00, which
// reads as an example date.
func timeProblem(doc []byte, err error) *Problem {
	var perr *time.ParseError
	if !errors.As(err, &perr) || perr.Layout != time.RFC3339 {
		return nil
	}
	value := strings.Trim(perr.Value, `"`)
	field, found := findString(doc, func(s string) bool { return s == value })
	if !found {
		field = "(body)"
	}
	return Invalid("a date and time is not valid", FieldError{Field: field, Message: rfc3339Message})
}

const rfc3339Message = "must be a date and time in RFC 3339 form, such as 2026-11-20T10:00:00+07:00"

// timeNotStringProblem is the 422 of a date-time sent as a number, an object
// or true, or nil. time.Time's own refusal says neither which field nor what
// was wrong, so the field is found by walking the document along dst's type
// to the first date-time member that is not a string.
func timeNotStringProblem(doc []byte, dst reflect.Type, err error) *Problem {
	if err.Error() != "Time.UnmarshalJSON: input is not a JSON string" {
		return nil
	}
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	field, found := timeNotString(v, dst, "")
	if !found {
		field = "(body)"
	}
	return Invalid("a date and time is not valid", FieldError{Field: field, Message: rfc3339Message})
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// timeNotString returns the path of the first value in v, decoded JSON, that
// t declares a time.Time and that is neither a string nor null.
func timeNotString(v any, t reflect.Type, path string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		switch v.(type) {
		case string, nil:
			return "", false
		}
		return path, true
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, _ := v.(map[string]any)
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			if name == "" && f.Anonymous {
				// An embedded struct's members are the outer object's own.
				if p, found := timeNotString(v, f.Type, path); found {
					return p, true
				}
				continue
			}
			if name == "" {
				name = f.Name
			}
			if inner, ok := jsonMember(obj, name); ok {
				if p, found := timeNotString(inner, f.Type, member(path, name)); found {
					return p, true
				}
			}
		}
	case reflect.Map:
		obj, _ := v.(map[string]any)
		for key, inner := range obj {
			if p, found := timeNotString(inner, t.Elem(), member(path, key)); found {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		list, _ := v.([]any)
		for i, inner := range list {
			if p, found := timeNotString(inner, t.Elem(), path+"["+strconv.Itoa(i)+"]"); found {
				return p, true
			}
		}
	}
	return "", false
}

// jsonMember finds a member as encoding/json does: by exact name first,
// then ignoring case.
func jsonMember(obj map[string]any, name string) (any, bool) {
	if v, ok := obj[name]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}
