package store

import (
	"context"
	"fmt"
)

// orgNames and personNames are, over the ids a subquery lists, a JSON
// object giving each party's name by id (a merged party's id gives its
// survivor's): an organisation's name with its id, or a person's with the
// phone, email or id that tells them from others of the same name, as
// importing.ParseOrgRef and ParsePersonRef read them. Schools share names
// across provinces, so a workplace or supervising unit written by name
// alone could not be imported back once two were so named.
const (
	orgNames = `(SELECT coalesce(jsonb_object_agg(l.id, o.name || ' (' || o.id::text || ')'), '{}')
    FROM (%s) AS l(id)
    LEFT JOIN party_alias a ON a.alias_id = l.id AND a.party_type = 'organization'
    JOIN organization o ON o.id = coalesce(a.survivor_id, l.id))`
	personNames = `(SELECT coalesce(jsonb_object_agg(l.id, q.name || ' (' || coalesce(q.doc->'phones'->>0, q.doc->'emails'->>0, q.id::text) || ')'), '{}')
    FROM (%s) AS l(id)
    LEFT JOIN party_alias a ON a.alias_id = l.id AND a.party_type = 'person'
    JOIN person q ON q.id = coalesce(a.survivor_id, l.id))`
	linkIDs = `SELECT (l #>> '{}')::uuid FROM jsonb_path_query(p.doc, '$.relationships[*] ? (@.kind %s "works_at").party_id') l`
)

// linkedNames is, per table, the names of the parties a party p links to:
// an organisation's supervising unit, a person's workplaces and relatives.
var linkedNames = map[Type]string{
	Organization: fmt.Sprintf(orgNames, `SELECT p.supervising_unit_id`),
	Person:       fmt.Sprintf(orgNames, fmt.Sprintf(linkIDs, "==")) + " || " + fmt.Sprintf(personNames, fmt.Sprintf(linkIDs, "!=")),
}

// Export streams every party a filter selects, as answered, in search
// order (Filter.listing: a name search's tiers, then name; the follow-ups
// due and the dates within a window by their day first), to fn, with the
// names of the parties it links to, by the ids it holds, so a file shows
// names people can read. Rows are read as they arrive, so memory stays
// flat for any count.
func Export(ctx context.Context, db DB, t Type, f Filter, fn func(doc []byte, names map[string]string) error) error {
	f, err := f.resolve(ctx, db, t)
	if err != nil {
		return err
	}
	for _, tier := range f.tiers(nil) {
		f.tier = tier
		if err := exportTier(ctx, db, t, f, fn); err != nil {
			return err
		}
	}
	return nil
}

// exportTier streams the parties of f's tier to fn, as Export does.
func exportTier(ctx context.Context, db DB, t Type, f Filter, fn func(doc []byte, names map[string]string) error) error {
	l := f.listing(t)
	rows, err := db.Query(ctx, `SELECT `+answered+`, `+linkedNames[t]+`
FROM `+l.from+` WHERE `+l.where+` ORDER BY `+l.order(), l.args...)
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
