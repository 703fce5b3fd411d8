package party

import (
	"errors"
	"fmt"
	"strings"
)

// ErrSelfMerge is returned when a merge names the same party as survivor and
// merged, because merging a record into itself would delete it.
var ErrSelfMerge = errors.New("party: cannot merge a party into itself")

// FieldError is one invalid field. Field is a path a client can point at, such
// as "name", "phones[1]" or "custom_fields.budget_chapter".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of a party (or of what Of
// names) at once, so a form or an import report can show all problems
// instead of one per attempt.
type ValidationError struct {
	// Of is what was checked, "party" when empty.
	Of     string       `json:"of,omitempty"`
	Fields []FieldError `json:"fields"`
}

// Subject is what the error is about: "party" or what Of says.
func (e *ValidationError) Subject() string {
	if e.Of == "" {
		return "party"
	}
	return e.Of
}

// Error lists the invalid fields and their messages. Messages never quote
// names, phones or emails, so the error is safe to log.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid " + e.Subject() + ": " + strings.Join(parts, "; ")
}

// checks collects field errors while a constructor walks the fields.
type checks struct {
	fields []FieldError
}

func (c *checks) add(field, format string, args ...any) {
	c.fields = append(c.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *checks) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: c.fields}
}

func indexed(field string, i int) string {
	return fmt.Sprintf("%s[%d]", field, i)
}
