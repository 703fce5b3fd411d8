package http

import (
	"encoding/json"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/service"
)

// takeForce moves the duplicate override, force and force_reason, out of
// a create's or a PATCH's body, which is the party's fields otherwise.
func takeForce(body map[string]json.RawMessage, force *bool, reason *string) error {
	for f, dst := range map[string]any{"force": force, "force_reason": reason} {
		if v, ok := body[f]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return problem.Invalid("wrong type", problem.FieldError{Field: f, Message: "has the wrong type"})
			}
			delete(body, f)
		}
	}
	return nil
}

// duplicateProblem is the 409 of a write refused by a duplicate, listing
// the matches: one shape for a creation, an edit and a restore, each
// saying what matched and what force would do.
func duplicateProblem(dup *service.DuplicateError) *problem.Problem {
	var why string
	switch {
	case dup.Probable && dup.Write == service.Editing:
		why = "after the edit no phone, email or tax code tells this party apart from a stored one it now probably is: "
	case dup.Probable && dup.Write == service.Restoring:
		why = "no phone, email or tax code tells this party apart, and a party created since probably is it: "
	case dup.Probable:
		why = "no phone, email or tax code tells this party apart, and a stored one probably is it: "
	case dup.Write == service.Editing:
		why = "the edit adds a phone, email or tax code another party holds"
	case dup.Write == service.Restoring:
		why = "a party created since holds the same phone, email or tax code"
	default:
		why = "a party with the same phone, email or tax code exists"
	}
	if dup.Probable {
		why += "a person of the same name at the same workplace, or an organisation of the same name " +
			"in the same province or with no province on one of them"
	}
	do := map[service.Write]string{service.Creating: "create it", service.Editing: "make the edit", service.Restoring: "restore it"}[dup.Write]
	return problem.Conflict(why+"; send force: true with a force_reason to "+do+" anyway").With("matches", dup.Matches)
}
