package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LinkChange is a change of a person's relationships as their history
// records it: the arrays before and after, as JSON.
type LinkChange struct {
	PersonID string    `db:"party_id"`
	At       time.Time `db:"at"`
	Old      []byte    `db:"old_value"`
	New      []byte    `db:"new_value"`
	// Merge says a merge made the change, with the links of the person
	// merged in.
	Merge bool `db:"merge"`
}

// Staff returns the live people who work at the organisation known by any
// of ids (its own and its aliases), or did by their history: their
// relationships now, as JSON, by id, and every change of their
// relationships, in order.
func Staff(ctx context.Context, db DB, ids []string) (map[string][]byte, []LinkChange, error) {
	rows, err := db.Query(ctx, `WITH link AS (
 SELECT id, jsonb_build_array(jsonb_build_object('kind', 'works_at', 'party_id', id)) AS works_at FROM unnest($1::text[]) AS id)
SELECT p.id::text, coalesce(p.doc->'relationships', '[]') FROM person p WHERE p.id IN (
 -- The expressions of person_links_idx and history_links_idx.
 SELECT p.id FROM link, person p
 WHERE jsonb_path_query_array(p.doc, '$.relationships[*].party_id') ? link.id AND p.doc->'relationships' @> link.works_at
 UNION
 SELECT h.party_id FROM link CROSS JOIN LATERAL (SELECT party_id FROM history h WHERE h.field = 'relationships'
  AND (coalesce(h.old_value, '[]') || coalesce(h.new_value, '[]')) @> link.works_at) AS h)`, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("the staff of %v: %w", ids, err)
	}
	now := map[string][]byte{}
	var id string
	var links []byte
	if _, err := pgx.ForEachRow(rows, []any{&id, &links}, func() error { now[id] = links; return nil }); err != nil {
		return nil, nil, fmt.Errorf("the staff of %v: %w", ids, err)
	}
	people := make([]string, 0, len(now))
	for id := range now {
		people = append(people, id)
	}
	rows, err = db.Query(ctx, `SELECT h.party_id::text AS party_id, h.at, h.old_value, h.new_value,
 EXISTS (SELECT 1 FROM history m WHERE m.party_id = h.party_id AND m.at = h.at AND m.field = 'merged_from') AS merge
FROM history h WHERE h.party_id = ANY($1::uuid[]) AND h.field = 'relationships' ORDER BY h.party_id, h.id`, people)
	if err != nil {
		return nil, nil, fmt.Errorf("the links of the staff of %v: %w", ids, err)
	}
	changes, err := pgx.CollectRows(rows, pgx.RowToStructByName[LinkChange])
	if err != nil {
		return nil, nil, fmt.Errorf("the links of the staff of %v: %w", ids, err)
	}
	return now, changes, nil
}

// Aliases returns the ids of the parties merged into id.
func Aliases(ctx context.Context, db DB, id string) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT alias_id::text FROM party_alias WHERE survivor_id = $1 ORDER BY alias_id`, id)
	if err != nil {
		return nil, fmt.Errorf("aliases of %s: %w", id, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("aliases of %s: %w", id, err)
	}
	return ids, nil
}

// Tenure is a period in which a person worked at an organisation; a zero
// From is since their record began, a zero To is still.
type Tenure struct {
	PersonID string
	From, To time.Time
}
