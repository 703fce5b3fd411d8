package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

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

// FieldVersion is one version of the custom fields, as an admin set it:
// the fields, who set them (the seed's is "system") and when.
type FieldVersion struct {
	Version   int64                   `json:"version"`
	Schema    party.CustomFieldSchema `json:"schema"`
	ChangedBy string                  `json:"changed_by"`
	ChangedAt time.Time               `json:"changed_at"`
}

// FieldVersions returns up to limit versions of the custom fields older
// than before, newest first: what the fields were when an organisation's
// value was entered, and who changed them since.
func (s *Service) FieldVersions(ctx context.Context, before int64, limit int) ([]FieldVersion, error) {
	stored, err := store.ListCustomFields(ctx, s.Pool, before, limit)
	if err != nil {
		return nil, err
	}
	out := make([]FieldVersion, len(stored))
	for i, f := range stored {
		out[i] = FieldVersion{Version: f.Version, ChangedBy: f.ChangedBy, ChangedAt: f.ChangedAt}
		if out[i].Schema, err = schemaOf(f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// schemaOf decodes the fields of a stored version.
func schemaOf(f store.FieldSchema) (party.CustomFieldSchema, error) {
	var s party.CustomFieldSchema
	if err := json.Unmarshal(f.Doc, &s); err != nil {
		return nil, fmt.Errorf("custom fields version %d: %w", f.Version, err)
	}
	return s, nil
}

// InUse is a custom field that a change of the definitions would leave
// stored data invalid for: values organisations hold (how many, and some
// of them), or saved segments listing the organisations lacking it.
type InUse struct {
	Field         string   `json:"field"`
	Organizations int      `json:"organizations"`
	Examples      []string `json:"examples"`
	Segments      []string `json:"segments"`
}

// InUseError is a change of the custom fields refused because of the
// values stored organisations hold, or the saved segments, field by field.
type InUseError struct{ Fields []InUse }

func (e *InUseError) Error() string {
	return fmt.Sprintf("stored organisations or saved segments use %d custom fields as the new definitions do not allow", len(e.Fields))
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
	schema, err := schemaOf(f)
	return FieldDefinitions{Schema: schema, Version: f.Version}, err
}

// filter turns q into a store filter for parties of type t, its dates
// counted from today. A custom field gap (missing=custom:level) is checked
// against the fields in force, read from db locked in mode; a query
// without one reads none.
func (s *Service) filter(ctx context.Context, db store.DB, t store.Type, q Query, mode string, today party.Date) (store.Filter, error) {
	var fields FieldDefinitions
	if t == store.Organization && strings.Contains(q.Missing, party.CustomGapPrefix) {
		var err error
		if fields, err = s.customFields(ctx, db, mode); err != nil {
			return store.Filter{}, err
		}
	}
	return q.Filter(t, today, fields.Schema)
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
	if _, err := store.SeedCustomFields(ctx, s.Pool, doc, s.now()); err != nil {
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
	actor, now := Actor(ctx), s.now()
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
		segments, err := store.AllSegments(ctx, tx)
		if err != nil {
			return err
		}
		if err := inUse(current.Schema, schema, held, segments); err != nil {
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

// inUse returns an InUseError naming the fields whose held values after
// refuses and before accepted, and the fields after no longer defines that
// saved segments name as a gap, or nil when there are none.
func inUse(before, after party.CustomFieldSchema, held []store.HeldFields, segments []store.Segment) error {
	byField := map[string]*InUse{}
	var order []string
	field := func(name string) *InUse {
		u, ok := byField[name]
		if !ok {
			u = &InUse{Field: "custom_fields." + name, Examples: []string{}, Segments: []string{}}
			byField[name] = u
			order = append(order, name)
		}
		return u
	}
	for _, h := range held {
		kinds := make([]party.Kind, len(h.Kinds))
		for i, k := range h.Kinds {
			kinds[i] = party.Kind(k)
		}
		for _, name := range party.Tightened(before, after, kinds, h.Values) {
			u := field(name)
			u.Organizations++
			if len(u.Examples) < inUseExamples {
				u.Examples = append(u.Examples, h.ID)
			}
		}
	}
	kept := after.Gaps()
	for _, seg := range segments {
		var q Query
		if seg.Resource != "organizations" || json.Unmarshal(seg.Filter, &q) != nil {
			continue
		}
		gaps, _ := party.ParseGaps(q.Missing, before.OrganisationGaps())
		for _, gap := range gaps {
			if strings.HasPrefix(gap, party.CustomGapPrefix) && !slices.Contains(kept, gap) {
				u := field(strings.TrimPrefix(gap, party.CustomGapPrefix))
				u.Segments = append(u.Segments, seg.ID)
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
