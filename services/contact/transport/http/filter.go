package http

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
)

// filterFromJSON reads the filter of a segment or a bulk change exactly as
// a list reads its query string (queryFrom): the same names, the same
// values, the same refusals, each named filter.<name>. Decoded straight
// into a service.Query, a value the list refuses (dates_within 0) would be
// its zero value and be dropped, and the filter would select more than
// was asked, everyone at worst. A missing or null filter is nil.
func filterFromJSON(raw json.RawMessage) (*service.Query, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, problem.Invalid("bad filter", problem.FieldError{Field: "filter", Message: "must be an object of the list's query parameters"})
	}
	q := url.Values{}
	var bad []problem.FieldError
	for _, name := range slices.Sorted(maps.Keys(members)) {
		v := members[name]
		s, why := filterValue(name, v)
		if why == "" && name == "q" && s == "" {
			// Unlike a list's blank search box, a saved filter's empty q
			// is no choice anyone made: it would select everyone.
			why = "is empty: give a value, or leave q out"
		}
		if why != "" {
			bad = append(bad, problem.FieldError{Field: name, Message: why})
			continue
		}
		q.Set(name, s)
	}
	if len(bad) == 0 {
		if err := problem.KnownParams(q, filterParams...); err != nil {
			return nil, underFilter(err)
		}
	}
	if len(bad) > 0 {
		return nil, underFilter(problem.Invalid("bad filter", bad...))
	}
	query, err := queryFrom(q)
	if err != nil {
		return nil, underFilter(err)
	}
	return &query, nil
}

// filterValue is the query string value of a filter member: dates_within
// is a whole number, every other filter a string; why says what is wrong.
func filterValue(name string, v json.RawMessage) (value, why string) {
	if name == "dates_within" {
		var n int
		if err := json.Unmarshal(v, &n); err != nil {
			return "", party.ReminderWindowRule()
		}
		return strconv.Itoa(n), ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", "must be a string"
	}
	return s, ""
}

// underFilter names the fields of a problem about a filter filter.<name>,
// as they sit in the body.
func underFilter(err error) error {
	p := problem.From(err)
	if p == nil {
		return err
	}
	q := *p
	q.Errors = make([]problem.FieldError, len(p.Errors))
	for i, f := range p.Errors {
		q.Errors[i] = problem.FieldError{Field: "filter." + f.Field, Message: f.Message}
	}
	return &q
}
