// Package ownership holds the rules of who cares for a party: who may give
// a party to another owner, delete it, merge it into another or restore it,
// or undo an import (which deletes the parties it created), who may log or
// correct an interaction as whose work, and what reason
// such a change needs. Every party has an owner, so that a customer is not
// lost when a staff member leaves; the rules keep a colleague from taking
// or deleting a customer unseen, one at a time or a file at once. Nothing
// here does I/O.
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

// The actions the owner rule guards, as a refusal says them.
const (
	Reassign Action = "give it to another owner"
	Delete   Action = "delete it"
	// Merge is merging the party into another: its record is deleted and
	// its customer, history and interactions go to the survivor, which may
	// be another staff member's.
	Merge Action = "merge it into another party"
	// MergeOwner is a merge keeping the merged party's owner for the
	// survivor: the survivor's owner loses it, as in a reassignment.
	MergeOwner Action = "give it to the owner of the party merged into it"
	// Restore is bringing a deleted party back.
	Restore Action = "restore it"
	// UndoImport deletes the parties an import created: the staff member
	// who uploaded it stands for their owner.
	UndoImport Action = "undo it"
	// Credit is logging an interaction as made by another staff member
	// (its staff_id), whose work the activity report counts it as.
	Credit Action = "log an interaction as made by another staff member"
	// Correct is correcting or deleting an interaction logged by mistake.
	Correct Action = "correct or delete it"
)

// Stewards may act on any party: the deployment lead, the department head
// and the administrator, who share out and clean up the team's customers.
var Stewards = []auth.Role{auth.Lead, auth.Manager, auth.Admin}

// Caller is the staff member asking, as the verified token names them.
type Caller struct {
	ID    string
	Roles []auth.Role
}

// DeniedError is an action refused by the owner rule; it names the owner
// (of an import, its uploader; of an interaction, the staff member who
// made it), the one colleague the caller can ask (or the stewards), for a
// restore the staff member who deleted the party and for a correction the
// one who logged the interaction, who may ask too.
type DeniedError struct {
	Action    Action
	OwnerID   string
	DeletedBy string // of a Restore only
	LoggedBy  string // of a Correct only
}

func (e *DeniedError) Error() string {
	switch e.Action {
	case Restore:
		return fmt.Sprintf("the party was cared for by %s and deleted by %s: only they, a lead, a manager or an admin may %s",
			e.OwnerID, e.DeletedBy, e.Action)
	case UndoImport:
		return fmt.Sprintf("the import was uploaded by %s: only they, a lead, a manager or an admin may %s, "+
			"as undoing it deletes the parties it created", e.OwnerID, e.Action)
	case Correct:
		return fmt.Sprintf("the interaction was logged by %s and made by %s: only they, a lead, a manager or an admin may %s",
			e.LoggedBy, e.OwnerID, e.Action)
	case Credit:
		return fmt.Sprintf("an interaction counts as the work of the staff member it names (%s): only a lead, a manager or an admin may %s; "+
			"leave staff_id out, or send your own id, to log it as yours", e.OwnerID, e.Action)
	}
	return fmt.Sprintf("the party is cared for by %s: only they, a lead, a manager or an admin may %s", e.OwnerID, e.Action)
}

// May reports whether c may do a to a party owned by owner, or to an
// import owner uploaded: the owner and the stewards may, nobody else (a
// *DeniedError).
func May(c Caller, a Action, owner string) error {
	if (c.ID != "" && c.ID == owner) || c.steward() {
		return nil
	}
	return &DeniedError{Action: a, OwnerID: owner}
}

// steward reports whether c holds one of the Stewards' roles.
func (c Caller) steward() bool {
	return slices.ContainsFunc(c.Roles, func(r auth.Role) bool { return slices.Contains(Stewards, r) })
}

// MayMerge reports whether c may merge a party owned by mergedOwner into
// one owned by survivorOwner that, merged, is owned by keptOwner. The
// merged party's record is deleted and its customer goes to the survivor,
// so c must be allowed to Merge it, as to delete it; and when the merge
// gives the survivor another owner (keep chose the merged party's), the
// survivor's owner loses it, so c must be allowed over the survivor too
// (MergeOwner). A steward may merge any two.
func MayMerge(c Caller, survivorOwner, mergedOwner, keptOwner string) error {
	if err := May(c, Merge, mergedOwner); err != nil {
		return err
	}
	if keptOwner != survivorOwner {
		return May(c, MergeOwner, survivorOwner)
	}
	return nil
}

// MayRestore reports whether c may restore a deleted party, which owner
// cared for when deletedBy deleted it: either of them may, as may a
// steward; anyone else is refused (a *DeniedError naming both). The owner
// gets their customer back, and the one who deleted it undoes their own
// mistake; a colleague would bring back a record someone chose to delete.
func MayRestore(c Caller, owner, deletedBy string) error {
	if c.ID != "" && (c.ID == owner || c.ID == deletedBy) || c.steward() {
		return nil
	}
	return &DeniedError{Action: Restore, OwnerID: owner, DeletedBy: deletedBy}
}

// MayCredit reports whether c may log, or correct, an interaction as made
// by staffID: their own is theirs to log; another's only a steward may,
// as the activity report counts it as that staff member's work, so a
// colleague cannot credit a call to someone else, or to nobody (a
// *DeniedError naming staffID as its OwnerID).
func MayCredit(c Caller, staffID string) error { return May(c, Credit, staffID) }

// MayCorrect reports whether c may correct or delete an interaction
// loggedBy logged as made by staffID: either of them may, as may a
// steward, the lead among them, who supervises the team's customer care
// and so puts right a call a colleague logged wrong; any other colleague
// is refused (a *DeniedError naming both), as the activity report counts
// the interaction as staffID's work.
func MayCorrect(c Caller, loggedBy, staffID string) error {
	if c.ID != "" && (c.ID == loggedBy || c.ID == staffID) || c.steward() {
		return nil
	}
	return &DeniedError{Action: Correct, OwnerID: staffID, LoggedBy: loggedBy}
}

// MaxReason bounds the reason of an owner change, in characters: a
// sentence or two, not a report.
const MaxReason = 500

// Reason returns the reason of an owner change or hand-over as it is
// kept (trimmed, inner white space collapsed, letters composed), or why
// it is refused: the reason is the point of the audit record, so a blank
// one is refused as a missing one is.
func Reason(s string) (string, string) {
	return because(s, "say why the party changes hands (it is kept in its history and shown on /care)")
}

// RestoreReason returns the reason of a restore as it is kept, or why it
// is refused, as Reason does: a deleted party comes back only with a
// reason its history keeps.
func RestoreReason(s string) (string, string) {
	return because(s, "say why the deleted party comes back (it is kept in its history and in the restored event)")
}

// because returns a reason as it is kept, or why it is refused; ask says
// what a missing one should have said.
func because(s, ask string) (string, string) {
	r := norm.NFC.String(strings.Join(strings.Fields(s), " "))
	switch {
	case r == "":
		return "", "is required: " + ask
	case utf8.RuneCountInString(r) > MaxReason:
		return "", fmt.Sprintf("is longer than %d characters", MaxReason)
	}
	return r, ""
}
