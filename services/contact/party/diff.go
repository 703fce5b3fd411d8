package party

import (
	"maps"
	"reflect"
	"slices"
)

// Change is one field that differs between two versions of a party, the unit
// of the change history. Field uses the JSON names ("tax_code",
// "custom_fields.student_count", "consents.zalo").
type Change struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// DiffOrganisation lists the fields that differ from before to after, in
// declaration order; equal versions give nil. The derived current province is
// left out because it only ever changes with the province.
func DiffOrganisation(before, after Organisation) []Change {
	var d diff
	d.value("kinds", before.Kinds, after.Kinds)
	d.value("name", before.Name, after.Name)
	d.value("tax_code", before.TaxCode, after.TaxCode)
	d.value("province", before.Province, after.Province)
	d.value("district", before.District, after.District)
	d.value("ward", before.Ward, after.Ward)
	d.value("address", before.Address, after.Address)
	d.value("phones", before.Phones, after.Phones)
	d.value("emails", before.Emails, after.Emails)
	d.value("website", before.Website, after.Website)
	d.value("supervising_unit_id", before.SupervisingUnitID, after.SupervisingUnitID)
	d.value("stage", before.Stage, after.Stage)
	d.value("tags", before.Tags, after.Tags)
	d.value("owner_id", before.OwnerID, after.OwnerID)
	d.value("notes", before.Notes, after.Notes)
	diffMap(&d, "custom_fields", before.CustomFields, after.CustomFields)
	d.value("merged_ids", before.MergedIDs, after.MergedIDs)
	return d.changes
}

// DiffPerson lists the fields that differ from before to after, in
// declaration order; equal versions give nil. Consents are diffed per channel
// so the history shows which channel a person opted in or out of.
func DiffPerson(before, after Person) []Change {
	var d diff
	d.value("full_name", before.FullName, after.FullName)
	d.value("phones", before.Phones, after.Phones)
	d.value("emails", before.Emails, after.Emails)
	d.value("zalo_id", before.ZaloID, after.ZaloID)
	d.value("birthday", before.Birthday, after.Birthday)
	d.value("important_dates", before.ImportantDates, after.ImportantDates)
	diffMap(&d, "consents", before.Consents, after.Consents)
	d.value("relationships", before.Relationships, after.Relationships)
	d.value("tags", before.Tags, after.Tags)
	d.value("owner_id", before.OwnerID, after.OwnerID)
	d.value("notes", before.Notes, after.Notes)
	d.value("merged_ids", before.MergedIDs, after.MergedIDs)
	return d.changes
}

type diff struct {
	changes []Change
}

// value records a change when before and after differ. Empty and nil slices
// count as equal, since storage round-trips may turn one into the other.
func (d *diff) value(field string, before, after any) {
	if isEmpty(before) && isEmpty(after) || equal(before, after) {
		return
	}
	d.changes = append(d.changes, Change{Field: field, Old: before, New: after})
}

// equal compares consents by instant, because a time read back from the
// database carries another location than the one written.
func equal(a, b any) bool {
	ca, okA := a.(Consent)
	cb, okB := b.(Consent)
	if okA && okB {
		return ca.Granted == cb.Granted && ca.At.Equal(cb.At) && ca.Source == cb.Source
	}
	return reflect.DeepEqual(a, b)
}

// diffMap records one change per key that was added, removed or changed, in
// key order so the history reads the same every time.
func diffMap[K ~string, V any](d *diff, field string, before, after map[K]V) {
	keys := slices.Collect(maps.Keys(before))
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		d.value(field+"."+string(k), lookup(before, k), lookup(after, k))
	}
}

// lookup returns m[k], or nil when k is absent, so a removed key shows as nil
// rather than as the zero value of V.
func lookup[K comparable, V any](m map[K]V, k K) any {
	v, ok := m[k]
	if !ok {
		return nil
	}
	return v
}

func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Slice && rv.Len() == 0
}
