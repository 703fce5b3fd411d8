package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// Patch applies a JSON merge patch (RFC 7386: objects such as consents and
// custom_fields merge member by member, null removes, arrays are replaced)
// to a party, validates the result and records every changed field in history.
func (p *Parties[T]) Patch(ctx context.Context, id string, patch map[string]json.RawMessage, pre Precondition) (View[T], error) {
	var out View[T]
	for _, f := range []string{"id", "merged_ids", "current_province", "force_reason", "upcoming"} {
		if _, ok := patch[f]; ok {
			return out, problem.Invalid("read-only field", problem.FieldError{Field: f, Message: "cannot be changed"})
		}
	}
	actor, now := Actor(ctx), p.s.now()
	err := p.s.userWrite(ctx, func(tx pgx.Tx) error {
		_, supervision := patch["supervising_unit_id"]
		if err := p.holdSupervision(ctx, tx, supervision); err != nil {
			return err
		}
		resolved, err := p.writeTarget(ctx, tx, id, pre, "change")
		if err != nil {
			return err
		}
		before, meta, err := p.load(ctx, tx, resolved, pre)
		if err != nil {
			return err
		}
		out.Meta.Version = meta.Version
		doc, _ := json.Marshal(p.answer(before, meta)) // the record as the client read it
		body, _ := json.Marshal(patch)
		merged, err := jsonpatch.MergePatch(doc, body)
		if err != nil {
			return fmt.Errorf("merge patch into %s: %w", resolved, err) // both sides are our own valid JSON
		}
		var next T
		if err := problem.Decode(bytes.NewReader(merged), &next, 1<<20); err != nil {
			return err
		}
		*p.k.id(&next) = *p.k.id(&before)
		// A client may send back the follow-up it read, as it may the owner.
		if *p.k.followUp(&next) != dateOf(meta.NextActionOn) {
			return followUpByEdit()
		}
		fields, err := p.fields(ctx, tx)
		if err != nil {
			return err
		}
		if next, err = p.k.validate(next, p.s.businessNow(), fields); err != nil {
			return err
		}
		if p.k.checkEdit != nil {
			if err := p.k.checkEdit(before, next); err != nil {
				return err
			}
		}
		if *p.k.owner(&next) != *p.k.owner(&before) {
			return p.ownerByPatch()
		}
		if next, err = p.checkRefs(ctx, tx, next, &before); err != nil {
			return err
		}
		if err := p.refuseNewLoop(ctx, tx, before, next, "supervising_unit_id"); err != nil {
			return err
		}
		out.Party = p.answer(next, meta)
		changes := p.k.diff(before, next)
		if len(changes) == 0 {
			return named(ctx, tx, &out.Party)
		}
		r, err := row(p.k, next)
		if err != nil {
			return err
		}
		// Only the keys the patch adds are checked: a party created with
		// force shares keys on purpose, and must stay editable.
		had := keyStrings(p.k.keys(before))
		added := slices.DeleteFunc(slices.Clone(r.Keys), func(k string) bool { return slices.Contains(had, k) })
		if err := store.LockKeys(ctx, tx, added); err != nil {
			return err
		}
		if matches, err := store.FindByKeys(ctx, tx, p.k.table, added, r.ID); err != nil {
			return err
		} else if len(matches) > 0 {
			return duplicate[T](ctx, tx, matches, false)
		}
		if out.Meta.Version, err = p.save(ctx, tx, r, changes, actor, now); err != nil {
			return err
		}
		if err := store.Touch(ctx, tx, p.k.table, r.ID, actor, now); err != nil {
			return err
		}
		if err := p.s.emit(ctx, tx, r.ID, p.k.updated(next, fieldNames(changes))); err != nil {
			return err
		}
		return named(ctx, tx, &out.Party)
	})
	return out, err
}

// save writes a changed party's new row and records its changes in
// history; it returns the row's new version.
func (p *Parties[T]) save(ctx context.Context, tx pgx.Tx, r store.Row, changes []party.Change, actor string, now time.Time) (int64, error) {
	version, err := store.UpdateParty(ctx, tx, p.k.table, r, now)
	if err != nil {
		return 0, err
	}
	return version, store.InsertHistory(ctx, tx, p.k.table, r.ID, actor, now, toStore(changes))
}

func toStore(cs []party.Change) []store.Change {
	out := make([]store.Change, len(cs))
	for i, c := range cs {
		out[i] = store.Change{Field: c.Field, Old: c.Old, New: c.New}
	}
	return out
}

func fieldNames(cs []party.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Field
	}
	return out
}
