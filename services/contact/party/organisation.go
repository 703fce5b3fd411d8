package party

import (
	"net/url"
	"slices"
	"strings"
)

// Kind is a role an organisation plays for the company; one organisation may
// play several (a school can be a unit and a partner).
type Kind string

// Organisation kinds, from the domain's parties.
const (
	KindUnit            Kind = "unit"             // đơn vị: a customer whose staff attend courses
	KindSupervisingUnit Kind = "supervising_unit" // đơn vị chủ quản: governs a set of units
	KindPartner         Kind = "partner"
	KindVendor          Kind = "vendor"
	KindSchool          Kind = "school"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case KindUnit, KindSupervisingUnit, KindPartner, KindVendor, KindSchool:
		return true
	}
	return false
}

// Stage is where an organisation is in the customer lifecycle.
type Stage string

// Lifecycle stages.
const (
	StageLead     Stage = "lead"
	StageProspect Stage = "prospect"
	StageCustomer Stage = "customer"
	StageInactive Stage = "inactive"
)

// Valid reports whether s is one of the stages above.
func (s Stage) Valid() bool {
	switch s {
	case StageLead, StageProspect, StageCustomer, StageInactive:
		return true
	}
	return false
}

// Organisation is a customer unit, supervising unit, partner, vendor or school.
type Organisation struct {
	ID    string `json:"id"`
	Kinds []Kind `json:"kinds"`
	Name  string `json:"name"`
	// TaxCode is the tax code or, for public-sector units, the budget-unit code.
	TaxCode string `json:"tax_code,omitempty"`
	// Province is kept as entered (often one of the 63 former provinces);
	// CurrentProvince is derived from it so reports group by today's units.
	Province        string `json:"province,omitempty"`
	CurrentProvince string `json:"current_province,omitempty"`
	// District is kept as entered although districts were abolished in 2025,
	// because old records and imports still carry it.
	District string   `json:"district,omitempty"`
	Ward     string   `json:"ward,omitempty"`
	Address  string   `json:"address,omitempty"`
	Phones   []string `json:"phones,omitempty"` // E.164
	Emails   []string `json:"emails,omitempty"`
	Website  string   `json:"website,omitempty"`
	// SupervisingUnitID is the organisation that governs this one.
	SupervisingUnitID string `json:"supervising_unit_id,omitempty"`
	// SupervisingUnitName is looked up on every read and never stored, as
	// a relationship's party name is.
	SupervisingUnitName string         `json:"supervising_unit_name,omitempty"`
	Stage               Stage          `json:"stage"`
	Tags                []string       `json:"tags,omitempty"`
	OwnerID             string         `json:"owner_id,omitempty"` // staff user id
	Notes               string         `json:"notes,omitempty"`
	CustomFields        map[string]any `json:"custom_fields,omitempty"`
	// NextActionOn is the organisation's follow-up, which its interactions
	// set (FollowUp): answered on every read, never stored in the document
	// nor taken from a write.
	NextActionOn Date `json:"next_action_on,omitzero"`
	// MergedIDs are the ids of parties merged into this one, so links to
	// them keep resolving after a merge.
	MergedIDs []string `json:"merged_ids,omitempty"`
	// ForceReason is why staff created the organisation although its phone,
	// email or tax code was another party's, or, having none, an organisation
	// of its name was in its province (a create with force); set only then.
	ForceReason string `json:"force_reason,omitempty"`
}

// NewOrganisation returns o normalised (trimmed text, E.164 phones, lower-case
// emails, canonical tax code, derived current province, default stage "lead")
// or a *ValidationError listing every invalid field. Custom fields are checked
// against the schema for o's kinds.
func NewOrganisation(o Organisation, schema CustomFieldSchema) (Organisation, error) {
	var c checks
	o.Name = cleanText(o.Name)
	if o.Name == "" {
		c.add("name", "required")
	}
	// A person's name is an item of a parent's, a relative's or a unit's
	// staff cell, an organisation's of a workplace cell.
	checkNoListSeparator(&c, "name", o.Name)
	o.Kinds = checkKinds(&c, o.Kinds)
	if o.TaxCode = strings.TrimSpace(o.TaxCode); o.TaxCode != "" {
		code, err := NormalizeTaxCode(o.TaxCode)
		if err != nil {
			c.add("tax_code", "%v", err)
		}
		o.TaxCode = code
	}
	o.Province = cleanText(o.Province)
	o.CurrentProvince = ""
	if o.Province != "" {
		current, ok := CurrentProvince(o.Province)
		if !ok {
			c.add("province", UnknownProvince)
		}
		o.CurrentProvince = current
	}
	o.District, o.Ward, o.Address = cleanText(o.District), cleanText(o.Ward), cleanText(o.Address)
	o.SupervisingUnitName = ""
	o.Phones = normalizeList(&c, "phones", o.Phones, storedPhone)
	o.Emails = normalizeList(&c, "emails", o.Emails, NormalizeEmail)
	if o.Website = strings.TrimSpace(o.Website); o.Website != "" {
		site, ok := normalizeWebsite(o.Website)
		if !ok {
			c.add("website", "not a valid web address")
		}
		o.Website = site
	}
	if o.SupervisingUnitID != "" && o.SupervisingUnitID == o.ID {
		c.add("supervising_unit_id", "an organisation cannot supervise itself")
	}
	if o.Stage == "" {
		o.Stage = StageLead
	} else if !o.Stage.Valid() {
		c.add("stage", "unknown lifecycle stage %q", o.Stage)
	}
	checkTags(&c, o.Tags)
	o.Tags = normalizeTags(o.Tags)
	o.OwnerID = strings.TrimSpace(o.OwnerID)
	o.Notes = cleanNotes(o.Notes)
	checkCustomFields(&c, schema, o.Kinds, o.CustomFields)
	if err := c.err(); err != nil {
		return Organisation{}, err
	}
	return o, nil
}

func checkKinds(c *checks, kinds []Kind) []Kind {
	if len(kinds) == 0 {
		c.add("kinds", "at least one kind is required")
		return nil
	}
	var out []Kind
	for i, k := range kinds {
		switch {
		case !k.Valid():
			c.add(indexed("kinds", i), "unknown kind %q", k)
		case !slices.Contains(out, k):
			out = append(out, k)
		}
	}
	return out
}

// normalizeWebsite adds the https scheme people leave out ("truong.edu.vn")
// and refuses anything that is not an http(s) address with a dotted host.
func normalizeWebsite(raw string) (string, bool) {
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, ".") {
		return "", false
	}
	u.Host = strings.ToLower(u.Host)
	return u.String(), true
}
