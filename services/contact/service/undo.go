package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/contact/ownership"
	"github.com/rapportcrm/rapport/services/contact/store"
)

// keptShown bounds the ids of the parties an undo kept that its answer lists.
const keptShown = 100

// UndoView is what undoing an import did.
type UndoView struct {
	Job ImportView `json:"job"`
	// Deleted counts the parties this undo deleted.
	Deleted int `json:"deleted"`
	// DeletedAfterBulkChanges counts the parties of Deleted that a bulk
	// change had changed since the import: a tag or a stage given to a
	// whole selection is no work with a customer, and keeps none.
	DeletedAfterBulkChanges int `json:"deleted_after_bulk_changes"`
	// Kept counts the parties the import created that are left, because
	// someone worked on them since; KeptIDs lists the first of them, and
	// KeptParties the same ones with their names and why each was kept.
	Kept        int               `json:"kept"`
	KeptIDs     []string          `json:"kept_ids"`
	KeptParties []store.KeptParty `json:"kept_parties"`
	// ParentsUnlinked counts the stored people a class list's import had
	// linked to their children that this undo took the links back from.
	// A person changed since keeps them, and so their children are kept.
	ParentsUnlinked int `json:"parents_unlinked"`
	// FinishedUndos are the imports undone before whose undo kept parties
	// only for links to or from the parties of this one, and which this
	// undo finished: a unit file undone before the school file naming its
	// units, or the first of two class lists sharing a parent.
	FinishedUndos []FinishedUndo `json:"finished_undos"`
}

// FinishedUndo is an import undone before, of which this undo deleted the
// parties left only for the links it took away.
type FinishedUndo struct {
	ImportID string `json:"import_id"`
	// Deleted counts the parties this undo deleted; Kept those still left,
	// which someone worked on.
	Deleted int `json:"deleted"`
	Kept    int `json:"kept"`
}

// UndoImport deletes, in one transaction, the parties an import created
// that nobody has touched since (store.UntouchedImports), each with a
// history entry and a deleted event, so that a file imported with the wrong
// mapping or defaults can be imported again. The parties someone worked on
// are kept and listed with why. Only an import that ended can be undone,
// and only by its uploader or a steward (ownership.May): it deletes
// parties, which a colleague may not delete one at a time either. Once
// every party it created is gone, the same file may be uploaded again.
// An import undone before, which kept parties only because this one's
// parties linked to them or it linked its own parents, is finished too, so
// the order two related imports are undone in does not matter.
func (s *Service) UndoImport(ctx context.Context, id string) (UndoView, error) {
	var v UndoView
	actor, now := Actor(ctx), s.now()
	err := postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		v = UndoView{} // an attempt that lost a race leaves nothing
		job, err := store.LockImport(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := ownership.May(caller(ctx), ownership.UndoImport, job.CreatedBy); err != nil {
			return err
		}
		if job.Status == "pending" || job.Status == "running" {
			return problem.Conflict(fmt.Sprintf("the import is %s: undo it once it has ended", job.Status))
		}
		u := undo{s: s, tx: tx, actor: actor, now: now}
		t := store.Organization
		var freed []string // parties an earlier undo may have kept for links this one takes away
		if job.Resource == "people" {
			t = store.Person
			if freed, err = s.unlinkParents(ctx, tx, id, actor, now); err != nil {
				return err
			}
			v.ParentsUnlinked = len(freed)
		}
		r, err := u.deleteUntouched(ctx, t, id)
		if err != nil {
			return err
		}
		v.Deleted, v.DeletedAfterBulkChanges = r.deleted, r.bulkChanged
		if v.Kept, v.KeptIDs, err = store.Undone(ctx, tx, t, id, r.deleted, actor, now, keptShown); err != nil {
			return err
		}
		if v.KeptParties, err = store.KeptReasons(ctx, tx, t, v.KeptIDs); err != nil {
			return err
		}
		if v.FinishedUndos, err = u.finishEarlier(ctx, id, append(freed, r.linked...)); err != nil {
			return err
		}
		job, err = store.GetImport(ctx, tx, id)
		v.Job = importView(job)
		return err
	})
	if v.KeptIDs == nil {
		v.KeptIDs = []string{}
	}
	if v.KeptParties == nil {
		v.KeptParties = []store.KeptParty{}
	}
	if v.FinishedUndos == nil {
		v.FinishedUndos = []FinishedUndo{}
	}
	return v, err
}

// undo deletes the untouched parties of imports in one transaction.
type undo struct {
	s     *Service
	tx    pgx.Tx
	actor string
	now   time.Time
}

// removal is what deleteUntouched deleted of an import's parties.
type removal struct {
	deleted int
	// bulkChanged counts the deleted parties a bulk change had changed.
	bulkChanged int
	// linked are the parties the deleted ones linked to.
	linked []string
}

// deleteUntouched deletes the parties of t the import created that nobody
// has touched since, each with a history entry and a deleted event.
func (u *undo) deleteUntouched(ctx context.Context, t store.Type, importID string) (removal, error) {
	var r removal
	ids, err := store.UntouchedImports(ctx, u.tx, t, importID)
	if err != nil || len(ids) == 0 {
		return r, err
	}
	if r.linked, err = store.LinkTargets(ctx, u.tx, t, ids); err != nil {
		return r, err
	}
	if r.bulkChanged, err = store.BulkChanged(ctx, u.tx, ids); err != nil {
		return r, err
	}
	if err := store.DeleteImported(ctx, u.tx, t, ids, u.actor, u.now); err != nil {
		return r, err
	}
	deletedEvent := u.s.Organisations.k.deleted
	if t == store.Person {
		deletedEvent = u.s.People.k.deleted
	}
	events := make([]*event.Event, len(ids))
	for i, pid := range ids {
		e, err := u.s.Catalogue.Event(pid, u.now, deletedEvent(pid, u.actor))
		if err != nil {
			return r, err
		}
		events[i] = &e
	}
	if err := outbox.Append(ctx, u.tx, events...); err != nil {
		return r, err
	}
	r.deleted = len(ids)
	return r, nil
}

// finishEarlier deletes, from the imports other than self undone before,
// the parties that freed were kept for: those of freed that nobody touched,
// and then those their own links kept, until a round deletes nothing more.
func (u *undo) finishEarlier(ctx context.Context, self string, freed []string) ([]FinishedUndo, error) {
	var out []FinishedUndo
	for len(freed) > 0 {
		earlier, err := store.UndoneImportsHolding(ctx, u.tx, freed, self)
		if err != nil {
			return nil, err
		}
		freed = nil
		for _, im := range earlier {
			r, err := u.deleteUntouched(ctx, im.Type, im.ID)
			if err != nil {
				return nil, err
			}
			if r.deleted == 0 {
				continue
			}
			kept, _, err := store.Undone(ctx, u.tx, im.Type, im.ID, r.deleted, u.actor, u.now, 0)
			if err != nil {
				return nil, err
			}
			i := slices.IndexFunc(out, func(f FinishedUndo) bool { return f.ImportID == im.ID })
			if i < 0 {
				out, i = append(out, FinishedUndo{ImportID: im.ID}), len(out)
			}
			out[i].Deleted += r.deleted
			out[i].Kept = kept
			freed = append(freed, r.linked...)
		}
	}
	return out, nil
}
