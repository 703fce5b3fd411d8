package service

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rapportcrm/rapport/services/contact/importing"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// storedSpan is where, in a chunk's problems, are those of the pending row
// at index row that stands for a stored party: from..to, the ones saying
// it is that party (its id, its keys), at the one recording which. named
// is the id the row names it by, if it does.
type storedSpan struct {
	row, from, to, at int
	named             string
}

// asStored compares a row that stands for a stored party with that party's
// record (importing's PersonDifferences, OrganisationDifferences). A row
// holding the party as stored is not refused: its problems are marked as
// already stored, kept for a restarted job (store.RowsNotCreated) and left
// out of the report and of the failed rows. A row whose values differ has
// them replaced by one problem, in the first column that differs, naming
// every such column (importing.Differs): an import never changes a stored
// party, and the user must not believe it did.
func (r *importRun[T]) asStored(problems []store.ImportProblem, sp storedSpan, cand candidate[T], records map[string]store.StoredRecord,
	columns *importing.Checker) ([]store.ImportProblem, error) {
	id := problems[sp.at].StoredParty
	rec := records[id]
	var stored T
	if err := json.Unmarshal(rec.Doc, &stored); err != nil {
		return nil, fmt.Errorf("decode %s %s: %w", r.p.k.table, id, err)
	}
	diffs := differences(columns, cand.row, cand.party, stored)
	if len(diffs) == 0 {
		for j := sp.from; j < sp.to; j++ {
			problems[j].AlreadyStored = true
		}
		return problems, nil
	}
	differs := store.ImportProblem{Row: cand.row.Line, Column: diffs[0], Message: importing.Differs(r.p.k.noun(), sp.named, id, rec.Name, diffs), StoredParty: id}
	return slices.Replace(problems, sp.from, sp.to, differs), nil
}

// differences returns the columns of row whose values differ from stored's.
func differences[T any](c *importing.Checker, row importing.Row, v, stored T) []string {
	switch v := any(v).(type) {
	case party.Person:
		return c.PersonDifferences(row, v, any(stored).(party.Person))
	case party.Organisation:
		return c.OrganisationDifferences(row, v, any(stored).(party.Organisation))
	}
	return nil
}

// keyedAs returns the stored party a row without an id is, when only the
// keys it shares with stored parties refuse it (keyed, the party holding
// each): the one party holding them all, if the row names it as it is
// named (party.SameName for a person, the same name key for an
// organisation). Otherwise "": a row sharing a phone with a stored person
// of another name may be someone else, and is a duplicate of them, not them.
func keyedAs[T any](v T, keyed []string, records map[string]store.StoredRecord) string {
	if len(keyed) == 0 {
		return ""
	}
	for _, id := range keyed[1:] {
		if id != keyed[0] {
			return ""
		}
	}
	name := records[keyed[0]].Name
	switch v := any(v).(type) {
	case party.Person:
		if party.SameName(v.FullName, name) {
			return keyed[0]
		}
	case party.Organisation:
		if party.NameKey(v.Name) == party.NameKey(name) {
			return keyed[0]
		}
	}
	return ""
}
