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
// name) is one of names and whose current province is the one beside it
// in provinces, through organization_name_key_idx.
func OrganisationsNamed(ctx context.Context, db DB, names, provinces []string) ([]Lookalike, error) {
	rows, err := db.Query(ctx, `SELECT o.province AS at, o.id::text AS id, o.name, o.doc
FROM unnest($1::text[], $2::text[]) AS q(name, province)
JOIN organization o ON party_name_key(o.search_name) = q.name AND o.province = q.province
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
