// Package store is the contact schema's SQL: one function per query.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what queries run on: the pool or a transaction.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Type is the table of a party. Only these two constants are ever spliced
// into SQL text, never user input.
type Type string

// Party types.
const (
	Organization Type = "organization"
	Person       Type = "person"
)

// ErrNotFound is returned when no live party has the id.
var ErrNotFound = errors.New("not found")

// Row is a party as stored: its document and the columns derived from it.
type Row struct {
	ID         string
	Doc        []byte
	Name       string
	SearchName string
	Kinds      []string
	Stage      *string
	// Tags are the keys of the party's tags (party.TagKey), which the tag
	// filter compares; the document holds them as written.
	Tags              []string
	OwnerID           *string
	Province          *string
	SupervisingUnitID *string
	// ReminderDays are a person's yearly reminder days (party.MonthDay).
	ReminderDays []int16
	Keys         []string
}

// Meta is what the store knows about a party besides its document.
type Meta struct {
	OwnerID       *string    `json:"owner_id"`
	ForceReason   *string    `json:"force_reason"`
	LastTouchedBy *string    `json:"last_touched_by"`
	LastTouchedAt *time.Time `json:"last_touched_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	// NextActionOn is the party's follow-up, which its interactions set
	// (SetFollowUp): the day at midnight UTC, nil for none.
	NextActionOn *time.Time `json:"next_action_on"`
	// Version counts the writes of the document, from 1.
	Version int64 `json:"-"`
}

// InsertParty stores a new party and its duplicate keys.
func InsertParty(ctx context.Context, db DB, t Type, r Row, forceReason *string, importID *string, actor string, now time.Time) error {
	_, err := db.Exec(ctx, `INSERT INTO `+string(t)+` (id, doc, name, search_name, kinds, stage, tags, owner_id, province,
 supervising_unit_id, reminder_days, force_reason, import_id, last_touched_by, last_touched_at, created_at, updated_at)
VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15,$15)`,
		r.ID, r.Doc, r.Name, r.SearchName, nonNil(r.Kinds), r.Stage, nonNil(r.Tags), r.OwnerID, r.Province, r.SupervisingUnitID,
		nonNil(r.ReminderDays), forceReason, importID, actor, now)
	if err != nil {
		return fmt.Errorf("insert %s %s: %w", t, r.ID, err)
	}
	return ReplaceKeys(ctx, db, t, r.ID, r.Keys)
}

// UpdateParty replaces a party's document, columns and keys, and returns
// the document's new version. Who touched it last is left alone: only the
// writes that are staff work with the customer say so (Touch).
func UpdateParty(ctx context.Context, db DB, t Type, r Row, now time.Time) (int64, error) {
	var version int64
	err := db.QueryRow(ctx, `UPDATE `+string(t)+` SET doc=$2, name=$3, search_name=$4, kinds=$5, stage=$6, tags=$7, owner_id=$8,
 province=$9, supervising_unit_id=$10, reminder_days=$11, updated_at=$12, version=version+1
 WHERE id=$1 RETURNING version`,
		r.ID, r.Doc, r.Name, r.SearchName, nonNil(r.Kinds), r.Stage, nonNil(r.Tags), r.OwnerID, r.Province, r.SupervisingUnitID,
		nonNil(r.ReminderDays), now).Scan(&version)
	if err != nil {
		return 0, fmt.Errorf("update %s %s: %w", t, r.ID, err)
	}
	return version, ReplaceKeys(ctx, db, t, r.ID, r.Keys)
}

// ReplaceKeys sets the duplicate keys of a party.
func ReplaceKeys(ctx context.Context, db DB, t Type, id string, keys []string) error {
	if _, err := db.Exec(ctx, `DELETE FROM party_key WHERE party_id=$1`, id); err != nil {
		return fmt.Errorf("delete keys of %s: %w", id, err)
	}
	if len(keys) == 0 {
		return nil
	}
	_, err := db.Exec(ctx, `INSERT INTO party_key (party_type, key, party_id) SELECT $1, k, $2 FROM unnest($3::text[]) k ON CONFLICT DO NOTHING`, string(t), id, keys)
	if err != nil {
		return fmt.Errorf("insert keys of %s: %w", id, err)
	}
	return nil
}

// LockKeys serialises concurrent creations sharing a key until the
// transaction ends, so two simultaneous requests cannot both pass the
// duplicate check.
func LockKeys(ctx context.Context, tx pgx.Tx, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT DISTINCT unnest($1::text[]) k ORDER BY 1) s`, keys)
	if err != nil {
		return fmt.Errorf("lock duplicate keys: %w", err)
	}
	return nil
}

// FindByKeys returns the documents, as answered, of live parties holding
// any of keys.
func FindByKeys(ctx context.Context, db DB, t Type, keys []string, except string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil // an edit that adds no key: nothing to look up
	}
	rows, err := db.Query(ctx, `SELECT `+answered+` FROM `+string(t)+` p WHERE p.id IN (
 SELECT party_id FROM party_key WHERE party_type=$1 AND key = ANY($2)) AND p.id::text <> $3 ORDER BY p.id LIMIT 20`, string(t), keys, except)
	if err != nil {
		return nil, fmt.Errorf("find %s by keys: %w", t, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[[]byte])
}

// ExistingKeys returns which of keys already belong to a live party, and
// to which, oldest first: a party created beside a duplicate on purpose
// (force) shares its key with the party it matched.
func ExistingKeys(ctx context.Context, db DB, t Type, keys []string) (map[string][]string, error) {
	rows, err := db.Query(ctx, `SELECT key, party_id::text FROM party_key WHERE party_type=$1 AND key = ANY($2) ORDER BY key, party_id`, string(t), keys)
	if err != nil {
		return nil, fmt.Errorf("existing keys: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var k, id string
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		out[k] = append(out[k], id)
	}
	return out, rows.Err()
}

// GetParty loads a live party's document; lock takes a row lock for an update.
func GetParty(ctx context.Context, db DB, t Type, id string, lock bool) ([]byte, Meta, error) {
	q := `SELECT doc, owner_id, force_reason, last_touched_by, last_touched_at, created_at, updated_at, next_action_on, version FROM ` + string(t) + ` WHERE id=$1`
	if lock {
		q += ` FOR UPDATE`
	}
	var doc []byte
	var m Meta
	err := db.QueryRow(ctx, q, id).Scan(&doc, &m.OwnerID, &m.ForceReason, &m.LastTouchedBy, &m.LastTouchedAt, &m.CreatedAt, &m.UpdatedAt, &m.NextActionOn, &m.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, m, ErrNotFound
	}
	if err != nil {
		return nil, m, fmt.Errorf("get %s %s: %w", t, id, err)
	}
	return doc, m, nil
}

// HoldLive locks a live party against deletion until the transaction ends,
// so that a link written in it cannot outlive its target; ErrNotFound when
// it is already gone.
func HoldLive(ctx context.Context, db DB, t Type, id string) error {
	var one int
	err := db.QueryRow(ctx, `SELECT 1 FROM `+string(t)+` WHERE id=$1 FOR KEY SHARE`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("hold %s %s: %w", t, id, err)
	}
	return nil
}

// ResolveAlias returns the survivor of a merged id, or id itself.
func ResolveAlias(ctx context.Context, db DB, t Type, id string) (string, error) {
	var survivor string
	err := db.QueryRow(ctx, `SELECT survivor_id::text FROM party_alias WHERE alias_id=$1 AND party_type=$2`, id, string(t)).Scan(&survivor)
	if errors.Is(err, pgx.ErrNoRows) {
		return id, nil
	}
	if err != nil {
		return "", fmt.Errorf("resolve alias %s: %w", id, err)
	}
	return survivor, nil
}

// TypeOf finds which table holds the live party id (after alias resolution).
func TypeOf(ctx context.Context, db DB, id string) (Type, string, error) {
	var t, resolved string
	err := db.QueryRow(ctx, `SELECT t, i FROM (
 SELECT 'organization' t, id::text i FROM organization WHERE id=$1
 UNION ALL SELECT 'person', id::text FROM person WHERE id=$1
 UNION ALL SELECT party_type, survivor_id::text FROM party_alias WHERE alias_id=$1) s LIMIT 1`, id).Scan(&t, &resolved)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("type of %s: %w", id, err)
	}
	return Type(t), resolved, nil
}

// DeleteParty removes a live party and its keys.
func DeleteParty(ctx context.Context, db DB, t Type, id string) error {
	tag, err := db.Exec(ctx, `DELETE FROM `+string(t)+` WHERE id=$1`, id)
	if err != nil {
		return fmt.Errorf("delete %s %s: %w", t, id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	_, err = db.Exec(ctx, `DELETE FROM party_key WHERE party_id=$1`, id)
	return err
}

// Touch records who last worked on a party: an edit of its record or a
// merge into it (InsertInteraction records a logged interaction's staff).
func Touch(ctx context.Context, db DB, t Type, id, actor string, now time.Time) error {
	if _, err := db.Exec(ctx, `UPDATE `+string(t)+` SET last_touched_by=$2, last_touched_at=$3 WHERE id=$1`, id, actor, now); err != nil {
		return fmt.Errorf("touch %s %s: %w", t, id, err)
	}
	return nil
}

// nonNil turns a nil list into an empty one for the NOT NULL array columns.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Names returns the names of the live parties, organisations and people
// alike, that ids name, by id; an id no live party has is left out.
func Names(ctx context.Context, db DB, ids []string) (map[string]string, error) {
	rows, err := db.Query(ctx, `SELECT id::text, name FROM organization WHERE id = ANY($1::uuid[])
UNION ALL SELECT id::text, name FROM person WHERE id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("names of %d parties: %w", len(ids), err)
	}
	names := make(map[string]string, len(ids))
	var id, name string
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		names[id] = name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("names of %d parties: %w", len(ids), err)
	}
	return names, nil
}

// StoredRecord is a stored party's name and document.
type StoredRecord struct {
	Name string
	Doc  []byte
}

// Records returns the name and document of the live parties of table t
// among ids, by id: the stored records an import's rows naming them are
// compared with. One query, for a chunk's rows.
func Records(ctx context.Context, db DB, t Type, ids []string) (map[string]StoredRecord, error) {
	rows, err := db.Query(ctx, `SELECT id::text, name, doc FROM `+string(t)+` WHERE id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("records of %d %s: %w", len(ids), t, err)
	}
	out := make(map[string]StoredRecord, len(ids))
	var id string
	var r StoredRecord
	_, err = pgx.ForEachRow(rows, []any{&id, &r.Name, &r.Doc}, func() error {
		out[id] = StoredRecord{Name: r.Name, Doc: slices.Clone(r.Doc)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("records of %d %s: %w", len(ids), t, err)
	}
	return out, nil
}

// Doc is a party's id and stored document.
type Doc struct {
	ID  string
	Doc []byte
}

// Rewrite is a party's new document, and the keys of its tags (Row.Tags).
type Rewrite struct {
	ID   string
	Doc  []byte
	Tags []string
}

// LockSelected returns, in id order and locked for an update, the
// documents of up to limit parties a filter selects.
func LockSelected(ctx context.Context, db DB, t Type, f Filter, limit int) ([]Doc, error) {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return nil, err
	}
	where, args := f.where(t)
	rows, err := db.Query(ctx, `SELECT p.id::text, p.doc FROM `+string(t)+` p WHERE `+where+
		fmt.Sprintf(` ORDER BY p.id LIMIT %d FOR UPDATE`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("lock selected %s: %w", t, err)
	}
	docs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Doc])
	if err != nil {
		return nil, fmt.Errorf("lock selected %s: %w", t, err)
	}
	return docs, nil
}

// UpdateClassification writes new documents of parties whose change is
// confined to their tags, stage, custom fields and relationships (the
// columns are read from the documents; custom fields and relationships
// have none), in one statement: a bulk change of thousands of parties,
// or the links an import gives the parents of a class list. Neither is
// work with the customer, so who touched a party last stays as it was.
func UpdateClassification(ctx context.Context, db DB, t Type, docs []Rewrite, now time.Time) error {
	ids, texts, tags := make([]string, len(docs)), make([]string, len(docs)), make([]string, len(docs))
	for i, d := range docs {
		keys, err := json.Marshal(nonNil(d.Tags))
		if err != nil {
			return fmt.Errorf("update the classification of %s %s: %w", t, d.ID, err)
		}
		ids[i], texts[i], tags[i] = d.ID, string(d.Doc), string(keys)
	}
	// The tags travel as JSON arrays: unnest cannot take an array of
	// arrays of different lengths.
	_, err := db.Exec(ctx, `UPDATE `+string(t)+` p SET doc = u.doc::jsonb,
 tags = ARRAY(SELECT jsonb_array_elements_text(u.tags::jsonb)), stage = u.doc::jsonb->>'stage',
 updated_at = $4, version = p.version + 1
FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, doc, tags) WHERE p.id = u.id`, ids, texts, tags, now)
	if err != nil {
		return fmt.Errorf("update the classification of %d %s: %w", len(docs), t, err)
	}
	return nil
}

// StoredID is what a party id a file names is here: the live party of the
// table asked that it is, or that it was merged into (Live), or, for none,
// whether this service issued it all the same (Known): a party deleted
// since, merged into one deleted since, or a party of the other table.
type StoredID struct {
	Live  string
	Known bool
}

// LookupIDs returns, for each of ids, what it is in table t (StoredID);
// an id never issued here is left out.
func LookupIDs(ctx context.Context, db DB, t Type, ids []string) (map[string]StoredID, error) {
	rows, err := db.Query(ctx, `SELECT q::text,
 coalesce((SELECT p.id::text FROM `+string(t)+` p
  WHERE p.id = coalesce((SELECT a.survivor_id FROM party_alias a WHERE a.alias_id = q AND a.party_type = $2), q)), ''),
 EXISTS (SELECT 1 FROM history h WHERE h.party_id = q AND h.field = 'deleted')
  OR EXISTS (SELECT 1 FROM party_alias a WHERE a.alias_id = q)
  OR EXISTS (SELECT 1 FROM organization o WHERE o.id = q)
  OR EXISTS (SELECT 1 FROM person p WHERE p.id = q)
 FROM unnest($1::uuid[]) q`, ids, string(t))
	if err != nil {
		return nil, fmt.Errorf("look up ids: %w", err)
	}
	out := map[string]StoredID{}
	var id string
	var s StoredID
	_, err = pgx.ForEachRow(rows, []any{&id, &s.Live, &s.Known}, func() error {
		if s.Live != "" || s.Known {
			out[id] = s
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up ids: %w", err)
	}
	return out, nil
}
