package service

import (
	"context"
	"encoding/json"
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
		if len(o.DuplicateKeys()) > 0 {
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
	// Each party is compared with the organisations of its name only, so
	// that a chunk of 5,000 rows does not compare each with all found.
	byName := map[string][]store.Lookalike{}
	for _, l := range found {
		k := party.NameKey(l.Name)
		// One without a province is found once for each province asked.
		if !slices.ContainsFunc(byName[k], func(m store.Lookalike) bool { return m.ID == l.ID }) {
			byName[k] = append(byName[k], l)
		}
	}
	for i, o := range os {
		for _, l := range byName[party.NameKey(o.Name)] {
			if party.ProbablySameOrganisation(o, party.Organisation{Name: l.Name, CurrentProvince: l.At}) {
				out[i] = append(out[i], l)
			}
		}
	}
	return out, nil
}

// lookalikeLocks are the advisory locks (store.LockKeys) a write of v
// without keys takes, so that two requests creating the same person at one
// workplace, or the same organisation, at once cannot both pass the check:
// what lookalikes looks it up by. An organisation's is its name alone, as
// one without a province is compared with every province's.
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
		if len(v.DuplicateKeys()) == 0 {
			locks = append(locks, "organisation:"+party.NameKey(v.Name))
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
		msg := importing.ProbableDuplicate(r.p.k.table == store.Organization, as)
		if o, ok := any(vs[j]).(party.Organisation); ok && (o.CurrentProvince == "" || same[0].At == "") {
			msg = importing.ProbableNamesake(as)
		}
		out[at[j]] = store.ImportProblem{Row: row.Line, Column: columns.Column(row, importing.FieldName), Message: msg}
	}
	return out, nil
}

// duplicates refuses a party v written anew (w: created, or restored as
// self), whose duplicate keys are keys, that live parties other than self
// share a key with, or, with no key, that a stored party probably is (a
// *DuplicateError listing them), unless force is set; it reports whether
// force was needed, so that a reason is kept only for a duplicate there
// is.
func (p *Parties[T]) duplicates(ctx context.Context, tx pgx.Tx, v T, keys []string, force bool, w Write, self string) (bool, error) {
	if len(keys) > 0 {
		matches, err := store.FindByKeys(ctx, tx, p.k.table, keys, self)
		if err != nil || len(matches) == 0 {
			return false, err
		}
		if !force {
			return false, duplicate[T](ctx, tx, matches, false, w)
		}
		return true, nil
	}
	// No key tells it: a stored party of the same name where it is
	// (party.ProbablySamePerson) probably does.
	same, err := lookalikes(ctx, tx, []T{v})
	if err != nil {
		return false, err
	}
	docs := lookalikeDocs(same[0], func(l store.Lookalike) bool { return l.ID != self })
	if len(docs) == 0 {
		return false, nil
	}
	if !force {
		return false, duplicate[T](ctx, tx, docs, true, w)
	}
	return true, nil
}

// editDuplicates refuses an edit of before into next, whose duplicate keys
// are keys, for what it changes only: the keys it adds (added) that live
// parties hold, or, with no key left, the stored parties next probably is
// and before was not (party.EditMakesProbablySamePerson), so a pair that
// matched already, on purpose or before the rule, stays editable. It
// reports whether force was needed, as duplicates does. The advisory locks
// of what it looks up are taken first.
func (p *Parties[T]) editDuplicates(ctx context.Context, tx pgx.Tx, before, next T, added []string, force bool) (bool, error) {
	again := comparedAgain(before, next)
	locks := added
	if again {
		locks = slices.Concat(added, lookalikeLocks(next))
	}
	if err := store.LockKeys(ctx, tx, locks); err != nil {
		return false, err
	}
	self := *p.k.id(&next)
	forced := false
	if matches, err := store.FindByKeys(ctx, tx, p.k.table, added, self); err != nil {
		return false, err
	} else if len(matches) > 0 {
		if !force {
			return false, duplicate[T](ctx, tx, matches, false, Editing)
		}
		forced = true
	}
	if !again {
		return forced, nil
	}
	same, err := lookalikes(ctx, tx, []T{next})
	if err != nil {
		return false, err
	}
	docs := lookalikeDocs(same[0], func(l store.Lookalike) bool { return l.ID != self && editMakesLookalike(before, next, l) })
	if len(docs) == 0 {
		return forced, nil
	}
	if !force {
		return false, duplicate[T](ctx, tx, docs, true, Editing)
	}
	return true, nil
}

// comparedAgain reports whether an edit from before to next changes what
// the probable-duplicate rule reads of it (party.PersonComparedAgain), so
// that a change of tags costs no query.
func comparedAgain[T any](before, next T) bool {
	switch b := any(before).(type) {
	case party.Person:
		return party.PersonComparedAgain(b, any(next).(party.Person))
	case party.Organisation:
		return party.OrganisationComparedAgain(b, any(next).(party.Organisation))
	}
	return false
}

// editMakesLookalike reports whether the edit of before into next makes
// it probably the stored l when before was not. A person is read whole
// from its document: before may have matched them at another of their
// workplaces than the one they were found at.
func editMakesLookalike[T any](before, next T, l store.Lookalike) bool {
	switch b := any(before).(type) {
	case party.Person:
		var stored party.Person
		if err := json.Unmarshal(l.Doc, &stored); err != nil { // compared as found
			stored = party.Person{FullName: l.Name, Relationships: []party.Relationship{{Kind: party.RelWorksAt, PartyID: l.At}}}
		}
		return party.EditMakesProbablySamePerson(b, any(next).(party.Person), stored)
	case party.Organisation:
		stored := party.Organisation{Name: l.Name, CurrentProvince: l.At}
		return party.EditMakesProbablySameOrganisation(b, any(next).(party.Organisation), stored)
	}
	return false
}

// lookalikeDocs returns the documents of the lookalikes keep keeps, each
// once.
func lookalikeDocs(ls []store.Lookalike, keep func(store.Lookalike) bool) [][]byte {
	var docs [][]byte
	var seen []string
	for _, l := range ls {
		if keep(l) && !slices.Contains(seen, l.ID) {
			docs, seen = append(docs, l.Doc), append(seen, l.ID)
		}
	}
	return docs
}
