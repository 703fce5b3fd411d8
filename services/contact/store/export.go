package store

import (
	"context"
	"fmt"
)

// linkedOrgs is, per table, a query over the party p listing the ids of
// the organisations it links to: an organisation's supervising unit, a
// person's workplaces.
var linkedOrgs = map[Type]string{
	Organization: `SELECT p.supervising_unit_id`,
	Person:       `SELECT (l #>> '{}')::uuid FROM jsonb_path_query(p.doc, '$.relationships[*] ? (@.kind == "works_at").party_id') l`,
}

// Export streams every party a filter selects, in search order, to fn,
// with the names of the organisations it links to, by the ids it holds (a
// merged organisation's id gives its survivor's name), so a file shows
// names people can read. Rows are read as they arrive, so memory stays
// flat for any count.
func Export(ctx context.Context, db DB, t Type, f Filter, fn func(doc []byte, names map[string]string) error) error {
	where, args := f.where(t)
	rows, err := db.Query(ctx, `SELECT p.doc, (
    SELECT coalesce(jsonb_object_agg(l.id, o.name), '{}')
    FROM (`+linkedOrgs[t]+`) AS l(id)
    LEFT JOIN party_alias a ON a.alias_id = l.id AND a.party_type = 'organization'
    JOIN organization o ON o.id = coalesce(a.survivor_id, l.id))
FROM `+string(t)+` p WHERE `+where+` ORDER BY p.search_name, p.id`, args...)
	if err != nil {
		return fmt.Errorf("export %s: %w", t, err)
	}
	defer rows.Close()
	var doc []byte
	for rows.Next() {
		var names map[string]string
		if err := rows.Scan(&doc, &names); err != nil {
			return fmt.Errorf("export %s: %w", t, err)
		}
		if err := fn(doc, names); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export %s: %w", t, err)
	}
	return nil
}
