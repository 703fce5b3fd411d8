package course

import (
	"errors"
	"strings"
)

// ErrInvalid is wrapped by every ValidationError, so callers can map all input
// problems to one answer without knowing which form failed.
var ErrInvalid = errors.New("invalid input")

// FieldError is one problem with one field, phrased for the person who filled the form.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError collects every problem of a form at once, so a user fixes them in
// one round trip instead of one error per submit.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
}

// Add records a problem; it is exported so the report and desk-log packages build the
// same error type and the transport maps it once.
func (v *ValidationError) Add(field, message string) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: message})
}

// Err returns v as an error, or nil when nothing was added; returning a nil
// *ValidationError inside an error interface would look like a failure.
func (v *ValidationError) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

// Error joins every field problem so logs show the whole form's trouble in one line.
func (v *ValidationError) Error() string {
	parts := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (v *ValidationError) Unwrap() error { return ErrInvalid }

// Has reports whether field has a problem; tests and UIs ask this more than anything.
func (v *ValidationError) Has(field string) bool {
	for _, f := range v.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
