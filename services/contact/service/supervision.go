package service

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// holdSupervision takes the supervision lock (store.LockSupervision) when a
// write of p's parties may give a stored organisation another supervising
// unit, before the write locks any party, so that every such write checks
// for loops on chains the others have committed.
func (p *Parties[T]) holdSupervision(ctx context.Context, tx pgx.Tx, may bool) error {
	if p.k.table != store.Organization || !may {
		return nil
	}
	return store.LockSupervision(ctx, tx)
}

// refuseNewLoop refuses an edit whose new supervising unit has the
// organisation among the units above it.
func (p *Parties[T]) refuseNewLoop(ctx context.Context, tx pgx.Tx, before, next T, field string) error {
	o, ok := any(next).(party.Organisation)
	if !ok || o.SupervisingUnitID == "" || o.SupervisingUnitID == any(before).(party.Organisation).SupervisingUnitID {
		return nil
	}
	return refuseSupervisionLoop(ctx, tx, o, field)
}

// refuseSupervisionLoop refuses o's supervising unit when the units above it
// lead back to o: the import refuses such loops, so an export holding one
// would not import back, and a chain of units would have no top. field
// names the input to blame. Only a stored organisation can close a loop:
// a new one has no unit under it.
func refuseSupervisionLoop(ctx context.Context, tx pgx.Tx, o party.Organisation, field string) error {
	if o.SupervisingUnitID == "" {
		return nil
	}
	chain, err := store.SupervisingChain(ctx, tx, o.SupervisingUnitID)
	if err != nil {
		return err
	}
	for i, u := range chain {
		if u.ID != o.ID {
			continue
		}
		names := []string{o.Name}
		for _, above := range chain[:i] {
			names = append(names, above.Name)
		}
		names = append(names, o.Name)
		return problem.Invalid("the supervising units would go round in a loop", problem.FieldError{Field: field,
			Message: "would make the supervising units go round: " + strings.Join(names, " → ") + " (each supervised by the next)"})
	}
	return nil
}

// dropInheritedLoop drops the supervising unit a merge's result took from
// the merged organisation (the survivor had none, or only the merged one)
// when that unit is below either of the two: the units under the merged
// one move to the survivor, so the survivor would be above its own
// supervising unit. party's merge drops it likewise when one of the two
// supervised the other directly. A unit chosen over the survivor's own
// (keep) is refused instead.
func (p *Parties[T]) dropInheritedLoop(ctx context.Context, tx pgx.Tx, survivor, result T, mergedID string) (T, error) {
	s, ok := any(survivor).(party.Organisation)
	r, _ := any(result).(party.Organisation)
	if !ok || r.SupervisingUnitID == "" || r.SupervisingUnitID == s.SupervisingUnitID {
		return result, nil
	}
	chain, err := store.SupervisingChain(ctx, tx, r.SupervisingUnitID)
	if err != nil {
		return result, err
	}
	for _, u := range chain {
		if u.ID == s.ID || u.ID == mergedID {
			if s.SupervisingUnitID != "" && s.SupervisingUnitID != mergedID {
				// The survivor had a unit of its own and the caller chose the
				// merged one's: dropping both would lose a value unasked.
				return result, problem.Invalid("the chosen supervising unit is below the merged parties",
					problem.FieldError{Field: "keep.supervising_unit_id", Message: "the merged organisation's unit is below one of the two: keep the survivor's"})
			}
			r.SupervisingUnitID, r.SupervisingUnitName = "", ""
			return any(r).(T), nil
		}
	}
	return result, nil
}
