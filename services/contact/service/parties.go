package service

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/clock"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// DuplicateError is a creation, an edit or a restore (Write) refused
// because live parties share a normalised phone, email or tax code, or,
// for a party with none of them, are probably it (Probable: a person of
// the same name at the same workplace, an organisation of the same name
// in the same province or with no province on one of them); Matches are
// those parties.
type DuplicateError struct {
	Matches  []any
	Probable bool
	Write    Write
}

// Write is the kind of write a DuplicateError refuses, which force and its
// reason override: the problem says what force would do.
type Write int

// The writes a duplicate refuses.
const (
	Creating Write = iota
	Editing
	Restoring
)

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
// live one, or without keys probably a stored one, is refused with the
// matches unless force is set with a reason, which it then keeps as its
// force_reason. Force with nothing to force past is accepted, as a client
// may send it blindly, but its reason is not kept: the party would show
// why it exists beside a duplicate it has not.
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
		if owner := *p.k.owner(&in); owner != "" {
			if err := staffID("owner_id", owner); err != nil {
				return err
			}
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
		*p.k.forceReason(&v) = "" // until a duplicate is forced past
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
		forced, err := p.duplicates(ctx, tx, v, r.Keys, force, Creating, "")
		if err != nil {
			return err
		}
		if !forced {
			reason = ""
		} else {
			// The document keeps why too, so every answer holding it shows it.
			*p.k.forceReason(&v) = reason
			if r, err = row(p.k, v); err != nil {
				return err
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

// duplicate is the error refusing a write w whose keys the stored
// documents docs hold, or, probable, a write without keys that they
// probably are;
// its matches name their links as every answer holding a record does, so
// staff can tell the Lan of one school from another's.
func duplicate[T any](ctx context.Context, db store.DB, docs [][]byte, probable bool, w Write) error {
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
	return &DuplicateError{Matches: matches, Probable: probable, Write: w}
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
