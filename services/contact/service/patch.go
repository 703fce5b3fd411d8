package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// ReadOnlyFields are the members of a party the service sets and answers:
// a create or an edit naming one is a 422.
var ReadOnlyFields = []string{"id", "merged_ids", "current_province", "upcoming"}

// Patch applies a JSON merge patch (RFC 7386: objects such as consents and
// custom_fields merge member by member, null removes, arrays are replaced)
// to a party, validates the result and records every changed field in history.
//
// An edit is checked for duplicates as a creation is, for what it changes
// only (editDuplicates): a phone, email or tax code it adds that a live
// party holds, or, for a party left without them, a stored party it now
// probably is. Either refuses it (*DuplicateError) unless force is set
// with forceReason, which then becomes the party's force_reason, its
// change recorded in history; force with nothing to force past changes
// nothing of it, as on a creation.
func (p *Parties[T]) Patch(ctx context.Context, id string, patch map[string]json.RawMessage, pre Precondition, force bool, forceReason string) (View[T], error) {
	var out View[T]
	for _, f := range ReadOnlyFields {
		if _, ok := patch[f]; ok {
			return out, problem.Invalid("read-only field", problem.FieldError{Field: f, Message: "cannot be changed"})
		}
	}
	if force && strings.TrimSpace(forceReason) == "" {
		return out, problem.Invalid("a forced edit needs a reason", problem.FieldError{Field: "force_reason",
			Message: "is required when force is true: why the party stands beside the one the edit makes it share a phone, email or tax code with, or probably be"})
	}
	if !force && forceReason != "" {
		// It says why the party stands beside a duplicate, so only forcing
		// one past sets it, a record sent back as read included.
		return out, problem.Invalid("read-only field", problem.FieldError{Field: "force_reason",
			Message: "cannot be changed but by an edit forced past a duplicate: send force: true with it"})
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
		forced, err := p.editDuplicates(ctx, tx, before, next, added, force)
		if err != nil {
			return err
		}
		if forced {
			was := *p.k.forceReason(&before)
			*p.k.forceReason(&next) = forceReason
			changes = append(changes, party.Change{Field: "force_reason", Old: nilIfEmpty(was), New: forceReason})
			if r, err = row(p.k, next); err != nil {
				return err
			}
			out.Party = p.answer(next, meta)
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

// nilIfEmpty is s, or nil for "": a history entry's old value of a field
// the party did not have.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
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
