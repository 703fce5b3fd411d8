package problem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
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
		return decodeProblem(err, limit)
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
		return Invalid("a field has the wrong type", FieldError{Field: field, Message: fmt.Sprintf("must be %s", jsonKind(typ.Type.Kind().String()))})
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
	return Invalid("a date and time is not valid", FieldError{Field: field,
		Message: "must be a date and time in RFC 3339 form, such as 2026-11-20T10:00:00+07:00"})
}
