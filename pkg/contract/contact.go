package contract

import "time"

// ContactDate is a calendar day written YYYY-MM-DD with a label, such as a
// wedding anniversary (reminders are built from them), or a day of the
// year without its year written --MM-DD as ISO 8601 and vCard write it
// (--11-20, Teachers' Day).
type ContactDate struct {
	Label string `json:"label"`
	Date  string `json:"date" jsonschema:"pattern=^([0-9]{4}-[0-9]{2}-[0-9]{2}|--[0-9]{2}-[0-9]{2})$" jsonschema_description:"YYYY-MM-DD, or --MM-DD for a day of the year without its year (--11-20)"`
}

// ContactConsent is a person's latest decision about one channel.
type ContactConsent struct {
	Granted bool      `json:"granted"`
	At      time.Time `json:"at"`
	Source  string    `json:"source"`
}

// OrganizationSnapshot is what other services keep of an organisation: its
// names, codes, place, supervising unit, channels, stage, owner and the
// custom fields a deployment defines (a school's student count).
type OrganizationSnapshot struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	Kinds             []string `json:"kinds"`
	TaxCode           string   `json:"tax_code"`
	Province          string   `json:"province"`
	CurrentProvince   string   `json:"current_province"`
	Address           string   `json:"address"`
	Phones            []string `json:"phones"`
	Emails            []string `json:"emails"`
	SupervisingUnitID string   `json:"supervising_unit_id"`
	Stage             string   `json:"stage"`
	Tags              []string `json:"tags"`
	OwnerID           string   `json:"owner_id"`
	// ForceReason is why staff created the organisation beside a stored
	// one it probably is, or shares a phone, email or tax code with (sent
	// with force); absent when it was created beside none.
	ForceReason string `json:"force_reason,omitempty"`
	// CustomFields are by name, as GET /api/contact/v1/field-definitions
	// types them: text, number, true or false, or a YYYY-MM-DD date.
	CustomFields map[string]any `json:"custom_fields"`
}

// ContactRelationship is one link of a person: works_at an organisation
// (with the job title), parent_of or guardian_of a student, related_to
// another person (with how: "vợ", "đồng nghiệp").
type ContactRelationship struct {
	Kind    string `json:"kind"`
	PartyID string `json:"party_id"`
	Title   string `json:"title"`
	Label   string `json:"label"`
}

// PersonSnapshot is what other services keep of a person: name, channels,
// consent per channel, important dates, the organisations they work at and
// every link to an organisation or a person (a fee notice goes to the
// parents of the students a course lists).
type PersonSnapshot struct {
	ID              string                    `json:"id"`
	FullName        string                    `json:"full_name"`
	GivenName       string                    `json:"given_name"`
	Phones          []string                  `json:"phones"`
	Emails          []string                  `json:"emails"`
	ZaloID          string                    `json:"zalo_id"`
	Birthday        string                    `json:"birthday" jsonschema:"pattern=^([0-9]{4}-[0-9]{2}-[0-9]{2}|--[0-9]{2}-[0-9]{2})?$" jsonschema_description:"YYYY-MM-DD, or --MM-DD when its year is not known (--11-20), or empty when the birthday is not known"`
	ImportantDates  []ContactDate             `json:"important_dates"`
	Consents        map[string]ContactConsent `json:"consents"`
	OrganizationIDs []string                  `json:"organization_ids"`
	Relationships   []ContactRelationship     `json:"relationships"`
	Tags            []string                  `json:"tags"`
	OwnerID         string                    `json:"owner_id"`
	// ForceReason is why staff created the person beside a stored one
	// they probably are, or share a phone or email with (sent with force);
	// absent when they were created beside none.
	ForceReason string `json:"force_reason,omitempty"`
}

// OrganizationCreated is published when an organisation is created (by the
// API or an import).
type OrganizationCreated struct {
	Organization OrganizationSnapshot `json:"organization"`
}

// OrganizationUpdated carries the whole new state and the changed fields.
type OrganizationUpdated struct {
	Organization  OrganizationSnapshot `json:"organization"`
	ChangedFields []string             `json:"changed_fields"`
}

// OrganizationDeleted is published when an organisation is deleted; deleted_by is the
// staff member who deleted it (or undid the import that created it).
type OrganizationDeleted struct {
	ID        string `json:"id"`
	DeletedBy string `json:"deleted_by"`
}

// OrganizationMerged says merged_id is now survivor_id: re-point copies.
type OrganizationMerged struct {
	SurvivorID   string               `json:"survivor_id"`
	MergedID     string               `json:"merged_id"`
	Organization OrganizationSnapshot `json:"organization"`
}

// OrganizationRestored is published when a deleted organisation is
// restored with its id: it carries what OrganizationCreated carries, so a
// copy dropped on deleted is put back whole, and who restored it and why.
type OrganizationRestored struct {
	OrganizationCreated
	RestoredBy string `json:"restored_by"`
	Reason     string `json:"reason"`
}

// PersonCreated is published when a person is created (API or import).
type PersonCreated struct {
	Person PersonSnapshot `json:"person"`
}

// PersonUpdated carries the whole new state and the changed fields.
type PersonUpdated struct {
	Person        PersonSnapshot `json:"person"`
	ChangedFields []string       `json:"changed_fields"`
}

// PersonDeleted is published when a person is deleted; deleted_by is the
// staff member who deleted it (or undid the import that created it).
type PersonDeleted struct {
	ID        string `json:"id"`
	DeletedBy string `json:"deleted_by"`
}

// PersonMerged says merged_id is now survivor_id: re-point copies.
type PersonMerged struct {
	SurvivorID string         `json:"survivor_id"`
	MergedID   string         `json:"merged_id"`
	Person     PersonSnapshot `json:"person"`
}

// PersonRestored is published when a deleted person is restored with
// their id: it carries what PersonCreated carries, so a copy dropped on
// deleted is put back whole, and who restored them and why.
type PersonRestored struct {
	PersonCreated
	RestoredBy string `json:"restored_by"`
	Reason     string `json:"reason"`
}

// InteractionLogged is a call, email, meeting, Zalo message or note with a
// party; the event's aggregate id is the party's id.
type InteractionLogged struct {
	ID           string    `json:"id"`
	PartyType    string    `json:"party_type"` // organization or person
	PartyID      string    `json:"party_id"`
	Kind         string    `json:"kind"` // call, email, meeting, zalo, note
	StaffID      string    `json:"staff_id"`
	OccurredAt   time.Time `json:"occurred_at"`
	Outcome      string    `json:"outcome"`
	NextActionOn string    `json:"next_action_on"` // YYYY-MM-DD or ""
	// FollowUpDone says it completed the party's follow-up before that
	// follow-up's day (a call-back made early).
	FollowUpDone bool `json:"follow_up_done"`
}

// InteractionCorrected replaces what was logged of an interaction with
// what staff corrected it to (notes stay out, as when it was logged); the
// event's aggregate id is the party's id.
type InteractionCorrected struct {
	InteractionLogged
	CorrectedBy string   `json:"corrected_by"`
	Fields      []string `json:"fields"` // the names of the fields corrected
}

// InteractionDeleted withdraws an interaction logged by mistake; the
// event's aggregate id is the party's id.
type InteractionDeleted struct {
	ID        string `json:"id"`
	PartyType string `json:"party_type"`
	PartyID   string `json:"party_id"`
	DeletedBy string `json:"deleted_by"`
}

// OrganizationOwnerChanged records a new owner (reassignment or hand-over).
type OrganizationOwnerChanged struct {
	ID         string `json:"id"`
	OldOwnerID string `json:"old_owner_id"`
	NewOwnerID string `json:"new_owner_id"`
	ChangedBy  string `json:"changed_by"`
	HandoverID string `json:"handover_id"` // set when part of a staff hand-over
	// Reason is why: the one the staff member gave, or the service's own
	// (merged, when a merge kept the merged party's owner).
	Reason string `json:"reason"`
}

// PersonOwnerChanged records a new owner (reassignment or hand-over).
type PersonOwnerChanged struct {
	ID         string `json:"id"`
	OldOwnerID string `json:"old_owner_id"`
	NewOwnerID string `json:"new_owner_id"`
	ChangedBy  string `json:"changed_by"`
	HandoverID string `json:"handover_id"`
	Reason     string `json:"reason"`
}

// contactEntries are the events of the contact context.
func contactEntries() []Entry {
	return []Entry{
		{Subject: "contact.organization.created", Version: 1, Payload: OrganizationCreated{}, Description: "An organisation was created; carries its full snapshot, with force_reason when staff created it beside a stored organisation it matched (force)."},
		{Subject: "contact.organization.updated", Version: 1, Payload: OrganizationUpdated{}, Description: "An organisation changed; carries the new snapshot and the changed field names."},
		{Subject: "contact.organization.deleted", Version: 1, Payload: OrganizationDeleted{}, Description: "An organisation was deleted, by deleted_by; drop local copies."},
		{Subject: "contact.organization.restored", Version: 1, Payload: OrganizationRestored{}, Description: "A deleted organisation was restored with its id, by restored_by, for reason; carries its full snapshot as created does: put local copies back."},
		{Subject: "contact.organization.merged", Version: 1, Payload: OrganizationMerged{}, Description: "merged_id was merged into survivor_id; re-point local copies to the survivor."},
		{Subject: "contact.organization.owner_changed", Version: 1, Payload: OrganizationOwnerChanged{}, Description: "An organisation has a new owner (reassignment, hand-over or merge), with who changed it and why."},
		{Subject: "contact.person.created", Version: 1, Payload: PersonCreated{}, Description: "A person was created; carries their full snapshot, with force_reason when staff created them beside a stored person they matched (force)."},
		{Subject: "contact.person.updated", Version: 1, Payload: PersonUpdated{}, Description: "A person changed; carries the new snapshot and the changed field names."},
		{Subject: "contact.person.deleted", Version: 1, Payload: PersonDeleted{}, Description: "A person was deleted, by deleted_by; drop local copies."},
		{Subject: "contact.person.restored", Version: 1, Payload: PersonRestored{}, Description: "A deleted person was restored with their id, by restored_by, for reason; carries their full snapshot as created does: put local copies back."},
		{Subject: "contact.person.merged", Version: 1, Payload: PersonMerged{}, Description: "merged_id was merged into survivor_id; re-point local copies to the survivor."},
		{Subject: "contact.person.owner_changed", Version: 1, Payload: PersonOwnerChanged{}, Description: "A person has a new owner (reassignment, hand-over or merge), with who changed it and why."},
		{Subject: "contact.interaction.logged", Version: 1, Payload: InteractionLogged{}, Description: "A staff member logged a call, email, meeting, Zalo message or note with a party; aggregate id is the party id."},
		{Subject: "contact.interaction.corrected", Version: 1, Payload: InteractionCorrected{}, Description: "A logged interaction was corrected; carries it whole as it now stands and the names of the fields corrected. Aggregate id is the party id."},
		{Subject: "contact.interaction.deleted", Version: 1, Payload: InteractionDeleted{}, Description: "An interaction logged by mistake was deleted; drop local copies. Aggregate id is the party id."},
	}
}
