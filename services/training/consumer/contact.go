// Package consumer keeps the training service's local copy of the contact
// service's organisations (units) and people current from contact events,
// decoded with the contact context's own contract types.
package consumer

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/services/training/store"
)

// Config is the durable consumer of contact events.
var Config = consumer.Config{Name: "training-contact", Stream: "CONTACT",
	Subjects: []string{"contact.organization.>", "contact.person.>"}}

// Handler applies one contact event. Kinds the training service does not
// need (owner changes, interactions) are acknowledged and ignored; a type
// outside the catalogue is ignored too, so a newer contact version cannot
// block the copy.
func Handler() consumer.Handler {
	cat := contract.Rapport()
	return func(ctx context.Context, tx pgx.Tx, e event.Event) error {
		entry, ok := cat.Lookup(e.Type)
		if !ok {
			return nil
		}
		return handle(ctx, tx, e, entry)
	}
}

func handle(ctx context.Context, tx pgx.Tx, e event.Event, entry contract.Entry) error {
	var err error
	switch entry.Payload.(type) {
	case contract.OrganizationCreated:
		err = apply(e, func(p contract.OrganizationCreated) error { return putOrganization(ctx, tx, p.Organization) })
	case contract.OrganizationUpdated:
		err = apply(e, func(p contract.OrganizationUpdated) error { return putOrganization(ctx, tx, p.Organization) })
	case contract.OrganizationRestored:
		err = apply(e, func(p contract.OrganizationRestored) error { return putOrganization(ctx, tx, p.Organization) })
	case contract.OrganizationDeleted:
		err = apply(e, func(p contract.OrganizationDeleted) error { return store.DeleteOrganization(ctx, tx, p.ID, "") })
	case contract.OrganizationMerged:
		err = apply(e, func(p contract.OrganizationMerged) error {
			if err := putOrganization(ctx, tx, p.Organization); err != nil {
				return err
			}
			if err := store.MergeOrganization(ctx, tx, p.MergedID, p.SurvivorID); err != nil {
				return err
			}
			return store.FollowContactPeople(ctx, tx, "", []string{p.SurvivorID})
		})
	case contract.PersonCreated:
		err = apply(e, func(p contract.PersonCreated) error { return putPerson(ctx, tx, p.Person) })
	case contract.PersonUpdated:
		err = apply(e, func(p contract.PersonUpdated) error { return putPerson(ctx, tx, p.Person) })
	case contract.PersonRestored:
		err = apply(e, func(p contract.PersonRestored) error { return putPerson(ctx, tx, p.Person) })
	case contract.PersonDeleted:
		err = apply(e, func(p contract.PersonDeleted) error {
			if err := store.DeletePerson(ctx, tx, p.ID, ""); err != nil {
				return err
			}
			return store.FollowContactPeople(ctx, tx, p.ID, nil)
		})
	case contract.PersonMerged:
		err = apply(e, func(p contract.PersonMerged) error {
			if err := store.MergePerson(ctx, tx, p.MergedID, p.SurvivorID); err != nil {
				return err
			}
			if p.Person.ID == "" { // a merge without a snapshot: only the courses that listed either id change
				return store.FollowContactPeople(ctx, tx, p.SurvivorID, nil)
			}
			return putPerson(ctx, tx, p.Person)
		})
	}
	if err != nil {
		return fmt.Errorf("apply %s %s: %w", e.Type, e.ID, err)
	}
	return nil
}

func apply[T any](e event.Event, fn func(T) error) error {
	p, err := contract.Decode[T](e)
	if err != nil {
		return err
	}
	return fn(p)
}

func putOrganization(ctx context.Context, tx pgx.Tx, o contract.OrganizationSnapshot) error {
	if o.ID == "" {
		return nil // a merge without a snapshot: only the re-pointing matters
	}
	return store.UpsertOrganization(ctx, tx, store.Organization{ID: o.ID, Name: o.Name, SupervisingUnitID: o.SupervisingUnitID})
}

// putPerson keeps the copy of a person current, and with it the contact
// people of the open courses of the units they work at now and of those
// they left (store.FollowContactPeople).
func putPerson(ctx context.Context, tx pgx.Tx, p contract.PersonSnapshot) error {
	if p.ID == "" {
		return nil
	}
	units, err := store.UpsertPerson(ctx, tx, p.ID, p.FullName, p.OrganizationIDs)
	if err != nil {
		return err
	}
	return store.FollowContactPeople(ctx, tx, p.ID, units)
}
