package service

import (
	"context"
	"slices"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// namedParty is a party a row names (its supervising unit, a person's
// workplace or relative): link points into the row's party at the name as
// written, which resolveLinks replaces by the party's id.
type namedParty struct {
	row  int // index in the chunk's pending rows
	link *string
	ref  importing.Ref
	want store.Type
	// field is the field that named it, whose column a problem is reported in.
	field importing.Field
}

// linkMiss is a party a row names that is not one stored one: the stored
// ones so named number matches, 0 or several.
type linkMiss struct {
	ref     importing.Ref
	matches int
	field   importing.Field
}

// heldPeople are the people of a chunk held together, each with its id
// chosen before any is written, so that rows naming each other link.
type heldPeople struct {
	named  *importing.FileParties
	byLine map[int]int // a row's line -> its index in the chunk
	ids    []string    // by index
	// links are the links found between rows of the chunk, so a row naming
	// a refused one is refused too.
	links []localLink
}

// localLink is a link from one row of a chunk of people held together to
// another: row names target.
type localLink struct {
	row, target int // indexes in the chunk's pending rows
	text        string
	field       importing.Field
}

// find returns the id of the row of the chunk, other than row, that a link
// of row in field names, if one does; a nil h finds none.
func (h *heldPeople) find(row int, text string, field importing.Field) (string, bool) {
	if h == nil {
		return "", false
	}
	line, ok := h.named.Line(text)
	target, in := h.byLine[line]
	if !ok || !in || target == row {
		return "", false
	}
	h.links = append(h.links, localLink{row: row, target: target, text: text, field: field})
	return h.ids[target], true
}

// relink points v's links to the party from at the party to.
func relink[T any](v *T, from, to string) {
	for _, l := range linksOf(v) {
		if *l.id == from {
			*l.id = to
		}
	}
}

// resolveLinks looks up the parties the pending rows name, in one query per
// type of party and way of naming one, and points each row's link at the
// one it names. A person another row of the chunk is (its id already
// chosen) is not looked up: local finds it. It returns, by
// row index, the parties of rows that could not be told: none, or several,
// are so named.
func resolveLinks[T any](ctx context.Context, db store.DB, pending []candidate[T], local *heldPeople) (map[int][]linkMiss, error) {
	var named []namedParty
	refs := map[store.Type][]importing.Ref{}
	for i := range pending {
		for _, l := range linksOf(&pending[i].party) {
			if *l.id == "" {
				continue
			}
			n := namedParty{row: i, link: l.id, ref: importing.ParseOrgRef(*l.id), want: l.want, field: importing.LinkField(l.kind)}
			if l.want == store.Person {
				if id, ok := local.find(i, *l.id, n.field); ok {
					*l.id = id
					continue
				}
				n.ref = importing.ParsePersonRef(*l.id)
			}
			named, refs[l.want] = append(named, n), append(refs[l.want], n.ref)
		}
	}
	if len(named) == 0 {
		return nil, nil
	}
	found := map[store.Type]store.Matches{}
	for t, rs := range refs {
		m, err := findParties(ctx, db, t, rs)
		if err != nil {
			return nil, err
		}
		found[t] = m
	}
	misses := map[int][]linkMiss{}
	for _, n := range named {
		if ids := matching(found[n.want], n.ref); len(ids) == 1 {
			*n.link = ids[0]
		} else {
			misses[n.row] = append(misses[n.row], linkMiss{ref: n.ref, matches: len(ids), field: n.field})
		}
	}
	return misses, nil
}

// findParties looks up the parties of table t that refs name, in one query
// per way of naming one, each value asked once.
func findParties(ctx context.Context, db store.DB, t store.Type, refs []importing.Ref) (store.Matches, error) {
	var ask [3][]string // by importing.RefKind
	for _, ref := range refs {
		ask[ref.By] = append(ask[ref.By], ref.Value)
		if ref.Name != "" {
			ask[importing.ByName] = append(ask[importing.ByName], ref.Name)
		}
	}
	for i := range ask {
		// A chunk's rows often name one workplace thousands of times.
		slices.Sort(ask[i])
		ask[i] = slices.Compact(ask[i])
	}
	return store.FindParties(ctx, db, t, ask[importing.ByID], ask[importing.ByKey], ask[importing.ByName])
}

// matching returns the ids of the parties found that ref names.
func matching(found store.Matches, ref importing.Ref) []string {
	switch ref.By {
	case importing.ByID:
		if id, ok := found.ByID[ref.Value]; ok {
			return []string{id}
		}
		if ref.Name != "" { // an id from another Rapport's export
			return found.ByName[ref.Name]
		}
	case importing.ByKey:
		if id, ok := found.ByKey[ref.Value]; ok {
			return []string{id}
		}
	default:
		return found.ByName[ref.Value]
	}
	return nil
}

// storedRecords returns, by id, the names and documents of the stored
// parties of table t that rows of a chunk share a key with (existing) or
// name by id (stored), for the messages saying so to name them and for
// the rows that are one of them to be compared with it (asStored): one
// query, and none if there are none, as for a file of new parties.
func storedRecords(ctx context.Context, db store.DB, t store.Type, existing map[string][]string, stored map[string]store.StoredID) (map[string]store.StoredRecord, error) {
	var ids []string
	for _, holders := range existing {
		ids = append(ids, holders...)
	}
	for _, s := range stored {
		if s.Live != "" {
			ids = append(ids, s.Live)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	slices.Sort(ids)
	return store.Records(ctx, db, t, slices.Compact(ids))
}
