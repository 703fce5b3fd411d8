package service

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/desklog"
	"github.com/rapportcrm/rapport/services/training/store"
)

// CorrectDesk lets the author correct an entry of theirs, on the same
// terms as writing it (desklog.Entry.Validate: a day at most
// desklog.MaxDaysBack ago); what it said before is kept.
func (s *Service) CorrectDesk(ctx context.Context, a Actor, id string, e desklog.Entry) (store.DeskLogRow, error) {
	now := s.clock.Now()
	var row store.DeskLogRow
	err := s.tx(ctx, func(tx pgx.Tx) error {
		before, err := store.LoadDeskLog(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before.AuthorID != a.ID {
			return problem.Forbidden("only "+before.AuthorID+", who wrote the entry, may correct it").With("author_id", before.AuthorID)
		}
		var v course.ValidationError
		if e.Kind != "" && string(e.Kind) != before.Kind {
			v.Add("kind", "is the entry's own ("+before.Kind+"): write a new entry for the other check")
		}
		if !e.Day.IsZero() && e.Day.String() != before.DayText {
			v.Add("day", "is the entry's own ("+before.DayText+"): write a new entry for another day")
		}
		if err := v.Err(); err != nil {
			return err
		}
		e.Kind, e.Day, e.AuthorID, e.RecordedAt = desklog.Kind(before.Kind), store.Date(&before.Day), a.ID, now
		if err := e.Validate(); err != nil {
			return err
		}
		if err := store.CorrectDeskLog(ctx, tx, before, e, a.ID, now); err != nil {
			return fmt.Errorf("correct desk-log entry %s: %w", id, err)
		}
		row, err = store.LoadDeskLog(ctx, tx, id, false)
		return err
	})
	return row, err
}

// DeskRevisions lists what an entry said before each of its corrections,
// newest first, for its author and those overseeing the desk
// (desklog.MayReadRevisions; anyone else: 403 naming author_id).
func (s *Service) DeskRevisions(ctx context.Context, a Actor, id string) ([]store.DeskLogRevision, error) {
	e, err := store.LoadDeskLog(ctx, s.pool, id, false)
	if err != nil {
		return nil, err
	}
	if !desklog.MayReadRevisions(a.ID, a.Roles, e.AuthorID) {
		return nil, problem.Forbidden("only "+e.AuthorID+", who wrote the entry, or a lead, manager or director may read its earlier versions").With("author_id", e.AuthorID)
	}
	return store.DeskLogRevisions(ctx, s.pool, id)
}
