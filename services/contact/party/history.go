package party

import (
	"fmt"
	"slices"
	"strings"
)

// What a party's history records besides its fields' changes: force_reason
// is no field an edit diffs, but an edit forced past a duplicate sets it.
var historyEvents = []string{"created", "deleted", "restored", "interaction", "merged_from", "merge_conflict", "force_reason"}

// OrganisationHistoryFields and PersonHistoryFields are the names a
// history entry of each may hold, by their first part ("consents" for
// "consents.sms"): the fields their diffs compare and the events.
var (
	OrganisationHistoryFields = append([]string{"kinds", "name", "tax_code", "province", "district", "ward", "address", "phones", "emails",
		"website", "supervising_unit_id", "stage", "tags", "owner_id", "notes", "custom_fields", "merged_ids"}, historyEvents...)
	PersonHistoryFields = append([]string{"full_name", "phones", "emails", "zalo_id", "birthday", "important_dates", "consents",
		"relationships", "tags", "owner_id", "notes", "merged_ids"}, historyEvents...)
)

// HistoryFieldsOf reads a comma-separated list of history fields, each one
// of known: a name misspelt would select nothing and look like a party
// never changed.
func HistoryFieldsOf(list string, known []string) ([]string, error) {
	var out []string
	for f := range strings.SplitSeq(list, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case !slices.Contains(known, f):
			return nil, fmt.Errorf("%q is no field a history entry names: use %s", f, strings.Join(known, ", "))
		case !slices.Contains(out, f):
			out = append(out, f)
		}
	}
	return out, nil
}
