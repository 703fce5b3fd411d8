package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// FieldDefinitions are the custom fields of each organisation kind at one
// version, counted from 1.
type FieldDefinitions struct {
	Schema  party.CustomFieldSchema
	Version int64
}

// InUse is a custom field whose values stored organisations hold and a
// change of the definitions would leave invalid.
type InUse struct {
	Field         string   `json:"field"`
	Organizations int      `json:"organizations"`
	Examples      []string `json:"examples"`
}

// InUseError is a change of the custom fields refused because of the
// values stored organisations hold, field by field.
type InUseError struct{ Fields []InUse }

func (e *InUseError) Error() string {
	return fmt.Sprintf("stored organisations hold values of %d custom fields that the new definitions refuse", len(e.Fields))
}

// inUseExamples is how many organisations an InUse names.
const inUseExamples = 5

// FieldDefinitions answers the custom fields of each organisation kind.
func (s *Service) FieldDefinitions(ctx context.Context) (FieldDefinitions, error) {
	return s.customFields(ctx, s.Pool, store.ReadFields)
}

// customFields reads the latest definitions, locked in mode (see store).
func (s *Service) customFields(ctx context.Context, db store.DB, mode string) (FieldDefinitions, error) {
	f, err := store.CustomFields(ctx, db, mode)
	if err != nil || f.Version == 0 {
		return FieldDefinitions{Schema: party.CustomFieldSchema{}}, err
	}
	out := FieldDefinitions{Version: f.Version}
	if err := json.Unmarshal(f.Doc, &out.Schema); err != nil {
		return out, fmt.Errorf("custom fields version %d: %w", f.Version, err)
	}
	return out, nil
}

// SeedFieldDefinitions stores schema as the first version of the custom
// fields unless a version is stored already, and returns the definitions
// in force: schema on a new database, otherwise what is stored (an admin
// may have changed it since).
func (s *Service) SeedFieldDefinitions(ctx context.Context, schema party.CustomFieldSchema) (FieldDefinitions, error) {
	doc, err := json.Marshal(schema.Normalized())
	if err != nil {
		return FieldDefinitions{}, fmt.Errorf("seed custom fields: %w", err)
	}
	if _, err := store.SeedCustomFields(ctx, s.Pool, doc, s.Clock.Now()); err != nil {
		return FieldDefinitions{}, err
	}
	return s.FieldDefinitions(ctx)
}

// DefineFields replaces the custom fields of every organisation kind with
// schema, as a new version. pre is asked of the current version, so that
// of two admins editing the fields the second learns of the first. The
// change is refused while stored organisations hold values it would leave
// invalid (a field removed, its type changed, an allowed value dropped):
// nothing a staff member entered is dropped unseen. A field made required
// refuses no stored value; each organisation lacking it is asked for it at
// its next edit. Organisation writes wait while the change commits.
func (s *Service) DefineFields(ctx context.Context, schema party.CustomFieldSchema, pre Precondition) (FieldDefinitions, error) {
	if err := schema.Check(); err != nil {
		return FieldDefinitions{}, err
	}
	schema = schema.Normalized()
	actor, now := Actor(ctx), s.Clock.Now()
	var out FieldDefinitions
	err := postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		current, err := s.customFields(ctx, tx, store.ChangeFields)
		if err != nil {
			return err
		}
		if err := pre.check("field-definitions", current.Version); err != nil {
			return err
		}
		if out = current; current.Schema.Equal(schema) {
			return nil
		}
		held, err := store.OrganisationsWithCustomFields(ctx, tx)
		if err != nil {
			return err
		}
		if err := refusedValues(current.Schema, schema, held); err != nil {
			return err
		}
		doc, err := json.Marshal(schema)
		if err != nil {
			return fmt.Errorf("custom fields: %w", err)
		}
		out = FieldDefinitions{Schema: schema, Version: current.Version + 1}
		return store.InsertCustomFields(ctx, tx, store.FieldSchema{Doc: doc, Version: out.Version, ChangedBy: actor, ChangedAt: now})
	})
	return out, err
}

// refusedValues returns an InUseError naming the fields whose held values
// after refuses and before accepted, or nil when there are none.
func refusedValues(before, after party.CustomFieldSchema, held []store.HeldFields) error {
	byField := map[string]*InUse{}
	var order []string
	for _, h := range held {
		kinds := make([]party.Kind, len(h.Kinds))
		for i, k := range h.Kinds {
			kinds[i] = party.Kind(k)
		}
		for _, name := range party.Tightened(before, after, kinds, h.Values) {
			u, ok := byField[name]
			if !ok {
				u = &InUse{Field: "custom_fields." + name, Examples: []string{}}
				byField[name] = u
				order = append(order, name)
			}
			u.Organizations++
			if len(u.Examples) < inUseExamples {
				u.Examples = append(u.Examples, h.ID)
			}
		}
	}
	if len(order) == 0 {
		return nil
	}
	slices.Sort(order)
	e := &InUseError{}
	for _, name := range order {
		e.Fields = append(e.Fields, *byField[name])
	}
	return e
}
