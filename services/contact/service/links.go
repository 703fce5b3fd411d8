package service

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// link is one reference from a party to another: pointers into the party,
// so that checkRefs can point it at a survivor and named can name it.
type link struct {
	field string
	id    *string
	name  *string
	want  store.Type
	// kind is the relationship's kind, "" for a supervising unit.
	kind party.RelationKind
}

// linksOf lists v's references to other parties (a person's relationships
// are cloned first, so re-pointing one never writes into a shared slice).
func linksOf[T any](v *T) []link {
	var links []link
	switch x := any(v).(type) {
	case *party.Organisation:
		links = append(links, link{"supervising_unit_id", &x.SupervisingUnitID, &x.SupervisingUnitName, store.Organization, ""})
	case *party.Person:
		x.Relationships = slices.Clone(x.Relationships)
		for i := range x.Relationships {
			r := &x.Relationships[i]
			want := store.Person
			if r.Kind == party.RelWorksAt {
				want = store.Organization
			}
			links = append(links, link{fmt.Sprintf("relationships[%d].party_id", i), &r.PartyID, &r.PartyName, want, r.Kind})
		}
	}
	return links
}

// named fills in the names of the parties each of vs links to, in one
// query, so an answer reads "works at Trường THCS Lê Lợi" and not only an
// id. Names are looked up when a record is answered and never stored: a
// renamed school shows its new name on every record linked to it.
func named[T any](ctx context.Context, db store.DB, vs ...*T) error {
	var links []link
	var ids []string
	for _, v := range vs {
		for _, l := range linksOf(v) {
			if *l.id != "" {
				links = append(links, l)
				ids = append(ids, *l.id)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := store.Names(ctx, db, ids)
	if err != nil {
		return err
	}
	for _, l := range links {
		*l.name = names[*l.id]
	}
	return nil
}

// checkRefs refuses a new link to a party that does not exist or is of the
// wrong type (a supervising unit is an organisation; a person works at an
// organisation and is the parent, guardian or relative of a person), and
// points a new link at a merged party to its survivor. Links v already had
// in before are left alone, so a party linked to one deleted since can
// still be edited.
func (p *Parties[T]) checkRefs(ctx context.Context, db store.DB, v T, before *T) (T, error) {
	if o, ok := any(v).(party.Organisation); ok && o.SupervisingUnitID != "" && o.SupervisingUnitID == o.ID {
		return v, problem.Invalid("an organisation cannot supervise itself", problem.FieldError{Field: "supervising_unit_id", Message: "is this organisation"})
	}
	kept := map[string]bool{}
	if before != nil {
		for _, l := range linksOf(before) {
			kept[*l.id] = true
		}
	}
	var bad []problem.FieldError
	for _, l := range linksOf(&v) {
		if *l.id == "" || kept[*l.id] {
			continue
		}
		resolved, why, err := liveRef(ctx, db, *l.id, l.want)
		if err != nil {
			return v, err
		}
		if why != "" {
			bad = append(bad, problem.FieldError{Field: l.field, Message: why})
			continue
		}
		*l.id = resolved
	}
	if len(bad) > 0 {
		return v, problem.Invalid("a linked party is not valid", bad...)
	}
	return v, nil
}

// liveRef returns the live id of the party id names, following a merge, or
// why it cannot be linked: it is not an id, no such party lives, or the
// party is not of type want.
func liveRef(ctx context.Context, db store.DB, id string, want store.Type) (resolved, why string, err error) {
	noun := map[store.Type]string{store.Organization: "an organisation", store.Person: "a person"}
	if !party.ValidID(id) {
		return "", "is not the id of " + noun[want], nil
	}
	t, resolved, err := store.TypeOf(ctx, db, id)
	if err == nil && t == want {
		err = store.HoldLive(ctx, db, t, resolved)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", "is not an existing party: it must be " + noun[want], nil
	case err != nil:
		return "", "", err
	case t != want:
		return "", "is " + noun[t] + ": it must be " + noun[want], nil
	}
	return resolved, "", nil
}
