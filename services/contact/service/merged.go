package service

import (
	"context"
	"fmt"

	"github.com/rapportcrm/rapport/services/contact/store"
)

// MergedError refuses a write through the id of a party that was merged
// into another: the id resolves to the survivor, a record the caller did
// not name, so deleting, changing or merging through it would act on that
// record unseen. Reading through the id stays allowed.
type MergedError struct {
	ID, SurvivorID string
	// Action is what the caller may do with the survivor by its own id:
	// "delete", "change" or "merge".
	Action string
	// Field names where the id was given: "" for the path, "merged_id".
	Field string
}

func (e *MergedError) Error() string {
	return fmt.Sprintf("%s was merged into %s", e.ID, e.SurvivorID)
}

// writeTarget resolves id, the party a write names, to the live party it
// changes. A merged id is refused, unless the caller says by pre (If-Match)
// which version of the survivor it read: then it knows what it changes. A
// delete passes a nil pre, as deleting through an old id is never meant.
func (p *Parties[T]) writeTarget(ctx context.Context, db store.DB, id string, pre Precondition, action string) (string, error) {
	resolved, err := store.ResolveAlias(ctx, db, p.k.table, id)
	if err != nil || resolved == id || pre != nil {
		return resolved, err
	}
	return "", &MergedError{ID: id, SurvivorID: resolved, Action: action}
}
