package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// FieldSchema is a version of the custom field definitions as stored.
type FieldSchema struct {
	Doc       []byte
	Version   int64
	ChangedBy string
	ChangedAt time.Time
}

// Lock modes of CustomFields: how a transaction holds the definitions it
// reads until it ends.
const (
	// ReadFields takes no lock: for reads and checks that write nothing.
	ReadFields = ""
	// WriteUnderFields keeps the definitions from changing while an
	// organisation checked against them is written; writers do not wait
	// for each other.
	WriteUnderFields = "ROW SHARE"
	// ChangeFields waits for every organisation write under the current
	// definitions and holds new ones back until the change commits.
	ChangeFields = "EXCLUSIVE"
)

// CustomFields reads the latest custom field definitions, locked in mode.
// Before the service has seeded any, it returns version 0 and no document.
func CustomFields(ctx context.Context, db DB, mode string) (FieldSchema, error) {
	if mode != ReadFields {
		if _, err := db.Exec(ctx, "LOCK TABLE custom_field_schema IN "+mode+" MODE"); err != nil {
			return FieldSchema{}, fmt.Errorf("lock custom fields: %w", err)
		}
	}
	latest, err := ListCustomFields(ctx, db, math.MaxInt64, 1)
	if err != nil || len(latest) == 0 {
		return FieldSchema{}, err
	}
	return latest[0], nil
}

// ListCustomFields returns up to limit versions of the definitions older
// than before, newest first.
func ListCustomFields(ctx context.Context, db DB, before int64, limit int) ([]FieldSchema, error) {
	rows, err := db.Query(ctx, `SELECT schema, version, changed_by, changed_at FROM custom_field_schema
 WHERE version < $1 ORDER BY version DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("list custom field versions: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FieldSchema, error) {
		var f FieldSchema
		return f, r.Scan(&f.Doc, &f.Version, &f.ChangedBy, &f.ChangedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list custom field versions: %w", err)
	}
	return out, nil
}

// InsertCustomFields stores a new version of the definitions.
func InsertCustomFields(ctx context.Context, db DB, f FieldSchema) error {
	_, err := db.Exec(ctx, `INSERT INTO custom_field_schema (version, schema, changed_by, changed_at) VALUES ($1, $2, $3, $4)`,
		f.Version, f.Doc, f.ChangedBy, f.ChangedAt)
	if err != nil {
		return fmt.Errorf("store custom fields version %d: %w", f.Version, err)
	}
	return nil
}

// SeedCustomFields stores doc as version 1 unless some version is stored:
// replicas starting together seed once, and a restart keeps what an admin
// changed since. It reports whether doc was stored.
func SeedCustomFields(ctx context.Context, db DB, doc []byte, now time.Time) (bool, error) {
	tag, err := db.Exec(ctx, `INSERT INTO custom_field_schema (version, schema, changed_by, changed_at)
		SELECT 1, $1, 'system', $2 WHERE NOT EXISTS (SELECT FROM custom_field_schema)
		ON CONFLICT (version) DO NOTHING`, doc, now)
	if err != nil {
		return false, fmt.Errorf("seed custom fields: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// HeldFields is an organisation's kinds and the custom field values it holds.
type HeldFields struct {
	ID     string
	Kinds  []string
	Values map[string]any
}

// OrganisationsWithCustomFields lists every organisation holding a custom
// field value.
func OrganisationsWithCustomFields(ctx context.Context, db DB) ([]HeldFields, error) {
	rows, err := db.Query(ctx, `SELECT id::text, kinds, doc->'custom_fields' FROM organization WHERE doc ? 'custom_fields' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("organisations with custom fields: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HeldFields, error) {
		var h HeldFields
		return h, r.Scan(&h.ID, &h.Kinds, &h.Values)
	})
	if err != nil {
		return nil, fmt.Errorf("organisations with custom fields: %w", err)
	}
	return out, nil
}
