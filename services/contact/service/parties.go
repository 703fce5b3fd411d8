package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/clock"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// DuplicateError is a creation (or an edit, or a restore) refused because
// live parties share a normalised phone, email or tax code, or, for a
// party with none of them, are probably it (Probable: a person of the same
// name at the same workplace, an organisation of the same name in the same
// province); Matches are those parties.
type DuplicateError struct {
	Matches  []any
	Probable bool
	// Restoring says the write refused is a restore, which force and its
	// reason override, not force_reason.
	Restoring bool
}

func (e *DuplicateError) Error() string {
	if e.Probable {
		return fmt.Sprintf("%d existing parties have the same name at the same workplace or in the same province", len(e.Matches))
	}
	return fmt.Sprintf("%d existing parties share a phone, email or tax code", len(e.Matches))
}

// Precondition is what a write asks of the version of the record it
// changes: a client sends the version it read, so that a change made since
// is not overwritten unseen. A nil Precondition allows any version, and
// says the client named none: a write through a merged id is then refused.
type Precondition func(version int64) bool

// StaleError is a write refused by its Precondition.
type StaleError struct {
	ID      string
	Version int64 // the current one
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s is at version %d, which the write does not expect", e.ID, e.Version)
}

// check refuses the write to a record at version unless pre allows it.
func (pre Precondition) check(id string, version int64) error {
	if pre != nil && !pre(version) {
		return &StaleError{ID: id, Version: version}
	}
	return nil
}

// Service is the contact use cases.
type Service struct {
	Pool          *pgxpool.Pool
	Clock         clock.Clock
	Log           *slog.Logger
	Catalogue     *contract.Catalogue
	Organisations *Parties[party.Organisation]
	People        *Parties[party.Person]
	// Location is the business time zone: it says which day today is.
	Location *time.Location
	// importQueued wakes this replica's import worker after an upload.
	importQueued chan struct{}
	metrics      importMetrics
}

// New wires the use cases.
func New(pool *pgxpool.Pool, clk clock.Clock, loc *time.Location, log *slog.Logger) *Service {
	s := &Service{Pool: pool, Clock: clk, Location: loc, Log: log, Catalogue: contract.Rapport(),
		importQueued: make(chan struct{}, 1), metrics: newImportMetrics()}
	s.Organisations = &Parties[party.Organisation]{s: s, k: organisations()}
	s.People = &Parties[party.Person]{s: s, k: people()}
	return s
}

// now is the time now, as stored.
func (s *Service) now() time.Time { return stored(s.Clock.Now()) }

// stored returns t as Postgres keeps a timestamptz, in UTC to the
// microsecond, so a write answers, and publishes, the times a read of it
// answers, not a local offset and nanoseconds a read would not give back.
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// today is the business day now, for reminders.
func (s *Service) today() party.Date {
	return party.DateOf(s.businessNow())
}

// businessNow is now in the business time zone, whose days dates are.
func (s *Service) businessNow() time.Time { return s.now().In(s.Location) }

// Parties are the use cases of one party type.
type Parties[T any] struct {
	s *Service
	k kind[T]
}

// Type is the table the parties live in.
func (p *Parties[T]) Type() store.Type { return p.k.table }

// Actor is the staff user calling, from the verified token.
func Actor(ctx context.Context) string {
	if c, ok := auth.ClaimsFrom(ctx); ok {
		return c.Subject
	}
	return "system"
}

// emit appends events for payloads about one aggregate inside tx.
func (s *Service) emit(ctx context.Context, tx pgx.Tx, aggregateID string, payloads ...any) error {
	evs := make([]*event.Event, 0, len(payloads))
	for _, p := range payloads {
		e, err := s.Catalogue.Event(aggregateID, s.now(), p)
		if err != nil {
			return err
		}
		evs = append(evs, &e)
	}
	return outbox.Append(ctx, tx, evs...)
}

// Create validates and stores a new party. A party sharing a key with a
// live one is refused with the matches unless force is set with a reason.
func (p *Parties[T]) Create(ctx context.Context, in T, force bool, reason string) (T, error) {
	actor, now := Actor(ctx), p.s.now()
	var v T
	err := postgres.InTx(ctx, p.s.Pool, func(tx pgx.Tx) error {
		fields, err := p.fields(ctx, tx)
		if err != nil {
			return err
		}
		if !p.k.followUp(&in).IsZero() {
			return followUpByEdit()
		}
		if v, err = p.k.validate(in, p.s.businessNow(), fields); err != nil {
			return err
		}
		if force && strings.TrimSpace(reason) == "" {
			return problem.Invalid("a forced creation needs a reason", problem.FieldError{Field: "force_reason", Message: "is required when force is true"})
		}
		if !force && reason != "" {
			return problem.Invalid("force_reason without force", problem.FieldError{Field: "force_reason", Message: "is only allowed with force: true"})
		}
		*p.k.id(&v) = event.NewID().String()
		// The document keeps why too, so every answer holding it shows it.
		*p.k.forceReason(&v) = reason
		if *p.k.owner(&v) == "" {
			*p.k.owner(&v) = actor
		}
		if v, err = p.checkRefs(ctx, tx, v, nil); err != nil {
			return err
		}
		r, err := row(p.k, v)
		if err != nil {
			return err
		}
		if err := store.LockKeys(ctx, tx, slices.Concat(r.Keys, lookalikeLocks(v))); err != nil {
			return err
		}
		if len(r.Keys) > 0 {
			matches, err := store.FindByKeys(ctx, tx, p.k.table, r.Keys, "")
			if err != nil {
				return err
			}
			if len(matches) > 0 && !force {
				return duplicate[T](ctx, tx, matches, false)
			}
		} else if !force {
			// No key tells it: a stored party of the same name where it
			// is (party.ProbablySamePerson) probably does.
			same, err := lookalikes(ctx, tx, []T{v})
			if err != nil {
				return err
			}
			if len(same[0]) > 0 {
				docs := make([][]byte, len(same[0]))
				for i, l := range same[0] {
					docs[i] = l.Doc
				}
				return duplicate[T](ctx, tx, docs, true)
			}
		}
		if err := store.InsertParty(ctx, tx, p.k.table, r, ptr(reason), nil, actor, now); err != nil {
			return err
		}
		if err := store.InsertOwnerAudit(ctx, tx, p.k.table, r.ID, nil, *r.OwnerID, actor, "created", nil, now); err != nil {
			return err
		}
		if err := p.s.emit(ctx, tx, r.ID, p.k.created(v)); err != nil {
			return err
		}
		return named(ctx, tx, &v)
	})
	return v, err
}

// fields reads the custom field definitions a write of a party inside tx
// checks it against, and keeps them from changing until tx ends. People
// carry no custom fields, and read none.
func (p *Parties[T]) fields(ctx context.Context, tx pgx.Tx) (party.CustomFieldSchema, error) {
	if p.k.custom == nil {
		return nil, nil
	}
	f, err := p.s.customFields(ctx, tx, store.WriteUnderFields)
	return f.Schema, err
}

// link is one reference from a party to another: pointers into the party,
// so that checkRefs can point it at a survivor and named can name it.
type link struct {
	field string
	id    *string
	name  *string
	want  store.Type
	// kind is the relationship's kind, "" for a supervising unit.
	kind party.RelationKind
}

// linksOf lists v's references to other parties (a person's relationships
// are cloned first, so re-pointing one never writes into a shared slice).
func linksOf[T any](v *T) []link {
	var links []link
	switch x := any(v).(type) {
	case *party.Organisation:
		links = append(links, link{"supervising_unit_id", &x.SupervisingUnitID, &x.SupervisingUnitName, store.Organization, ""})
	case *party.Person:
		x.Relationships = slices.Clone(x.Relationships)
		for i := range x.Relationships {
			r := &x.Relationships[i]
			want := store.Person
			if r.Kind == party.RelWorksAt {
				want = store.Organization
			}
			links = append(links, link{fmt.Sprintf("relationships[%d].party_id", i), &r.PartyID, &r.PartyName, want, r.Kind})
		}
	}
	return links
}

// named fills in the names of the parties each of vs links to, in one
// query, so an answer reads "works at Trường THCS Lê Lợi" and not only an
// id. Names are looked up when a record is answered and never stored: a
// renamed school shows its new name on every record linked to it.
func named[T any](ctx context.Context, db store.DB, vs ...*T) error {
	var links []link
	var ids []string
	for _, v := range vs {
		for _, l := range linksOf(v) {
			if *l.id != "" {
				links = append(links, l)
				ids = append(ids, *l.id)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := store.Names(ctx, db, ids)
	if err != nil {
		return err
	}
	for _, l := range links {
		*l.name = names[*l.id]
	}
	return nil
}

// checkRefs refuses a new link to a party that does not exist or is of the
// wrong type (a supervising unit is an organisation; a person works at an
// organisation and is the parent, guardian or relative of a person), and
// points a new link at a merged party to its survivor. Links v already had
// in before are left alone, so a party linked to one deleted since can
// still be edited.
func (p *Parties[T]) checkRefs(ctx context.Context, db store.DB, v T, before *T) (T, error) {
	if o, ok := any(v).(party.Organisation); ok && o.SupervisingUnitID != "" && o.SupervisingUnitID == o.ID {
		return v, problem.Invalid("an organisation cannot supervise itself", problem.FieldError{Field: "supervising_unit_id", Message: "is this organisation"})
	}
	kept := map[string]bool{}
	if before != nil {
		for _, l := range linksOf(before) {
			kept[*l.id] = true
		}
	}
	var bad []problem.FieldError
	for _, l := range linksOf(&v) {
		if *l.id == "" || kept[*l.id] {
			continue
		}
		resolved, why, err := liveRef(ctx, db, *l.id, l.want)
		if err != nil {
			return v, err
		}
		if why != "" {
			bad = append(bad, problem.FieldError{Field: l.field, Message: why})
			continue
		}
		*l.id = resolved
	}
	if len(bad) > 0 {
		return v, problem.Invalid("a linked party is not valid", bad...)
	}
	return v, nil
}

// liveRef returns the live id of the party id names, following a merge, or
// why it cannot be linked: it is not an id, no such party lives, or the
// party is not of type want.
func liveRef(ctx context.Context, db store.DB, id string, want store.Type) (resolved, why string, err error) {
	noun := map[store.Type]string{store.Organization: "an organisation", store.Person: "a person"}
	if !party.ValidID(id) {
		return "", "is not the id of " + noun[want], nil
	}
	t, resolved, err := store.TypeOf(ctx, db, id)
	if err == nil && t == want {
		err = store.HoldLive(ctx, db, t, resolved)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", "is not an existing party: it must be " + noun[want], nil
	case err != nil:
		return "", "", err
	case t != want:
		return "", "is " + noun[t] + ": it must be " + noun[want], nil
	}
	return resolved, "", nil
}

// duplicate is the error refusing a write whose keys the stored documents
// docs hold, or, probable, a write without keys that they probably are;
// its matches name their links as every answer holding a record does, so
// staff can tell the Lan of one school from another's.
func duplicate[T any](ctx context.Context, db store.DB, docs [][]byte, probable bool) error {
	vs := make([]T, len(docs))
	ptrs := make([]*T, len(docs))
	for i, d := range docs {
		if err := json.Unmarshal(d, &vs[i]); err != nil {
			return fmt.Errorf("decode a duplicate: %w", err)
		}
		ptrs[i] = &vs[i]
	}
	if err := named(ctx, db, ptrs...); err != nil {
		return err
	}
	matches := make([]any, len(vs))
	for i, v := range vs {
		matches[i] = v
	}
	return &DuplicateError{Matches: matches, Probable: probable}
}

// View is a party with what the store knows about it.
type View[T any] struct {
	Party T
	Meta  store.Meta
}

// Get returns a party by id, following the alias of a merged id.
func (p *Parties[T]) Get(ctx context.Context, id string) (View[T], error) {
	resolved, err := store.ResolveAlias(ctx, p.s.Pool, p.k.table, id)
	if err != nil {
		return View[T]{}, err
	}
	return p.read(ctx, p.s.Pool, resolved)
}

// read returns the live party id as stored, naming the parties it links to.
func (p *Parties[T]) read(ctx context.Context, db store.DB, id string) (View[T], error) {
	var v View[T]
	doc, meta, err := store.GetParty(ctx, db, p.k.table, id, false)
	if err != nil {
		return v, err
	}
	v.Meta = meta
	if err := json.Unmarshal(doc, &v.Party); err != nil {
		return v, fmt.Errorf("decode %s %s: %w", p.k.table, id, err)
	}
	v.Party = p.answer(v.Party, meta)
	return v, named(ctx, db, &v.Party)
}

// load locks and decodes a live party inside tx, refusing it if pre does
// not allow its version (a nil pre allows any).
func (p *Parties[T]) load(ctx context.Context, tx pgx.Tx, id string, pre Precondition) (T, store.Meta, error) {
	var v T
	doc, meta, err := store.GetParty(ctx, tx, p.k.table, id, true)
	if err != nil {
		return v, meta, err
	}
	if err := pre.check(id, meta.Version); err != nil {
		return v, meta, err
	}
	return v, meta, json.Unmarshal(doc, &v)
}

// Patch applies a JSON merge patch (RFC 7386: objects such as consents and
// custom_fields merge member by member, null removes, arrays are replaced)
// to a party, validates the result and records every changed field in history.
func (p *Parties[T]) Patch(ctx context.Context, id string, patch map[string]json.RawMessage, pre Precondition) (View[T], error) {
	var out View[T]
	for _, f := range []string{"id", "merged_ids", "current_province", "force_reason"} {
		if _, ok := patch[f]; ok {
			return out, problem.Invalid("read-only field", problem.FieldError{Field: f, Message: "cannot be changed"})
		}
	}
	actor, now := Actor(ctx), p.s.now()
	err := postgres.InTx(ctx, p.s.Pool, func(tx pgx.Tx) error {
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

// Delete removes a party; its history stays, readable, with an entry
// holding the record as it was and who deleted it. Only its owner, a lead,
// a manager or an admin may delete it (ownership.May). An old id of a merged party is
// refused (MergedError): it would delete the survivor. An organisation that still
// supervises others is refused: they would point at nothing. People linked
// to it lose those links, each change recorded and published.
func (p *Parties[T]) Delete(ctx context.Context, id string, pre Precondition) error {
	actor, now := Actor(ctx), p.s.now()
	return postgres.InTx(ctx, p.s.Pool, func(tx pgx.Tx) error {
		id, err := p.writeTarget(ctx, tx, id, nil, "delete")
		if err != nil {
			return err
		}
		// Locked first, so a link being written to it right now either
		// commits before the checks below or finds it gone.
		v, _, err := p.load(ctx, tx, id, pre)
		if err != nil {
			return err
		}
		if err := ownership.May(caller(ctx), ownership.Delete, *p.k.owner(&v)); err != nil {
			return err
		}
		if p.k.table == store.Organization {
			supervised, err := store.Supervised(ctx, tx, id, 20)
			if err != nil {
				return err
			}
			if len(supervised) > 0 {
				return problem.Conflict("the organisation still supervises others: give them another supervising unit first").
					With("supervised_ids", supervised)
			}
		}
		if err := store.DeleteParty(ctx, tx, p.k.table, id); err != nil {
			return err
		}
		if err := store.InsertHistory(ctx, tx, p.k.table, id, actor, now, []store.Change{{Field: "deleted", Old: v, New: nil}}); err != nil {
			return err
		}
		if err := p.s.emit(ctx, tx, id, p.k.deleted(id, actor)); err != nil {
			return err
		}
		return p.s.People.relink(ctx, tx, append([]string{id}, p.k.absorbed(v)...), "", actor, now)
	})
}

// relink moves the links that live parties of p's type have to the parties
// in gone to to, the party they were merged into, or drops them when to is
// empty (they were deleted). Every party changed keeps a history entry and
// is published as updated, so that copies in other services follow.
func (p *Parties[T]) relink(ctx context.Context, tx pgx.Tx, gone []string, to, actor string, now time.Time) error {
	ids, err := store.LinkedTo(ctx, tx, p.k.table, gone)
	if err != nil {
		return err
	}
	for _, id := range ids {
		before, _, err := p.load(ctx, tx, id, nil)
		if err != nil {
			return err
		}
		if err := p.saveChanged(ctx, tx, id, before, p.k.relink(before, gone, to), actor, now); err != nil {
			return err
		}
	}
	return nil
}

// saveChanged stores after, the next version of party id, with its history
// and its updated event, unless nothing differs from before.
func (p *Parties[T]) saveChanged(ctx context.Context, tx pgx.Tx, id string, before, after T, actor string, now time.Time) error {
	changes := p.k.diff(before, after)
	if len(changes) == 0 {
		return nil
	}
	r, err := row(p.k, after)
	if err != nil {
		return err
	}
	if _, err := p.save(ctx, tx, r, changes, actor, now); err != nil {
		return err
	}
	return p.s.emit(ctx, tx, id, p.k.updated(after, fieldNames(changes)))
}

// nameLinkConflicts gives the conflicts of err, a merge's refusal, on a
// link the names of the parties either side links to; any other error is
// returned as it is.
func nameLinkConflicts(ctx context.Context, db store.DB, err error) error {
	var conflict *party.ConflictError
	if !errors.As(err, &conflict) {
		return err
	}
	var ids []string
	for _, c := range conflict.Conflicts {
		if slices.Contains(party.LinkConflictFields, c.Field) {
			for _, v := range []any{c.Survivor, c.Merged} {
				if id, ok := v.(string); ok && id != "" {
					ids = append(ids, id)
				}
			}
		}
	}
	if len(ids) == 0 {
		return err
	}
	names, nerr := store.Names(ctx, db, ids)
	if nerr != nil {
		return fmt.Errorf("name the merge's conflicts: %w", nerr)
	}
	conflict.Names = names
	return err
}

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
		if err := p.s.settleFollowUp(ctx, tx, p.k.table, sid); err != nil {
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

// Timeline pages through what happened with a party, newest first. With
// its people, an organisation's timeline holds what happened with the
// people who work at it too (the calls with a school's accountant), each
// event once: the whole picture of a customer unit.
func (p *Parties[T]) Timeline(ctx context.Context, id string, withPeople bool, before time.Time, beforeID string, limit int) ([]store.TimelineEntry, error) {
	if withPeople && p.k.table != store.Organization {
		return nil, problem.Invalid("bad timeline", problem.FieldError{Field: "with", Message: "does not apply to people: a person's timeline is their own"})
	}
	resolved, err := store.ResolveAlias(ctx, p.s.Pool, p.k.table, id)
	if err != nil {
		return nil, err
	}
	if err := p.s.liveOrDeleted(ctx, p.k.table, resolved); err != nil {
		return nil, err
	}
	var staff []store.Tenure
	if withPeople {
		if staff, err = p.s.staff(ctx, resolved); err != nil {
			return nil, err
		}
	}
	return store.ListTimeline(ctx, p.s.Pool, resolved, staff, before, beforeID, limit)
}

// staff returns the periods in which people worked at organisation id,
// now or in the past, as their history of relationships tells them.
func (s *Service) staff(ctx context.Context, id string) ([]store.Tenure, error) {
	aliases, err := store.Aliases(ctx, s.Pool, id)
	if err != nil {
		return nil, err
	}
	ids := append([]string{id}, aliases...)
	now, changes, err := store.Staff(ctx, s.Pool, ids)
	if err != nil {
		return nil, err
	}
	byPerson := map[string][]party.LinkChange{}
	for _, c := range changes {
		var lc party.LinkChange
		if err := json.Unmarshal(c.Old, &lc.Old); err != nil {
			return nil, fmt.Errorf("history of person %s: %w", c.PersonID, err)
		}
		if err := json.Unmarshal(c.New, &lc.New); err != nil {
			return nil, fmt.Errorf("history of person %s: %w", c.PersonID, err)
		}
		lc.At, lc.Merge = c.At, c.Merge
		byPerson[c.PersonID] = append(byPerson[c.PersonID], lc)
	}
	var out []store.Tenure
	for person, doc := range now {
		var rels []party.Relationship
		if err := json.Unmarshal(doc, &rels); err != nil {
			return nil, fmt.Errorf("person %s: %w", person, err)
		}
		for _, p := range party.Tenure(ids, byPerson[person], rels) {
			out = append(out, store.Tenure{PersonID: person, From: p.From, To: p.To})
		}
	}
	return out, nil
}
