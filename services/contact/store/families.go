package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// KeyHolder is a live person holding a key asked for.
type KeyHolder struct {
	Key     string
	ID      string
	Name    string
	Doc     []byte
	Version int64
}

// PeopleWithKeys returns the live people holding any of keys, a row per key
// held; lock takes their rows FOR UPDATE, in id order. The keys' holders
// are read first and the people by id then: in one join, a table grown
// by an import since it was last analysed was read whole.
func PeopleWithKeys(ctx context.Context, db DB, keys []string, lock bool) ([]KeyHolder, error) {
	// A join, not "key = ANY": a table the planner thinks small is read
	// whole, comparing each of its keys with every key asked for.
	rows, err := db.Query(ctx, `SELECT k.key, k.party_id::text FROM unnest($1::text[]) AS q(key)
JOIN party_key k ON k.party_type = 'person' AND k.key = q.key`, keys)
	if err != nil {
		return nil, fmt.Errorf("holders of %d keys: %w", len(keys), err)
	}
	held := map[string][]string{} // id -> keys
	var key, id string
	if _, err := pgx.ForEachRow(rows, []any{&key, &id}, func() error {
		held[id] = append(held[id], key)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("holders of %d keys: %w", len(keys), err)
	}
	if len(held) == 0 {
		return nil, nil
	}
	sql := `SELECT id::text AS id, name, doc, version FROM person WHERE id = ANY($1::uuid[]) ORDER BY id`
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, err = db.Query(ctx, sql, slices.Collect(maps.Keys(held)))
	if err != nil {
		return nil, fmt.Errorf("people with %d keys: %w", len(keys), err)
	}
	var out []KeyHolder
	var h KeyHolder
	if _, err := pgx.ForEachRow(rows, []any{&h.ID, &h.Name, &h.Doc, &h.Version}, func() error {
		for _, k := range held[h.ID] {
			out = append(out, KeyHolder{Key: k, ID: h.ID, Name: h.Name, Doc: slices.Clone(h.Doc), Version: h.Version})
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("people with %d keys: %w", len(keys), err)
	}
	return out, nil
}

// ChildOf is a live person a person is linked to as one of kinds.
type ChildOf struct {
	ParentID string `db:"parent_id"`
	ID       string `db:"id"`
	Name     string `db:"name"`
}

// ChildrenOf returns the live people those of parents are linked to as
// one of kinds (parent_of, guardian_of), by parent, in the order of the
// parents' links.
func ChildrenOf(ctx context.Context, db DB, parents []string, kinds []string) ([]ChildOf, error) {
	rows, err := db.Query(ctx, `SELECT p.id::text AS parent_id, c.id::text AS id, c.name
FROM person p CROSS JOIN LATERAL jsonb_array_elements(p.doc->'relationships') WITH ORDINALITY AS r(link, n)
JOIN person c ON c.id = (r.link->>'party_id')::uuid
WHERE p.id = ANY($1::uuid[]) AND r.link->>'kind' = ANY($2::text[])
ORDER BY p.id, r.n`, parents, kinds)
	if err != nil {
		return nil, fmt.Errorf("children of %d people: %w", len(parents), err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[ChildOf])
	if err != nil {
		return nil, fmt.Errorf("children of %d people: %w", len(parents), err)
	}
	return out, nil
}

// ImportedPeople returns, by id, the owners of those of ids that are people
// the import created and that are still there.
func ImportedPeople(ctx context.Context, db DB, importID string, ids []string) (map[string]string, error) {
	rows, err := db.Query(ctx, `SELECT id::text, coalesce(owner_id, '') FROM person WHERE id = ANY($1::uuid[]) AND import_id = $2`, ids, importID)
	if err != nil {
		return nil, fmt.Errorf("people of import %s: %w", importID, err)
	}
	defer rows.Close()
	out := make(map[string]string, len(ids))
	for rows.Next() {
		var id, owner string
		if err := rows.Scan(&id, &owner); err != nil {
			return nil, fmt.Errorf("people of import %s: %w", importID, err)
		}
		out[id] = owner
	}
	return out, rows.Err()
}

// ParentLink records the children an import linked a person it did not
// create to, and the person's version once it had.
type ParentLink struct {
	PersonID string   `db:"person_id"`
	Version  int64    `db:"version"`
	Children []string `db:"children"`
}

// InsertParentLinks records links an import added to people it did not
// create; a person linked again by the same import keeps one record, with
// every child and the latest version (only the new children, if an undo
// had taken the earlier ones back).
func InsertParentLinks(ctx context.Context, tx pgx.Tx, importID string, links []ParentLink) error {
	var b pgx.Batch
	for _, l := range links {
		b.Queue(`INSERT INTO import_parent_link (import_id, person_id, version, children) VALUES ($1, $2, $3, $4::uuid[])
ON CONFLICT (import_id, person_id) DO UPDATE SET version = excluded.version, unlinked_at = NULL,
 children = CASE WHEN import_parent_link.unlinked_at IS NULL THEN import_parent_link.children || excluded.children ELSE excluded.children END`,
			importID, l.PersonID, l.Version, l.Children)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("import %s: record the links to %d parents: %w", importID, len(links), err)
	}
	return nil
}

// ParentLinks returns the links the import added to people it did not
// create, and no undo has taken back.
func ParentLinks(ctx context.Context, db DB, importID string) ([]ParentLink, error) {
	rows, err := db.Query(ctx, `SELECT person_id::text AS person_id, version, children::text[] AS children FROM import_parent_link
WHERE import_id = $1 AND unlinked_at IS NULL ORDER BY person_id`, importID)
	if err != nil {
		return nil, fmt.Errorf("links of import %s: %w", importID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[ParentLink])
	if err != nil {
		return nil, fmt.Errorf("links of import %s: %w", importID, err)
	}
	return out, nil
}

// ParentLinksTakenBack records that an undo took back the links of the
// import to people. The records stay: the history entries of those links
// are then known to be no work on the people (UntouchedImports).
func ParentLinksTakenBack(ctx context.Context, tx pgx.Tx, importID string, people []string, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE import_parent_link SET unlinked_at = $3 WHERE import_id = $1 AND person_id = ANY($2::uuid[])`, importID, people, now); err != nil {
		return fmt.Errorf("import %s: record the links to %d parents taken back: %w", importID, len(people), err)
	}
	return nil
}

// ParentsWritten counts the parents an import created and the stored ones
// it linked to their children.
func ParentsWritten(ctx context.Context, tx pgx.Tx, importID string, created, linked int) error {
	if _, err := tx.Exec(ctx, `UPDATE import_job SET parents_created = parents_created + $2, parents_linked = parents_linked + $3 WHERE id = $1`,
		importID, created, linked); err != nil {
		return fmt.Errorf("import %s: count its parents: %w", importID, err)
	}
	return nil
}

// VersionedDoc is a party's document and its version.
type VersionedDoc struct {
	ID      string `db:"id"`
	Doc     []byte `db:"doc"`
	Version int64  `db:"version"`
}

// LockDocs returns the documents of those of ids that are live parties of
// t, locked FOR UPDATE in id order.
func LockDocs(ctx context.Context, tx pgx.Tx, t Type, ids []string) ([]VersionedDoc, error) {
	rows, err := tx.Query(ctx, `SELECT id::text AS id, doc, version FROM `+string(t)+` WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, fmt.Errorf("lock %d %s: %w", len(ids), t, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[VersionedDoc])
	if err != nil {
		return nil, fmt.Errorf("lock %d %s: %w", len(ids), t, err)
	}
	return out, nil
}
