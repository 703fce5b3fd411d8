package service

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// lookalikes returns, for each of vs, the stored parties it probably is
// although it has no phone, email or tax code to share with them
// (party.ProbablySamePerson, party.ProbablySameOrganisation), first
// created first; none for a party with a key, which its keys alone tell.
// One query for all of vs, and none if every one has a key, so that a
// file whose rows have keys pays nothing for it.
func lookalikes[T any](ctx context.Context, db store.DB, vs []T) ([][]store.Lookalike, error) {
	switch vs := any(vs).(type) {
	case []party.Person:
		return peopleLookalikes(ctx, db, vs)
	case []party.Organisation:
		return organisationLookalikes(ctx, db, vs)
	}
	return make([][]store.Lookalike, len(vs)), nil
}

func peopleLookalikes(ctx context.Context, db store.DB, ps []party.Person) ([][]store.Lookalike, error) {
	type pair struct{ org, given string }
	var asked []pair
	seen := map[pair]bool{}
	for _, p := range ps {
		if len(p.DuplicateKeys()) > 0 {
			continue
		}
		given := party.GivenName(p.FullName)
		for _, w := range p.Workplaces() {
			// A workplace an import could not look up stays as written:
			// it is refused for that, and no stored person works there.
			if q := (pair{w, given}); party.ValidID(w) && given != "" && !seen[q] {
				asked, seen[q] = append(asked, q), true
			}
		}
	}
	out := make([][]store.Lookalike, len(ps))
	if len(asked) == 0 {
		return out, nil
	}
	orgs, givens := make([]string, len(asked)), make([]string, len(asked))
	for i, q := range asked {
		orgs[i], givens[i] = q.org, q.given
	}
	found, err := store.PeopleAt(ctx, db, orgs, givens)
	if err != nil || len(found) == 0 {
		return out, err
	}
	for i, p := range ps {
		for _, l := range found {
			stored := party.Person{FullName: l.Name, Relationships: []party.Relationship{{Kind: party.RelWorksAt, PartyID: l.At}}}
			if _, ok := party.ProbablySamePerson(p, stored); ok && !slices.ContainsFunc(out[i], func(m store.Lookalike) bool { return m.ID == l.ID }) {
				out[i] = append(out[i], l)
			}
		}
	}
	return out, nil
}

func organisationLookalikes(ctx context.Context, db store.DB, os []party.Organisation) ([][]store.Lookalike, error) {
	var names, provinces []string
	seen := map[[2]string]bool{}
	for _, o := range os {
		if len(o.DuplicateKeys()) > 0 || o.CurrentProvince == "" {
			continue
		}
		if q := [2]string{party.NameKey(o.Name), o.CurrentProvince}; !seen[q] {
			names, provinces, seen[q] = append(names, q[0]), append(provinces, q[1]), true
		}
	}
	out := make([][]store.Lookalike, len(os))
	if len(names) == 0 {
		return out, nil
	}
	found, err := store.OrganisationsNamed(ctx, db, names, provinces)
	if err != nil || len(found) == 0 {
		return out, err
	}
	for i, o := range os {
		for _, l := range found {
			if party.ProbablySameOrganisation(o, party.Organisation{Name: l.Name, CurrentProvince: l.At}) {
				out[i] = append(out[i], l)
			}
		}
	}
	return out, nil
}

// lookalikeLocks are the advisory locks (store.LockKeys) a creation of v
// without keys takes, so that two requests creating the same person at one
// workplace, or the same organisation in one province, at once cannot
// both pass the check: what lookalikes looks it up by.
func lookalikeLocks[T any](v T) []string {
	var locks []string
	switch v := any(v).(type) {
	case party.Person:
		if len(v.DuplicateKeys()) == 0 {
			for _, w := range v.Workplaces() {
				locks = append(locks, "works_at:"+w+":"+party.GivenName(v.FullName))
			}
		}
	case party.Organisation:
		if len(v.DuplicateKeys()) == 0 && v.CurrentProvince != "" {
			locks = append(locks, "organisation:"+party.NameKey(v.Name)+":"+v.CurrentProvince)
		}
	}
	return locks
}

// lookalikes returns, by index in pending, the problem refusing each row
// without keys that a stored party probably is (see lookalikes), in its
// name column, naming the first such party. A row whose id column names a
// stored party is told by that id, and not compared.
func (r *importRun[T]) lookalikes(ctx context.Context, db store.DB, pending []candidate[T], stored map[string]store.StoredID,
	columns *importing.Checker) (map[int]store.ImportProblem, error) {
	var at []int
	var vs []T
	for i, cand := range pending {
		if len(r.p.k.keys(cand.party)) > 0 {
			continue
		}
		if id, _ := columns.ID(cand.row); id != "" {
			if _, ok := stored[id]; ok {
				continue
			}
		}
		at, vs = append(at, i), append(vs, cand.party)
	}
	if len(vs) == 0 {
		return nil, nil
	}
	found, err := lookalikes(ctx, db, vs)
	if err != nil {
		return nil, err
	}
	out := map[int]store.ImportProblem{}
	for j, same := range found {
		if len(same) == 0 {
			continue
		}
		row := pending[at[j]].row
		as := importing.Existing(r.p.k.noun(), same[0].ID, same[0].Name)
		out[at[j]] = store.ImportProblem{Row: row.Line, Column: columns.Column(row, importing.FieldName),
			Message: importing.ProbableDuplicate(r.p.k.table == store.Organization, as)}
	}
	return out, nil
}

// duplicates refuses a new party v, whose duplicate keys are keys, that
// live parties share a key with, or, with no key, that a stored party
// probably is (a *DuplicateError listing them), unless force is set; it
// reports whether force was needed, so that a reason is kept only for a
// duplicate there is.
func (p *Parties[T]) duplicates(ctx context.Context, tx pgx.Tx, v T, keys []string, force bool) (bool, error) {
	if len(keys) > 0 {
		matches, err := store.FindByKeys(ctx, tx, p.k.table, keys, "")
		if err != nil || len(matches) == 0 {
			return false, err
		}
		if !force {
			return false, duplicate[T](ctx, tx, matches, false)
		}
		return true, nil
	}
	// No key tells it: a stored party of the same name where it is
	// (party.ProbablySamePerson) probably does.
	same, err := lookalikes(ctx, tx, []T{v})
	if err != nil || len(same[0]) == 0 {
		return false, err
	}
	if !force {
		docs := make([][]byte, len(same[0]))
		for i, l := range same[0] {
			docs[i] = l.Doc
		}
		return false, duplicate[T](ctx, tx, docs, true)
	}
	return true, nil
}
