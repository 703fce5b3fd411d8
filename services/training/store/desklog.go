package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

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

// DeskLogRevision is what an entry said before one correction.
type DeskLogRevision struct {
	RevisedAt time.Time       `db:"revised_at" json:"revised_at"`
	RevisedBy string          `db:"revised_by" json:"revised_by"`
	Previous  json.RawMessage `db:"previous" json:"previous"`
}

// DeskLogRevisions lists an entry's earlier versions, newest first.
func DeskLogRevisions(ctx context.Context, db DB, id string) ([]DeskLogRevision, error) {
	rows, _ := db.Query(ctx, `SELECT revised_at, revised_by, previous FROM desk_log_revision WHERE desk_log_id = $1 ORDER BY revised_at DESC`, id)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[DeskLogRevision])
	if out == nil {
		out = []DeskLogRevision{}
	}
	return out, err
}
