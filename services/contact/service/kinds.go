// Package service holds the contact use cases: each command is one
// transaction that changes the schema and appends its events to the outbox.
package service

import (
	"time"

	"encoding/json"

	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// kind adapts one party type (organisation or person) to the generic use
// cases, so creation, update, merge and hand-over are written once.
type kind[T any] struct {
	table store.Type
	// custom sets custom fields on a party as a bulk change does (see
	// party.CustomFieldSchema.Set); nil: the party carries none (people).
	// Organisations carry them, checked against the stored definitions.
	custom   func(v T, fields party.CustomFieldSchema, set map[string]any) (T, map[string]string)
	validate func(v T, now time.Time, fields party.CustomFieldSchema) (T, error)
	// checkEdit refuses what an edit may not do to a stored party beyond
	// what validate checks of any party (a person's consents are replaced
	// only by newer decisions); nil: nothing more.
	checkEdit   func(before, after T) error
	id          func(*T) *string
	owner       func(*T) *string
	forceReason func(*T) *string
	tags        func(*T) *[]string
	stage       func(*T) *party.Stage // nil: people have no stage
	keys        func(T) []party.Key
	diff        func(a, b T) []party.Change
	// historyFields are the names its history entries hold.
	historyFields []string
	merge         func(a, b T, keep party.Keep) (T, error)
	conflicts     func(a, b T) []party.Conflict
	absorbed      func(T) []string
	relink        func(v T, gone []string, to string) T
	columns       func(T) store.Row
	created       func(T) any
	updated       func(T, []string) any
	deleted       func(id, by string) any
	restored      func(v T, by, reason string) any
	merged        func(survivor T, mergedID string) any
	ownerChanged  func(c ownerChange) any
	// followUp is the party's follow-up as answered, never stored in its
	// document: its interactions set it (settleFollowUp).
	followUp func(*T) *party.Date
}

func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func keyStrings(keys []party.Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.String()
	}
	return out
}

// row builds the stored form of a party.
func row[T any](k kind[T], v T) (store.Row, error) {
	r := k.columns(v)
	*k.followUp(&v) = party.Date{} // the column the interactions set holds it
	doc, err := json.Marshal(v)
	if err != nil {
		return r, err
	}
	r.ID = *k.id(&v)
	r.Doc = doc
	r.SearchName = party.Fold(r.Name)
	r.Tags = party.TagKeys(r.Tags)
	r.Keys = keyStrings(k.keys(v))
	r.OwnerID = ptr(*k.owner(&v))
	return r, nil
}

func organisations() kind[party.Organisation] {
	return kind[party.Organisation]{
		table: store.Organization,
		custom: func(o party.Organisation, fields party.CustomFieldSchema, set map[string]any) (party.Organisation, map[string]string) {
			var refused map[string]string
			o.CustomFields, refused = fields.Set(o.Kinds, o.CustomFields, set)
			return o, refused
		},
		validate: func(o party.Organisation, _ time.Time, fields party.CustomFieldSchema) (party.Organisation, error) {
			return party.NewOrganisation(o, fields)
		},
		id:            func(o *party.Organisation) *string { return &o.ID },
		owner:         func(o *party.Organisation) *string { return &o.OwnerID },
		forceReason:   func(o *party.Organisation) *string { return &o.ForceReason },
		followUp:      func(o *party.Organisation) *party.Date { return &o.NextActionOn },
		tags:          func(o *party.Organisation) *[]string { return &o.Tags },
		stage:         func(o *party.Organisation) *party.Stage { return &o.Stage },
		keys:          party.Organisation.DuplicateKeys,
		historyFields: party.OrganisationHistoryFields,
		diff:          party.DiffOrganisation,
		merge:         party.MergeOrganisation,
		conflicts:     party.OrganisationConflicts,
		absorbed:      func(o party.Organisation) []string { return o.MergedIDs },
		relink:        party.Organisation.Relink,
		columns: func(o party.Organisation) store.Row {
			kinds := make([]string, len(o.Kinds))
			for i, k := range o.Kinds {
				kinds[i] = string(k)
			}
			province := o.CurrentProvince
			if province == "" {
				province = o.Province
			}
			return store.Row{Name: o.Name, Kinds: kinds, Stage: ptr(string(o.Stage)), Tags: o.Tags, Province: ptr(province), SupervisingUnitID: ptr(o.SupervisingUnitID)}
		},
		created: func(o party.Organisation) any { return contract.OrganizationCreated{Organization: orgSnapshot(o)} },
		updated: func(o party.Organisation, f []string) any {
			return contract.OrganizationUpdated{Organization: orgSnapshot(o), ChangedFields: f}
		},
		deleted: func(id, by string) any { return contract.OrganizationDeleted{ID: id, DeletedBy: by} },
		restored: func(o party.Organisation, by, reason string) any {
			return contract.OrganizationRestored{OrganizationCreated: contract.OrganizationCreated{Organization: orgSnapshot(o)}, RestoredBy: by, Reason: reason}
		},
		merged: func(o party.Organisation, m string) any {
			return contract.OrganizationMerged{SurvivorID: o.ID, MergedID: m, Organization: orgSnapshot(o)}
		},
		ownerChanged: func(c ownerChange) any {
			return contract.OrganizationOwnerChanged{ID: c.id, OldOwnerID: c.old, NewOwnerID: c.new, ChangedBy: c.by, HandoverID: c.handover, Reason: c.reason}
		},
	}
}

func people() kind[party.Person] {
	return kind[party.Person]{
		table: store.Person,
		validate: func(p party.Person, now time.Time, _ party.CustomFieldSchema) (party.Person, error) {
			return party.NewPerson(p, now)
		},
		checkEdit: func(before, after party.Person) error {
			return party.CheckConsentEdit(before.Consents, after.Consents)
		},
		id:            func(p *party.Person) *string { return &p.ID },
		owner:         func(p *party.Person) *string { return &p.OwnerID },
		forceReason:   func(p *party.Person) *string { return &p.ForceReason },
		followUp:      func(p *party.Person) *party.Date { return &p.NextActionOn },
		tags:          func(p *party.Person) *[]string { return &p.Tags },
		keys:          party.Person.DuplicateKeys,
		historyFields: party.PersonHistoryFields,
		diff:          party.DiffPerson,
		merge:         party.MergePerson,
		conflicts:     party.PersonConflicts,
		absorbed:      func(p party.Person) []string { return p.MergedIDs },
		relink:        party.Person.Relink,
		columns: func(p party.Person) store.Row {
			return store.Row{Name: p.FullName, Tags: p.Tags, ReminderDays: monthDays(p.ReminderDays())}
		},
		created: func(p party.Person) any { return contract.PersonCreated{Person: personSnapshot(p)} },
		updated: func(p party.Person, f []string) any {
			return contract.PersonUpdated{Person: personSnapshot(p), ChangedFields: f}
		},
		deleted: func(id, by string) any { return contract.PersonDeleted{ID: id, DeletedBy: by} },
		restored: func(p party.Person, by, reason string) any {
			return contract.PersonRestored{PersonCreated: contract.PersonCreated{Person: personSnapshot(p)}, RestoredBy: by, Reason: reason}
		},
		merged: func(p party.Person, m string) any {
			return contract.PersonMerged{SurvivorID: p.ID, MergedID: m, Person: personSnapshot(p)}
		},
		ownerChanged: func(c ownerChange) any {
			return contract.PersonOwnerChanged{ID: c.id, OldOwnerID: c.old, NewOwnerID: c.new, ChangedBy: c.by, HandoverID: c.handover, Reason: c.reason}
		},
	}
}

// monthDays converts days of the year for the store, which knows no party types.
func monthDays(days []party.MonthDay) []int16 {
	if days == nil {
		return nil
	}
	out := make([]int16, len(days))
	for i, d := range days {
		out[i] = int16(d)
	}
	return out
}

func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func orgSnapshot(o party.Organisation) contract.OrganizationSnapshot {
	kinds := make([]string, len(o.Kinds))
	for i, k := range o.Kinds {
		kinds[i] = string(k)
	}
	s := contract.OrganizationSnapshot{ID: o.ID, Name: o.Name, Kinds: kinds, TaxCode: o.TaxCode, Province: o.Province,
		CurrentProvince: o.CurrentProvince, Address: o.Address, Phones: list(o.Phones), Emails: list(o.Emails),
		SupervisingUnitID: o.SupervisingUnitID, Stage: string(o.Stage), Tags: list(o.Tags), OwnerID: o.OwnerID,
		ForceReason: o.ForceReason, CustomFields: o.CustomFields}
	if s.CustomFields == nil {
		s.CustomFields = map[string]any{}
	}
	return s
}

func personSnapshot(p party.Person) contract.PersonSnapshot {
	s := contract.PersonSnapshot{ID: p.ID, FullName: p.FullName, GivenName: p.GivenName(), Phones: list(p.Phones), Emails: list(p.Emails),
		ZaloID: p.ZaloID, Consents: map[string]contract.ContactConsent{}, ImportantDates: []contract.ContactDate{},
		OrganizationIDs: []string{}, Relationships: []contract.ContactRelationship{}, Tags: list(p.Tags), OwnerID: p.OwnerID, ForceReason: p.ForceReason}
	if !p.Birthday.IsZero() {
		s.Birthday = p.Birthday.String()
	}
	for _, d := range p.ImportantDates {
		s.ImportantDates = append(s.ImportantDates, contract.ContactDate{Label: d.Label, Date: d.Date.String()})
	}
	for ch, c := range p.Consents {
		s.Consents[string(ch)] = contract.ContactConsent{Granted: c.Granted, At: c.At, Source: c.Source}
	}
	for _, r := range p.Relationships {
		if r.Kind == party.RelWorksAt {
			s.OrganizationIDs = append(s.OrganizationIDs, r.PartyID)
		}
		s.Relationships = append(s.Relationships, contract.ContactRelationship{Kind: string(r.Kind), PartyID: r.PartyID, Title: r.Title, Label: r.Label})
	}
	return s
}

// noun is what one party of k is called in a message: "organisation" or
// "person".
func (k kind[T]) noun() string {
	if k.table == store.Organization {
		return "organisation"
	}
	return "person"
}
