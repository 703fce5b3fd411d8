package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Import is an import job.
type Import struct {
	ID          string     `json:"id" db:"id"`
	Resource    string     `json:"resource" db:"resource"`
	Format      string     `json:"format" db:"format"`
	Fingerprint string     `json:"fingerprint" db:"fingerprint"`
	Status      string     `json:"status" db:"status"`
	Total       int        `json:"total" db:"total"`
	Processed   int        `json:"processed" db:"processed"`
	Created     int        `json:"created" db:"created"`
	Failed      int        `json:"failed" db:"failed"`
	Error       string     `json:"error,omitempty" db:"error"`
	CreatedBy   string     `json:"created_by" db:"created_by"`
	CreatedAt   time.Time  `json:"created_at" db:"created_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty" db:"finished_at"`
}

const importCols = `id::text, resource, format, fingerprint, status, total, processed, created, failed, error, created_by, created_at, finished_at`

// InsertImport stores a pending job with its file, or returns the earlier
// job of the same file (same fingerprint) and false.
func InsertImport(ctx context.Context, db DB, in Import, file []byte, mapping []byte) (Import, bool, error) {
	tag, err := db.Exec(ctx, `INSERT INTO import_job (id, resource, format, fingerprint, status, file, mapping, created_by, created_at)
VALUES ($1,$2,$3,$4,'pending',$5,$6,$7,$8) ON CONFLICT (resource, fingerprint) DO NOTHING`,
		in.ID, in.Resource, in.Format, in.Fingerprint, file, mapping, in.CreatedBy, in.CreatedAt)
	if err != nil {
		return Import{}, false, fmt.Errorf("insert import: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT `+importCols+` FROM import_job WHERE resource=$1 AND fingerprint=$2`, in.Resource, in.Fingerprint)
	if err != nil {
		return Import{}, false, err
	}
	job, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Import])
	return job, tag.RowsAffected() == 1, err
}

// GetImport loads a job.
func GetImport(ctx context.Context, db DB, id string) (Import, error) {
	rows, err := db.Query(ctx, `SELECT `+importCols+` FROM import_job WHERE id=$1`, id)
	if err != nil {
		return Import{}, err
	}
	job, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Import])
	if errors.Is(err, pgx.ErrNoRows) {
		return job, ErrNotFound
	}
	return job, err
}

// ClaimImport takes the oldest pending job, marking it running.
func ClaimImport(ctx context.Context, db DB) (Import, []byte, []byte, error) {
	var file, mapping []byte
	var id string
	err := db.QueryRow(ctx, `UPDATE import_job SET status='running' WHERE id = (
 SELECT id FROM import_job WHERE status='pending' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
RETURNING id::text, file, mapping`).Scan(&id, &file, &mapping)
	if errors.Is(err, pgx.ErrNoRows) {
		return Import{}, nil, nil, ErrNotFound
	}
	if err != nil {
		return Import{}, nil, nil, fmt.Errorf("claim import: %w", err)
	}
	job, err := GetImport(ctx, db, id)
	return job, file, mapping, err
}

// Progress records a job's counters.
func Progress(ctx context.Context, db DB, id string, processed, created, failed int) error {
	_, err := db.Exec(ctx, `UPDATE import_job SET processed=$2, created=$3, failed=$4, total=GREATEST(total, $2) WHERE id=$1`, id, processed, created, failed)
	return err
}

// FinishImport marks a job done (or failed with a message) and drops its file.
func FinishImport(ctx context.Context, db DB, id, status, msg string, now time.Time) error {
	_, err := db.Exec(ctx, `UPDATE import_job SET status=$2, error=$3, finished_at=$4, file=NULL WHERE id=$1`, id, status, msg, now)
	return err
}

// ImportProblem is one row of a job's report.
type ImportProblem struct {
	Row            int    `db:"row_no"`
	Column         string `db:"column_name"`
	Message        string `db:"message"`
	DuplicateOfRow *int   `db:"duplicate_of_row"`
}

// InsertProblems stores report rows with COPY.
func InsertProblems(ctx context.Context, tx pgx.Tx, id string, ps []ImportProblem) error {
	if len(ps) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_problem"}, []string{"import_id", "row_no", "column_name", "message", "duplicate_of_row"},
		pgx.CopyFromSlice(len(ps), func(i int) ([]any, error) {
			return []any{id, ps[i].Row, ps[i].Column, ps[i].Message, ps[i].DuplicateOfRow}, nil
		}))
	return err
}

// ListProblems returns a job's report in row order.
func ListProblems(ctx context.Context, db DB, id string) ([]ImportProblem, error) {
	rows, err := db.Query(ctx, `SELECT row_no, column_name, message, duplicate_of_row FROM import_problem WHERE import_id=$1 ORDER BY row_no, column_name`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[ImportProblem])
}

// CopyParties bulk-inserts new parties as the create path stores them
// (InsertParty, ReplaceKeys, InsertOwnerAudit): the same derived columns
// (search_name feeds the generated search_vec), one party_key row per
// distinct key, and the "created" owner audit row, so imported parties are
// found by search and by the duplicate check. It uses COPY: one round trip
// per table for the whole chunk.
func CopyParties(ctx context.Context, tx pgx.Tx, t Type, rs []Row, importID, actor string, now time.Time) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{string(t)}, []string{"id", "doc", "name", "search_name", "kinds", "stage", "tags", "owner_id", "province",
		"supervising_unit_id", "import_id", "last_touched_by", "last_touched_at", "created_at", "updated_at"},
		pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			r := rs[i]
			return []any{r.ID, r.Doc, r.Name, r.SearchName, nonNil(r.Kinds), r.Stage, nonNil(r.Tags), r.OwnerID, r.Province, r.SupervisingUnitID, importID, actor, now, now, now}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy %s: %w", t, err)
	}
	keys := make([][]any, 0, 3*len(rs))
	for _, r := range rs {
		// ReplaceKeys skips a key a party holds twice (ON CONFLICT DO
		// NOTHING); COPY has no such clause, so skip it here.
		for i, k := range r.Keys {
			if !slices.Contains(r.Keys[:i], k) {
				keys = append(keys, []any{string(t), k, r.ID})
			}
		}
	}
	if _, err = tx.CopyFrom(ctx, pgx.Identifier{"party_key"}, []string{"party_type", "key", "party_id"}, pgx.CopyFromRows(keys)); err != nil {
		return fmt.Errorf("copy keys: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"owner_audit"}, []string{"party_type", "party_id", "new_owner", "actor", "at", "reason"},
		pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			return []any{string(t), rs[i].ID, rs[i].OwnerID, actor, now, "imported"}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy owner audit: %w", err)
	}
	return nil
}

// LiveOrganisations returns which of ids are live organisations.
func LiveOrganisations(ctx context.Context, db DB, ids []string) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT id::text FROM organization WHERE id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("live organisations: %w", err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := make(map[string]bool, len(found))
	for _, id := range found {
		out[id] = true
	}
	return out, err
}

// RequeueImport puts a running job back to pending (its worker stopped).
func RequeueImport(ctx context.Context, db DB, id string) error {
	_, err := db.Exec(ctx, `UPDATE import_job SET status='pending' WHERE id=$1 AND status='running'`, id)
	return err
}
