package service

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// keptShown bounds the ids of the parties an undo kept that its answer lists.
const keptShown = 100

// UndoView is what undoing an import did.
type UndoView struct {
	Job ImportView `json:"job"`
	// Deleted counts the parties this undo deleted.
	Deleted int `json:"deleted"`
	// Kept counts the parties the import created that are left, because
	// someone worked on them since; KeptIDs lists the first of them.
	Kept    int      `json:"kept"`
	KeptIDs []string `json:"kept_ids"`
	// ParentsUnlinked counts the stored people a class list's import had
	// linked to their children that this undo took the links back from.
	// A person changed since keeps them, and so their children are kept.
	ParentsUnlinked int `json:"parents_unlinked"`
}

// UndoImport deletes, in one transaction, the parties an import created
// that nobody has touched since (store.UntouchedImports), each with a
// history entry and a deleted event, so that a file imported with the wrong
// mapping or defaults can be imported again. The parties someone worked on
// are kept and listed. Only an import that ended can be undone, and once
// every party it created is gone, the same file may be uploaded again.
func (s *Service) UndoImport(ctx context.Context, id string) (UndoView, error) {
	var v UndoView
	actor, now := Actor(ctx), s.Clock.Now()
	err := postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		job, err := store.LockImport(ctx, tx, id)
		if err != nil {
			return err
		}
		if job.Status == "pending" || job.Status == "running" {
			return problem.Conflict(fmt.Sprintf("the import is %s: undo it once it has ended", job.Status))
		}
		t, deleted := store.Organization, func(id string) any { return s.Organisations.k.deleted(id) }
		if job.Resource == "people" {
			t, deleted = store.Person, func(id string) any { return s.People.k.deleted(id) }
			if v.ParentsUnlinked, err = s.unlinkParents(ctx, tx, id, actor, now); err != nil {
				return err
			}
		}
		ids, err := store.UntouchedImports(ctx, tx, t, id)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			if err := store.DeleteImported(ctx, tx, t, ids, actor, now); err != nil {
				return err
			}
			events := make([]*event.Event, len(ids))
			for i, pid := range ids {
				e, err := s.Catalogue.Event(pid, now, deleted(pid))
				if err != nil {
					return err
				}
				events[i] = &e
			}
			if err := outbox.Append(ctx, tx, events...); err != nil {
				return err
			}
		}
		v.Deleted = len(ids)
		if v.Kept, v.KeptIDs, err = store.Undone(ctx, tx, t, id, len(ids), now, keptShown); err != nil {
			return err
		}
		job, err = store.GetImport(ctx, tx, id)
		v.Job = importView(job)
		return err
	})
	if v.KeptIDs == nil {
		v.KeptIDs = []string{}
	}
	return v, err
}
