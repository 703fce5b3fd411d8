// Package service holds the training use cases: each command is one
// transaction that changes state and appends its events to the outbox.
package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/clock"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/store"
)

// Service runs the training use cases.
type Service struct {
	pool  *pgxpool.Pool
	clock clock.Clock
	cat   *contract.Catalogue
	// contactBehind counts the contact events the local copy has not
	// applied yet (consumer.Consumer.Pending); nil: taken as none.
	contactBehind func(context.Context) (uint64, error)
}

// WithContactLag tells the service how to ask how far its copy of the
// contact service is behind, so that a unit missing from it during a burst
// is answered "not received yet", not "unknown".
func (s *Service) WithContactLag(behind func(context.Context) (uint64, error)) *Service {
	s.contactBehind = behind
	return s
}

// New returns the service over its schema.
func New(pool *pgxpool.Pool, c clock.Clock) *Service {
	return &Service{pool: pool, clock: c, cat: contract.Rapport()}
}

// Actor is the staff member issuing a command.
type Actor struct {
	ID    string
	Roles []auth.Role
}

// ActorFrom reads the verified claims of a request.
func ActorFrom(ctx context.Context) Actor {
	c, ok := auth.ClaimsFrom(ctx)
	if !ok {
		return Actor{}
	}
	return Actor{ID: c.Subject, Roles: c.Roles}
}

// roleFor picks the actor's role that may issue cmd, or its first role so
// that the refusal names it.
func (a Actor) roleFor(cmd course.Command) course.Role {
	for _, r := range a.Roles {
		if course.Authorize(course.Role(r), cmd) == nil {
			return course.Role(r)
		}
	}
	if len(a.Roles) == 0 {
		return ""
	}
	return course.Role(a.Roles[0])
}

// ErrConflict is a duplicate or a concurrent change.
var ErrConflict = errors.New("conflict")

// NotFound builds the error the transport answers with 404.
func NotFound(what, id string) error { return fmt.Errorf("%s %s: %w", what, id, store.ErrNotFound) }

func (s *Service) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// emit appends one event per payload about aggregate id.
func (s *Service) emit(ctx context.Context, tx pgx.Tx, id string, at time.Time, payloads ...any) error {
	events := make([]*event.Event, 0, len(payloads))
	for _, p := range payloads {
		e, err := s.cat.Event(id, at, p)
		if err != nil {
			return err
		}
		events = append(events, &e)
	}
	return outbox.Append(ctx, tx, events...)
}

func newID() string { return event.NewID().String() }

func rfc3339(t time.Time) string { return t.Format(time.RFC3339) }

// Pool is the service's schema, for plain reads the transport does itself.
func (s *Service) Pool() *pgxpool.Pool { return s.pool }
