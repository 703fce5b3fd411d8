package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// Merge folds mergedID into survivorID: the survivor keeps its id, gains
// the merged party's values, history, interactions and an alias of its id.
// Only the merged party's owner or a steward may, and only the survivor's
// owner or a steward when the survivor is given the merged party's owner
// (ownership.MayMerge): a merge deletes a record and may move a customer.
// keep decides whose value stays where both hold a single value
// differently; a conflict it leaves open refuses the merge
// (*party.ConflictError) and nothing is written. The history entry of the
// merge records each decided conflict with both values, as the merged
// party's record, which held the value kept away, is deleted.
// pre is asked of the survivor's version, the record the client reviewed
// the merge on. Neither id may be an old id of a merged party unless, for
// the survivor, pre names the version read (MergedError).
func (p *Parties[T]) Merge(ctx context.Context, survivorID, mergedID string, keep party.Keep, pre Precondition) (View[T], error) {
	var out View[T]
	actor, now := Actor(ctx), p.s.now()
	err := postgres.InTx(ctx, p.s.Pool, func(tx pgx.Tx) error {
		if err := p.holdSupervision(ctx, tx, true); err != nil {
			return err
		}
		sid, err := p.writeTarget(ctx, tx, survivorID, pre, "merge into")
		if err != nil {
			return err
		}
		mid, err := store.ResolveAlias(ctx, tx, p.k.table, mergedID)
		if err != nil {
			return err
		}
		// An old id of another party would merge its survivor, which the
		// caller did not review.
		if mid != mergedID && mid != sid {
			return &MergedError{ID: mergedID, SurvivorID: mid, Action: "merge", Field: "merged_id"}
		}
		if sid == mid && mid != mergedID {
			return problem.Invalid("nothing to merge", problem.FieldError{Field: "merged_id", Message: "was already merged into " + sid})
		}
		if sid == mid {
			return party.ErrSelfMerge
		}
		first, second := sid, mid
		if second < first {
			first, second = second, first
		}
		loaded := map[string]T{}
		for _, id := range []string{first, second} {
			var asked Precondition // of the survivor only
			if id == sid {
				asked = pre
			}
			v, _, err := p.load(ctx, tx, id, asked)
			if id == mid && errors.Is(err, store.ErrNotFound) {
				return problem.Invalid("nothing to merge", problem.FieldError{Field: "merged_id", Message: "is not an existing " + p.k.noun()})
			}
			if err != nil {
				return fmt.Errorf("merge %s: %w", id, err)
			}
			loaded[id] = v
		}
		survivor, merged := loaded[sid], loaded[mid]
		// The merged party's record goes: its owner's say is asked first,
		// before its conflicts are shown to someone who may not merge it.
		if err := ownership.May(caller(ctx), ownership.Merge, *p.k.owner(&merged)); err != nil {
			return err
		}
		result, err := p.k.merge(survivor, merged, keep)
		if err != nil {
			return nameLinkConflicts(ctx, tx, err)
		}
		if err := ownership.MayMerge(caller(ctx), *p.k.owner(&survivor), *p.k.owner(&merged), *p.k.owner(&result)); err != nil {
			return err
		}
		if result, err = p.dropInheritedLoop(ctx, tx, survivor, result, mid); err != nil {
			return err
		}
		r, err := row(p.k, result)
		if err != nil {
			return err
		}
		if err := store.DeleteParty(ctx, tx, p.k.table, mid); err != nil {
			return err
		}
		if err := store.Repoint(ctx, tx, p.k.table, mid, sid, now); err != nil {
			return err
		}
		// The survivor's follow-up is the one the rule gives over both
		// parties' interactions: the merged party's may be the latest.
		if _, err := p.s.settleFollowUp(ctx, tx, p.k.table, sid); err != nil {
			return err
		}
		if _, err := store.UpdateParty(ctx, tx, p.k.table, r, now); err != nil {
			return err
		}
		if err := store.Touch(ctx, tx, p.k.table, sid, actor, now); err != nil {
			return err
		}
		changes := append(toStore(p.k.diff(survivor, result)), store.Change{Field: "merged_from", Old: nil, New: mid})
		for i := range changes {
			if changes[i].Field == "owner_id" {
				changes[i].Reason = mergedReason
			}
		}
		changes = append(changes, toStore(party.MergeRecord(p.k.conflicts(survivor, merged), keep))...)
		if err := store.InsertHistory(ctx, tx, p.k.table, sid, actor, now, changes); err != nil {
			return err
		}
		payloads := []any{p.k.merged(result, mid)}
		// The merged party's owner, chosen in keep, takes the survivor over
		// as a hand-over would: the owner audit and its event say so.
		if oldOwner, newOwner := *p.k.owner(&survivor), *p.k.owner(&result); oldOwner != newOwner {
			if err := store.InsertOwnerAudit(ctx, tx, p.k.table, sid, ptr(oldOwner), newOwner, actor, mergedReason, nil, now); err != nil {
				return err
			}
			payloads = append(payloads, p.k.ownerChanged(ownerChange{id: sid, old: oldOwner, new: newOwner, by: actor, reason: mergedReason}))
		}
		if err := p.s.emit(ctx, tx, sid, payloads...); err != nil {
			return err
		}
		gone := append([]string{mid}, p.k.absorbed(merged)...)
		if p.k.table == store.Organization {
			if err := p.s.Organisations.relink(ctx, tx, gone, sid, actor, now); err != nil {
				return err
			}
		}
		if err := p.s.People.relink(ctx, tx, gone, sid, actor, now); err != nil {
			return err
		}
		// The units under the merged one are now under the survivor: one
		// of them may be above it too.
		if o, ok := any(result).(party.Organisation); ok {
			if err := refuseSupervisionLoop(ctx, tx, o, "merged_id"); err != nil {
				return err
			}
		}
		// Read back as stored, so the answer and its version hold whatever
		// the relinks above wrote too.
		out, err = p.read(ctx, tx, sid)
		return err
	})
	return out, err
}
