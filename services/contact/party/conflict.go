package party

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// Side names the party of a merge whose value a conflict keeps.
type Side string

// The sides of a merge.
const (
	KeepSurvivor Side = "survivor"
	KeepMerged   Side = "merged"
)

// Keep decides, by conflict field ("tax_code", "custom_fields.level"),
// whose value a merge keeps. Naming a field the two parties do not conflict
// on is allowed, so a client can send back every conflict it was shown.
type Keep map[string]Side

// Conflict is a single value both parties of a merge hold, differently.
// Only one can stay, and a CRM user must choose it: a merge that kept one
// unasked would lose the other unseen (a second tax code, and with it the
// duplicate check that tax code gave). Lists (phones, emails, tags, kinds,
// dates, relationships) are unions, notes are joined and the latest consent
// wins, so none of those ever conflicts.
type Conflict struct {
	Field    string `json:"field"`
	Survivor any    `json:"survivor"`
	Merged   any    `json:"merged"`
}

// LinkConflictFields are the conflict fields whose values are party ids.
var LinkConflictFields = []string{"supervising_unit_id"}

// ConflictError refuses a merge with conflicts its Keep does not decide;
// Conflicts lists each of them. Nothing was merged.
type ConflictError struct {
	Conflicts []Conflict
	// Names are the names of the parties the conflicts on a link
	// (LinkConflictFields) hold the ids of, by id, so the user chooses
	// between two units, not two ids. The service fills them in.
	Names map[string]string
}

// Error names the conflicting fields, never their values (names, tax
// codes), so the error is safe to log.
func (e *ConflictError) Error() string {
	fields := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		fields[i] = c.Field
	}
	return "party: merge conflicts on " + strings.Join(fields, ", ")
}

// Address is where an organisation is, as one value. A merge decides the
// address as a whole, not part by part: the ward of one address with the
// province of the other names a place that does not exist. Parts one side
// lacks and the other has do not conflict while every part both have agrees:
// then the survivor gains them.
type Address struct {
	Province string `json:"province,omitempty"`
	District string `json:"district,omitempty"`
	Ward     string `json:"ward,omitempty"`
	Address  string `json:"address,omitempty"`
}

func addressOf(o Organisation) Address {
	return Address{Province: o.Province, District: o.District, Ward: o.Ward, Address: o.Address}
}

// conflicts reports whether a and b hold a part differently; provinces are
// compared as CurrentProvince matches them, so "TP.HCM" is "Hồ Chí Minh".
func (a Address) conflicts(b Address) bool {
	return differ(a.Province, b.Province, provinceOnly) || differ(a.District, b.District, cleanText) ||
		differ(a.Ward, b.Ward, cleanText) || differ(a.Address, b.Address, cleanText)
}

func provinceOnly(s string) string {
	key := provinceKey(s)
	if alias, ok := provinceAliases[key]; ok {
		return alias
	}
	return key
}

// OrganisationConflicts lists the single values survivor and merged both
// hold and hold differently once normalised, in the order of the
// organisation's fields, custom fields last by name. The address is one
// conflict, "address" (see Address); a supervising unit that is one of the
// two counts as none, as the merge drops it.
func OrganisationConflicts(survivor, merged Organisation) []Conflict {
	var c conflicts
	c.text("name", survivor.Name, merged.Name, cleanText)
	c.text("tax_code", survivor.TaxCode, merged.TaxCode, taxCodeKey)
	if a, b := addressOf(survivor), addressOf(merged); a.conflicts(b) {
		c.add("address", a, b)
	}
	c.text("website", survivor.Website, merged.Website, websiteKey)
	c.text("supervising_unit_id", supervisor(survivor, merged.ID), supervisor(merged, survivor.ID), strings.TrimSpace)
	c.text("owner_id", survivor.OwnerID, merged.OwnerID, strings.TrimSpace)
	c.forced(survivor.ForceReason, merged.ForceReason)
	for _, k := range slices.Sorted(maps.Keys(survivor.CustomFields)) {
		s, m := fieldValue(survivor.CustomFields[k]), fieldValue(merged.CustomFields[k])
		if s != nil && m != nil && !reflect.DeepEqual(s, m) {
			c.add("custom_fields."+k, survivor.CustomFields[k], merged.CustomFields[k])
		}
	}
	return c.list
}

// PersonConflicts lists the single values survivor and merged both hold
// and hold differently once normalised, in the order of the person's fields.
func PersonConflicts(survivor, merged Person) []Conflict {
	var c conflicts
	c.text("full_name", survivor.FullName, merged.FullName, cleanText)
	c.text("zalo_id", survivor.ZaloID, merged.ZaloID, strings.TrimSpace)
	if !survivor.Birthday.IsZero() && !merged.Birthday.IsZero() && survivor.Birthday != merged.Birthday &&
		!completes(survivor.Birthday, merged.Birthday) && !completes(merged.Birthday, survivor.Birthday) {
		c.add("birthday", survivor.Birthday, merged.Birthday)
	}
	c.text("owner_id", survivor.OwnerID, merged.OwnerID, strings.TrimSpace)
	c.forced(survivor.ForceReason, merged.ForceReason)
	return c.list
}

// MergeRecord is what a merge's history entry records of the conflicts it
// decided, one change per conflict ("merge_conflict.tax_code"): both values
// and the side kept. The value kept away is on no record any more, the
// merged party's being deleted, and a choice is to be seen afterwards.
func MergeRecord(decided []Conflict, keep Keep) []Change {
	out := make([]Change, len(decided))
	for i, c := range decided {
		out[i] = Change{Field: "merge_conflict." + c.Field, New: Decision{Survivor: c.Survivor, Merged: c.Merged, Kept: keep.side(c.Field)}}
	}
	return out
}

// Decision is a conflict a merge decided, as its history records it.
type Decision struct {
	Survivor any  `json:"survivor"`
	Merged   any  `json:"merged"`
	Kept     Side `json:"kept"`
}

// side is the side kept for field: the survivor's unless merged is named.
func (k Keep) side(field string) Side {
	if k[field] == KeepMerged {
		return KeepMerged
	}
	return KeepSurvivor
}

// undecided refuses conflicts that keep does not decide.
func undecided(list []Conflict, keep Keep) error {
	var open []Conflict
	for _, c := range list {
		if _, ok := keep[c.Field]; !ok {
			open = append(open, c)
		}
	}
	if len(open) > 0 {
		return &ConflictError{Conflicts: open}
	}
	return nil
}

// decision is a merge's conflicts as keep decided them.
type decision struct {
	conflicts []Conflict
	keep      Keep
}

// decide checks keep against the fields a merge of the type can conflict
// on (checkKeep) and refuses conflicts it leaves open (undecided).
func decide(keep Keep, fields []string, custom []map[string]any, conflicts []Conflict) (decision, error) {
	if err := checkKeep(keep, fields, custom); err != nil {
		return decision{}, err
	}
	if err := undecided(conflicts, keep); err != nil {
		return decision{}, err
	}
	return decision{conflicts: conflicts, keep: keep}, nil
}

// conflicting says whether the two parties conflict on field.
func (d decision) conflicting(field string) bool {
	return slices.ContainsFunc(d.conflicts, func(c Conflict) bool { return c.Field == field })
}

// takesMerged says whether the merge takes merged's value of field: a
// conflict on it was decided for merged. A decision on a field without a
// conflict changes nothing.
func (d decision) takesMerged(field string) bool {
	return d.keep[field] == KeepMerged && d.conflicting(field)
}

// take sets *dst to v, merged's value of field, when the merge takes it or
// *dst is empty: otherwise the survivor's value stays.
func (d decision) take(dst *string, field, v string) {
	if d.takesMerged(field) {
		*dst = v
	}
	fill(dst, v)
}

// checkKeep refuses a keep naming a field no merge of the type can conflict
// on, or a side other than survivor and merged, as "keep.<field>". custom
// are the two parties' custom fields, nil for a type without them: a custom
// field neither holds is a typo, which would otherwise decide nothing
// unseen.
func checkKeep(keep Keep, fields []string, custom []map[string]any) error {
	var c checks
	named := fields
	if custom != nil {
		named = append(slices.Clone(fields), "custom_fields.<name>")
	}
	held := func(name string) bool {
		return slices.ContainsFunc(custom, func(m map[string]any) bool { _, ok := m[name]; return ok })
	}
	for _, f := range slices.Sorted(maps.Keys(keep)) {
		name, isCustom := strings.CutPrefix(f, "custom_fields.")
		switch {
		case slices.Contains([]string{"province", "district", "ward"}, f) && slices.Contains(fields, "address"):
			c.add("keep."+f, "is decided with the whole address: name address")
		case !slices.Contains(fields, f) && !(custom != nil && isCustom && name != ""):
			c.add("keep."+f, "is no field a merge can conflict on (%s)", strings.Join(named, ", "))
		case isCustom && !held(name):
			c.add("keep."+f, "is a custom field neither party holds")
		case keep[f] != KeepSurvivor && keep[f] != KeepMerged:
			c.add("keep."+f, "must be %q or %q", KeepSurvivor, KeepMerged)
		}
	}
	if len(c.fields) == 0 {
		return nil
	}
	return &ValidationError{Of: "merge request", Fields: c.fields}
}

// The fields a keep may name, custom fields ("custom_fields.<name>") aside.
var (
	organisationConflictFields = []string{"name", "tax_code", "address", "website", "supervising_unit_id", "owner_id", "force_reason"}
	personConflictFields       = []string{"full_name", "zalo_id", "birthday", "owner_id", "force_reason"}
)

// conflicts collects the conflicts of a merge in field order.
type conflicts struct {
	list []Conflict
}

// forced adds a conflict on force_reason when either party holds one,
// even one alone: staff created that party on purpose beside a record it
// matched ("two teachers named Bình"), and a merge, which cannot be taken
// back, must show why before it goes ahead. Deciding it acknowledges the
// reason; the merge's history entry keeps both.
func (c *conflicts) forced(survivor, merged string) {
	if survivor != "" || merged != "" {
		c.add("force_reason", survivor, merged)
	}
}

func (c *conflicts) add(field string, survivor, merged any) {
	c.list = append(c.list, Conflict{Field: field, Survivor: survivor, Merged: merged})
}

// text adds a conflict when both values are set and differ once normalised
// by key; the values reported are the ones held.
func (c *conflicts) text(field, survivor, merged string, key func(string) string) {
	if differ(survivor, merged, key) {
		c.add(field, survivor, merged)
	}
}

func differ(a, b string, key func(string) string) bool {
	ka, kb := key(a), key(b)
	return ka != "" && kb != "" && ka != kb
}

// taxCodeKey compares tax codes in their canonical form; one stored before
// the rule (and so not canonical) is compared as written.
func taxCodeKey(s string) string {
	if code, err := NormalizeTaxCode(strings.TrimSpace(s)); err == nil {
		return code
	}
	return strings.TrimSpace(s)
}

func websiteKey(s string) string {
	if site, ok := normalizeWebsite(strings.TrimSpace(s)); ok {
		return site
	}
	return strings.TrimSpace(s)
}

// supervisor is o's supervising unit unless it is o itself or other, the
// party o is merged with: the merge drops such a link as a loop.
func supervisor(o Organisation, other string) string {
	if o.SupervisingUnitID == o.ID || o.SupervisingUnitID == other {
		return ""
	}
	return o.SupervisingUnitID
}

// fieldValue is a custom field's value for comparison: nil when empty,
// text composed and trimmed, numbers as float64 whether decoded as such or
// as json.Number, anything else as JSON would write it.
func fieldValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if s := cleanText(x); s != "" {
			return s
		}
		return nil
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case float64:
		return x
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case bool:
		return x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
