package service

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// rewrites are new documents of stored parties whose change touches no
// column but their tags and stage (a bulk change, a link added or taken
// back), each with its history entries and its updated event, written
// together in one statement each, whatever their number.
type rewrites struct {
	// importID names the import whose class list links, or whose undo
	// takes the links back; empty for staff's changes.
	importID string
	// bulkID names the bulk change the rewrites are; empty for others.
	bulkID  string
	docs    []store.Rewrite
	history map[string][]store.Change
	events  []*event.Event
}

// rewrite adds party id's change from before to next, and reports whether
// there is one.
func rewrite[T any](s *Service, k kind[T], w *rewrites, id string, before, next T, now time.Time) (bool, error) {
	changes := k.diff(before, next)
	if len(changes) == 0 {
		return false, nil
	}
	doc, err := json.Marshal(next)
	if err != nil {
		return false, err
	}
	e, err := s.Catalogue.Event(id, now, k.updated(next, fieldNames(changes)))
	if err != nil {
		return false, err
	}
	if w.history == nil {
		w.history = map[string][]store.Change{}
	}
	history := toStore(changes)
	for i := range history {
		history[i].BulkID = w.bulkID
	}
	w.docs, w.history[id], w.events = append(w.docs, store.Rewrite{ID: id, Doc: doc, Tags: party.TagKeys(*k.tags(&next))}), history, append(w.events, &e)
	return true, nil
}

// save writes the rewrites of parties of table t by actor.
func (w *rewrites) save(ctx context.Context, tx pgx.Tx, t store.Type, actor string, now time.Time) error {
	if len(w.docs) == 0 {
		return nil
	}
	if err := store.UpdateClassification(ctx, tx, t, w.docs, now); err != nil {
		return err
	}
	if err := store.InsertHistories(ctx, tx, t, actor, now, w.importID, w.history); err != nil {
		return err
	}
	return outbox.Append(ctx, tx, w.events...)
}
