package service

import (
	"context"
	"maps"
	"slices"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// parentCheck is what the stored people say of the parents a pending row
// names: the problems that refuse it, and, if its student is a stored
// child of one of them, that child and the problem saying so.
type parentCheck struct {
	problems []store.ImportProblem
	student  string
	same     *store.ImportProblem
}

// storedChildren returns the children of the stored people parents are,
// by the stored person's id.
func storedChildren(ctx context.Context, db store.DB, parents map[*importing.Parent]string) (map[string][]importing.StoredChild, error) {
	ids := slices.Compact(slices.Sorted(maps.Values(parents)))
	kinds := make([]string, len(parentKinds))
	for i, k := range parentKinds {
		kinds[i] = string(k)
	}
	linked, err := store.ChildrenOf(ctx, db, ids, kinds)
	if err != nil {
		return nil, err
	}
	out := map[string][]importing.StoredChild{}
	for _, c := range linked {
		out[c.ParentID] = append(out[c.ParentID], importing.StoredChild{ID: c.ID, Name: c.Name})
	}
	return out, nil
}

// sameStoredStudent tells whether the person v of the row at line is a
// stored child of a stored person one of its parents is (matched), and
// says so, naming the parents of the row not linked to that child.
func sameStoredStudent(f *importing.Families, line int, v any, matched map[*importing.Parent]string, children map[string][]importing.StoredChild) (parentCheck, bool) {
	person, ok := v.(party.Person)
	if !ok {
		return parentCheck{}, false
	}
	parents := f.Of(line)
	for _, p := range parents {
		child, ok := importing.StoredStudent(person.FullName, children[matched[p]])
		if !ok {
			continue
		}
		var others []*importing.Parent
		for _, q := range parents {
			if !slices.Contains(children[matched[q]], child) {
				others = append(others, q)
			}
		}
		as := importing.Existing("person", child.ID, child.Name)
		return parentCheck{student: child.ID, same: &store.ImportProblem{Row: line,
			Message: importing.SameStudent(line, p, as, others, "link them to person "+child.ID+" on their record")}}, true
	}
	return parentCheck{}, false
}
