package service

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// History pages through a party's field changes, oldest first or newest
// first; a deleted party's too, its last entry saying who deleted it, when
// and what it held. fields, a comma-separated list, keeps those fields'
// entries only. The creation, which no row records, opens it.
func (p *Parties[T]) History(ctx context.Context, id, fields string, q store.HistoryQuery) ([]store.HistoryEntry, error) {
	var err error
	if q.Fields, err = party.HistoryFieldsOf(fields, p.k.historyFields); err != nil {
		return nil, problem.Invalid("bad history query", problem.FieldError{Field: "field", Message: err.Error()})
	}
	resolved, err := store.ResolveAlias(ctx, p.s.Pool, p.k.table, id)
	if err != nil {
		return nil, err
	}
	if err := p.s.liveOrDeleted(ctx, p.k.table, resolved); err != nil {
		return nil, err
	}
	rows, err := store.ListHistory(ctx, p.s.Pool, resolved, q)
	if err != nil || len(q.Fields) > 0 && !slices.Contains(q.Fields, "created") {
		return rows, err
	}
	// The creation is entry 0: the first of the first page oldest first,
	// the last of the page newest first that reaches the end.
	first := !q.Newest && q.From == store.HistoryStart
	last := q.Newest && q.From != 0 && len(rows) < q.Limit
	if !first && !last {
		return rows, nil
	}
	c, found, err := store.CreationOf(ctx, p.s.Pool, p.k.table, resolved)
	if err != nil || !found {
		return rows, err
	}
	e := creationEntry(c)
	if first {
		return append([]store.HistoryEntry{e}, rows...), nil
	}
	return append(rows, e), nil
}

// creationEntry is the history entry of a creation: who, when, and the
// import it came with or the reason it was forced past a duplicate.
func creationEntry(c store.Creation) store.HistoryEntry {
	how := map[string]string{}
	if c.ImportID != "" {
		how["import_id"] = c.ImportID
	}
	if c.ForceReason != "" {
		how["force_reason"] = c.ForceReason
	}
	n, _ := json.Marshal(how)
	return store.HistoryEntry{Actor: c.Actor, At: c.At, Field: "created", Old: json.RawMessage("null"), New: n}
}
