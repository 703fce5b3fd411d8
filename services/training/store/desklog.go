package store

import (
	"context"
	"time"

	"github.com/rapportcrm/rapport/services/training/desklog"
)

const deskLogCols = `id, kind, day, author_id, recorded_at, workload, handed_over, backlog, difficulties, proposals`

// LoadDeskLog reads one entry, locked when forUpdate.
func LoadDeskLog(ctx context.Context, db DB, id string, forUpdate bool) (DeskLogRow, error) {
	row, err := one[DeskLogRow](ctx, db, "desk-log entry "+id, lockedIf(forUpdate, `SELECT `+deskLogCols+` FROM desk_log WHERE id = $1`), id)
	row.DayText = Date(&row.Day).String()
	return row, err
}

// CorrectDeskLog replaces an entry's figures and keeps what it said before
// in desk_log_revision, one row per correction.
func CorrectDeskLog(ctx context.Context, db DB, before DeskLogRow, e desklog.Entry, by string, at time.Time) error {
	if _, err := db.Exec(ctx, `INSERT INTO desk_log_revision (desk_log_id, revised_at, revised_by, previous) VALUES ($1, $2, $3, $4)`,
		before.ID, at, by, before); err != nil {
		return err
	}
	if e.Workload == nil {
		e.Workload = []desklog.Workload{}
	}
	if e.HandedOver == nil {
		e.HandedOver = []desklog.Handover{}
	}
	_, err := db.Exec(ctx, `UPDATE desk_log SET recorded_at = $2, workload = $3, handed_over = $4, backlog = $5, difficulties = $6, proposals = $7
WHERE id = $1`, before.ID, at, e.Workload, e.HandedOver, e.Backlog, e.Difficulties, e.Proposals)
	return err
}
