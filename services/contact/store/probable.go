package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Lookalike is a stored party that a party without phone, email or tax
// code may be (party.ProbablySamePerson, party.ProbablySameOrganisation):
// its id, name and document, and At, what it was found at: the
// organisation a person works at, or an organisation's province.
type Lookalike struct {
	At   string `db:"at"`
	ID   string `db:"id"`
	Name string `db:"name"`
	Doc  []byte `db:"doc"`
}

// PeopleAt returns the live people who work at one of orgs (a works_at
// link) under one of givens, the given name asked beside that
// organisation, folded as party.GivenName folds it: the last word of the
// name's key (party_name_key, party.NameKey: "tran t.cuc." gives "cuc").
// orgs and givens are pairs. The names are compared in Go
// (party.SameName); the given name only narrows the people of a large
// organisation to the few a name can match. The links are found through
// person_links_idx, as Staff finds them.
func PeopleAt(ctx context.Context, db DB, orgs, givens []string) ([]Lookalike, error) {
	rows, err := db.Query(ctx, `SELECT q.org AS at, p.id::text AS id, p.name, p.doc
FROM unnest($1::text[], $2::text[]) AS q(org, given)
JOIN person p ON jsonb_path_query_array(p.doc, '$.relationships[*].party_id') ? q.org
 AND p.doc->'relationships' @> jsonb_build_array(jsonb_build_object('kind', 'works_at', 'party_id', q.org))
 AND regexp_replace(party_name_key(p.search_name), '^.* ', '') = q.given
ORDER BY p.id`, orgs, givens)
	if err != nil {
		return nil, fmt.Errorf("people of %d names at %d organisations: %w", len(givens), len(orgs), err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Lookalike])
	if err != nil {
		return nil, fmt.Errorf("people of %d names at %d organisations: %w", len(givens), len(orgs), err)
	}
	return out, nil
}

// OrganisationsNamed returns the live organisations whose name key
// (party.NameKey, which party_name_key derives from the stored search
// name) is one of names, in the province beside it in provinces or
// without a province; beside a province "", in any province
// (party.ProbablySameOrganisation). At is their province, "" for none. An
// organisation without a province may be returned once for each pair it
// matches.
//
// Each name is looked up on its own through organization_name_key_idx, by
// its leading column, the name key (OFFSET 0 keeps the planner from
// joining instead): left to join 5,000 names of an import chunk, with the
// province no longer an equality, it sorted every organisation by a key
// it computed for each (a merge join over a sequential scan, 1.3 s over
// 400,000 organisations, against 0.25 s looked up name by name).
func OrganisationsNamed(ctx context.Context, db DB, names, provinces []string) ([]Lookalike, error) {
	rows, err := db.Query(ctx, `SELECT o.at, o.id, o.name, o.doc
FROM unnest($1::text[], $2::text[]) AS q(name, province)
CROSS JOIN LATERAL (SELECT coalesce(o.province, '') AS at, o.id::text AS id, o.name, o.doc
 FROM organization o
 WHERE party_name_key(o.search_name) = q.name AND (q.province = '' OR o.province IS NULL OR o.province = q.province)
 OFFSET 0) AS o
ORDER BY o.id`, names, provinces)
	if err != nil {
		return nil, fmt.Errorf("organisations of %d names: %w", len(names), err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Lookalike])
	if err != nil {
		return nil, fmt.Errorf("organisations of %d names: %w", len(names), err)
	}
	return out, nil
}
