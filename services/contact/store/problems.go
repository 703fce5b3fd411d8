package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ImportProblem is one row of a job's report.
type ImportProblem struct {
	Row            int    `db:"row_no"`
	Column         string `db:"column_name"`
	Message        string `db:"message"`
	DuplicateOfRow *int   `db:"duplicate_of_row"`
	// StoredParty is, on the problem saying that a row's id names a stored
	// party (or, for a row with no id, its first key a stored party holds,
	// or the one saying the row differs from that party), that party if
	// the row stands for it (importing.StoredParty); "" otherwise. It is
	// not shown: a restarted job reads it back (RowsNotCreated).
	StoredParty string `db:"stored_party"`
	// AlreadyStored marks the problems of a row that is a stored party as
	// it is stored (an export imported back untouched): kept for
	// RowsNotCreated, as the row was not created, but not shown in the
	// report (ListProblems), as nothing is wrong with it.
	AlreadyStored bool `db:"already_stored"`
}

// InsertProblems stores report rows with COPY.
func InsertProblems(ctx context.Context, tx pgx.Tx, id string, ps []ImportProblem) error {
	if len(ps) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_problem"}, []string{"import_id", "row_no", "column_name", "message", "duplicate_of_row", "stored_party", "already_stored"},
		pgx.CopyFromSlice(len(ps), func(i int) ([]any, error) {
			var stored *string
			if ps[i].StoredParty != "" {
				stored = &ps[i].StoredParty
			}
			return []any{id, ps[i].Row, ps[i].Column, ps[i].Message, ps[i].DuplicateOfRow, stored, ps[i].AlreadyStored}, nil
		}))
	return err
}

// ListProblems returns a job's report in row order, without the rows that
// are a stored party as stored (ImportProblem.AlreadyStored).
func ListProblems(ctx context.Context, db DB, id string) ([]ImportProblem, error) {
	rows, err := db.Query(ctx, `SELECT row_no, column_name, message, duplicate_of_row, coalesce(stored_party::text, '') AS stored_party, already_stored
 FROM import_problem WHERE import_id=$1 AND NOT already_stored ORDER BY row_no, column_name`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ImportProblem])
}

// RowsNotCreated returns the rows of a job's file that its problems so far
// are about, each with the stored party it stands for, or "": the rows its
// written chunks did not create. Rows a batch of parents reports (created
// children whose parent was not linked) are among them, once every chunk
// of rows is written.
func RowsNotCreated(ctx context.Context, db DB, id string) (map[int]string, error) {
	rows, err := db.Query(ctx, `SELECT row_no, coalesce(max(stored_party::text), '') FROM import_problem WHERE import_id=$1 GROUP BY row_no`, id)
	if err != nil {
		return nil, fmt.Errorf("rows not created by import %s: %w", id, err)
	}
	out := map[int]string{}
	var line int
	var stored string
	_, err = pgx.ForEachRow(rows, []any{&line, &stored}, func() error {
		out[line] = stored
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rows not created by import %s: %w", id, err)
	}
	return out, nil
}
