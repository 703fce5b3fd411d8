package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// Timeline pages through what happened with a party, newest first. With
// its people, an organisation's timeline holds what happened with the
// people who work at it too (the calls with a school's accountant), each
// event once: the whole picture of a customer unit.
func (p *Parties[T]) Timeline(ctx context.Context, id string, withPeople bool, before time.Time, beforeID string, limit int) ([]store.TimelineEntry, error) {
	if withPeople && p.k.table != store.Organization {
		return nil, problem.Invalid("bad timeline", problem.FieldError{Field: "with", Message: "does not apply to people: a person's timeline is their own"})
	}
	resolved, err := store.ResolveAlias(ctx, p.s.Pool, p.k.table, id)
	if err != nil {
		return nil, err
	}
	if err := p.s.liveOrDeleted(ctx, p.k.table, resolved); err != nil {
		return nil, err
	}
	var staff []store.Tenure
	if withPeople {
		if staff, err = p.s.staff(ctx, resolved); err != nil {
			return nil, err
		}
	}
	return store.ListTimeline(ctx, p.s.Pool, resolved, staff, before, beforeID, limit)
}

// staff returns the periods in which people worked at organisation id,
// now or in the past, as their history of relationships tells them.
func (s *Service) staff(ctx context.Context, id string) ([]store.Tenure, error) {
	aliases, err := store.Aliases(ctx, s.Pool, id)
	if err != nil {
		return nil, err
	}
	ids := append([]string{id}, aliases...)
	now, changes, err := store.Staff(ctx, s.Pool, ids)
	if err != nil {
		return nil, err
	}
	byPerson := map[string][]party.LinkChange{}
	for _, c := range changes {
		var lc party.LinkChange
		if err := json.Unmarshal(c.Old, &lc.Old); err != nil {
			return nil, fmt.Errorf("history of person %s: %w", c.PersonID, err)
		}
		if err := json.Unmarshal(c.New, &lc.New); err != nil {
			return nil, fmt.Errorf("history of person %s: %w", c.PersonID, err)
		}
		lc.At, lc.Merge = c.At, c.Merge
		byPerson[c.PersonID] = append(byPerson[c.PersonID], lc)
	}
	var out []store.Tenure
	for person, doc := range now {
		var rels []party.Relationship
		if err := json.Unmarshal(doc, &rels); err != nil {
			return nil, fmt.Errorf("person %s: %w", person, err)
		}
		for _, p := range party.Tenure(ids, byPerson[person], rels) {
			out = append(out, store.Tenure{PersonID: person, From: p.From, To: p.To})
		}
	}
	return out, nil
}
