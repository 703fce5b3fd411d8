package service

import (
	"context"
	"slices"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// namedOrg is an organisation a row names (its supervising unit, a person's
// workplace): link points into the row's party at the name as written,
// which resolveOrgs replaces by the organisation's id.
type namedOrg struct {
	row  int // index in the chunk's pending rows
	link *string
	ref  importing.OrgRef
}

// orgMiss is an organisation a row names that is not one stored one: the
// stored ones so named number matches, 0 or several.
type orgMiss struct {
	ref     importing.OrgRef
	matches int
}

// resolveOrgs looks up the organisations the pending rows name, in one
// query per way of naming one, and points each row's link at the one it
// names. It returns, by row index, the organisations of rows that could not
// be told: none, or several, are so named.
func resolveOrgs[T any](ctx context.Context, db store.DB, pending []candidate[T]) (map[int][]orgMiss, error) {
	var named []namedOrg
	var refs []importing.OrgRef
	for i := range pending {
		for _, l := range linksOf(&pending[i].party) {
			if l.want != store.Organization || *l.id == "" {
				continue
			}
			ref := importing.ParseOrgRef(*l.id)
			named, refs = append(named, namedOrg{row: i, link: l.id, ref: ref}), append(refs, ref)
		}
	}
	if len(named) == 0 {
		return nil, nil
	}
	found, err := findOrgs(ctx, db, refs)
	if err != nil {
		return nil, err
	}
	misses := map[int][]orgMiss{}
	for _, n := range named {
		if ids := matching(found, n.ref); len(ids) == 1 {
			*n.link = ids[0]
		} else {
			misses[n.row] = append(misses[n.row], orgMiss{ref: n.ref, matches: len(ids)})
		}
	}
	return misses, nil
}

// findOrgs looks up the organisations refs name, in one query per way of
// naming one, each value asked once.
func findOrgs(ctx context.Context, db store.DB, refs []importing.OrgRef) (store.OrgMatches, error) {
	var ask [3][]string // by importing.RefKind
	for _, ref := range refs {
		ask[ref.By] = append(ask[ref.By], ref.Value)
	}
	for i := range ask {
		// A chunk's rows often name one workplace thousands of times.
		slices.Sort(ask[i])
		ask[i] = slices.Compact(ask[i])
	}
	return store.FindOrganisations(ctx, db, ask[importing.ByID], ask[importing.ByTaxCode], ask[importing.ByName])
}

// matching returns the ids of the organisations found that ref names.
func matching(found store.OrgMatches, ref importing.OrgRef) []string {
	switch ref.By {
	case importing.ByID:
		if id, ok := found.ByID[ref.Value]; ok {
			return []string{id}
		}
	case importing.ByTaxCode:
		if id, ok := found.ByKey[ref.Value]; ok {
			return []string{id}
		}
	default:
		return found.ByName[ref.Value]
	}
	return nil
}
