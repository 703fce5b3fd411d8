// Package ownership holds the rules of who cares for a party: who may give
// a party to another owner or delete it, and what reason such a change
// needs. Every party has an owner, so that a customer is not lost when a
// staff member leaves; the rules keep a colleague from taking or deleting a
// customer unseen. Nothing here does I/O.
package ownership

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/rapportcrm/rapport/pkg/auth"
)

// Action is what a caller asks to do with a party someone owns.
type Action string

// The actions the owner rule guards.
const (
	Reassign Action = "give to another owner"
	Delete   Action = "delete"
)

// Stewards may act on any party: the deployment lead, the department head
// and the administrator, who share out and clean up the team's customers.
var Stewards = []auth.Role{auth.Lead, auth.Manager, auth.Admin}

// Caller is the staff member asking, as the verified token names them.
type Caller struct {
	ID    string
	Roles []auth.Role
}

// DeniedError is an action refused by the owner rule; it names the owner,
// the one colleague the caller can ask (or the stewards).
type DeniedError struct {
	Action  Action
	OwnerID string
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("the party is cared for by %s: only they, a lead, a manager or an admin may %s it", e.OwnerID, e.Action)
}

// May reports whether c may do a to a party owned by owner: its owner and
// the stewards may, nobody else (a *DeniedError).
func May(c Caller, a Action, owner string) error {
	if c.ID != "" && c.ID == owner {
		return nil
	}
	if slices.ContainsFunc(c.Roles, func(r auth.Role) bool { return slices.Contains(Stewards, r) }) {
		return nil
	}
	return &DeniedError{Action: a, OwnerID: owner}
}

// MaxReason bounds the reason of an owner change, in characters: a
// sentence or two, not a report.
const MaxReason = 500

// Reason returns the reason of an owner change or hand-over as it is
// kept (trimmed, inner white space collapsed, letters composed), or why
// it is refused: the reason is the point of the audit record, so a blank
// one is refused as a missing one is.
func Reason(s string) (string, string) {
	r := norm.NFC.String(strings.Join(strings.Fields(s), " "))
	switch {
	case r == "":
		return "", "is required: say why the party changes hands (it is kept in its history and shown on /care)"
	case utf8.RuneCountInString(r) > MaxReason:
		return "", fmt.Sprintf("is longer than %d characters", MaxReason)
	}
	return r, ""
}
