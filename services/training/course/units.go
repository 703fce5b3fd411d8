package course

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrNoLiveUnit is wrapped by every *DeletedUnitsError.
var ErrNoLiveUnit = errors.New("no live unit")

// DeletedUnitsError names the units of a course the contact service deleted,
// when none of its units is left: the course would be held for nobody.
type DeletedUnitsError struct {
	UnitIDs []string
}

// Error names the deleted units, so the lead knows which to restore or replace.
func (e *DeletedUnitsError) Error() string {
	return fmt.Sprintf("every unit of the course was deleted in the contact service: %s; restore one there or register another",
		strings.Join(e.UnitIDs, ", "))
}

// Unwrap lets errors.Is(err, ErrNoLiveUnit) match.
func (e *DeletedUnitsError) Unwrap() error { return ErrNoLiveUnit }

// LiveUnits are those of units not in deleted.
func LiveUnits(units, deleted []string) []string {
	var out []string
	for _, u := range units {
		if !slices.Contains(deleted, u) {
			out = append(out, u)
		}
	}
	return out
}

// unitLeft lets a course go forward while one of its units is live: a
// course with some units deleted is still held for the others (its answer
// names the deleted ones), one with none left is held for nobody.
func unitLeft(f Facts) error {
	if len(f.UnitIDs) == 0 || len(LiveUnits(f.UnitIDs, f.DeletedUnits)) > 0 {
		return nil
	}
	return &DeletedUnitsError{UnitIDs: f.DeletedUnits}
}
