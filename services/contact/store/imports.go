package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
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
	// IgnoredColumns are the headers whose columns feed no field.
	IgnoredColumns []string `json:"ignored_columns" db:"ignored_columns"`
	// Attempts counts the attempts that failed and were retried.
	Attempts int `json:"attempts" db:"attempts"`
	// Defaults are the values every row takes, by field.
	Defaults map[string]string `json:"defaults" db:"defaults"`
	// Undone counts the parties created that undoing the import deleted.
	Undone int `json:"undone" db:"undone"`
	// UndoneAt is when the import was last undone.
	UndoneAt *time.Time `json:"undone_at,omitempty" db:"undone_at"`
	// ParentsCreated counts the parents a class list named that the import
	// created, ParentsLinked the stored people it linked to their children.
	ParentsCreated int `json:"parents_created" db:"parents_created"`
	ParentsLinked  int `json:"parents_linked" db:"parents_linked"`
	// Sheets are the sheets of a workbook of several, which its report's
	// rows are numbered across (importing.Sheets); empty otherwise.
	Sheets []string `json:"sheets" db:"sheets"`
	// FileName is the uploaded file's name, as the upload gave it.
	FileName string `json:"file_name" db:"file_name"`
	// UndoneBy is who last undid the import (or finished its undo).
	UndoneBy string `json:"undone_by,omitempty" db:"undone_by"`
	// AlreadyStored counts the rows that are a stored party as it is
	// stored (ImportProblem.AlreadyStored): neither created nor failed.
	AlreadyStored int `json:"already_stored" db:"already_stored"`
	// Skipped counts the rows at or below the end of a form's list (a
	// total, a signature block): neither parties nor failed.
	Skipped int `json:"skipped" db:"skipped"`
}

const importCols = `id::text, resource, format, fingerprint, status, total, processed, created, failed, already_stored, skipped, error, created_by, created_at, finished_at,
 ignored_columns, attempts, defaults, undone, undone_at, parents_created, parents_linked, sheets, file_name, coalesce(undone_by, '') AS undone_by`

// InsertImport stores a pending job with its file, or returns the earlier
// job of the same file (same fingerprint) for the same resource, locked FOR
// UPDATE until tx ends, with the mapping it was uploaded with, and false.
func InsertImport(ctx context.Context, tx pgx.Tx, in Import, file []byte, mapping []byte) (Import, []byte, bool, error) {
	defaults := in.Defaults
	if defaults == nil {
		defaults = map[string]string{}
	}
	tag, err := tx.Exec(ctx, `INSERT INTO import_job (id, resource, format, fingerprint, status, file, mapping, created_by, created_at, ignored_columns, defaults, sheets, file_name)
VALUES ($1,$2,$3,$4,'pending',$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (resource, fingerprint) DO NOTHING`,
		in.ID, in.Resource, in.Format, in.Fingerprint, file, mapping, in.CreatedBy, in.CreatedAt, nonNil(in.IgnoredColumns), defaults, nonNil(in.Sheets), in.FileName)
	if err != nil {
		return Import{}, nil, false, fmt.Errorf("insert import: %w", err)
	}
	if tag.RowsAffected() == 1 {
		job, err := GetImport(ctx, tx, in.ID)
		return job, mapping, true, err
	}
	rows, err := tx.Query(ctx, `SELECT `+importCols+`, mapping FROM import_job WHERE resource=$1 AND fingerprint=$2 FOR UPDATE`, in.Resource, in.Fingerprint)
	if err != nil {
		return Import{}, nil, false, fmt.Errorf("earlier import: %w", err)
	}
	earlier, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[struct {
		Import
		Mapping []byte `db:"mapping"`
	}])
	if err != nil {
		return Import{}, nil, false, fmt.Errorf("earlier import: %w", err)
	}
	return earlier.Import, earlier.Mapping, false, nil
}

// DeleteImport removes a job with its report and chunk records.
func DeleteImport(ctx context.Context, db DB, id string) error {
	if _, err := db.Exec(ctx, `DELETE FROM import_job WHERE id=$1`, id); err != nil {
		return fmt.Errorf("delete import %s: %w", id, err)
	}
	return nil
}

// ResumeImport puts a failed job back to pending with its file, keeping its
// written chunks, which the next run skips, and its counts and report.
func ResumeImport(ctx context.Context, db DB, id string, file []byte) (Import, error) {
	rows, err := db.Query(ctx, `UPDATE import_job SET status='pending', file=$2, error='', finished_at=NULL, claim=NULL, attempts=0, not_before=NULL
 WHERE id=$1 AND status='failed' RETURNING `+importCols, id, file)
	if err != nil {
		return Import{}, fmt.Errorf("resume import %s: %w", id, err)
	}
	job, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Import])
	if err != nil {
		return Import{}, fmt.Errorf("resume import %s: %w", id, err)
	}
	return job, nil
}

// GetImport loads a job.
func GetImport(ctx context.Context, db DB, id string) (Import, error) {
	return getImport(ctx, db, id, "")
}

// LockImport loads a job and locks it FOR UPDATE until tx ends.
func LockImport(ctx context.Context, tx pgx.Tx, id string) (Import, error) {
	return getImport(ctx, tx, id, " FOR UPDATE")
}

func getImport(ctx context.Context, db DB, id, lock string) (Import, error) {
	rows, err := db.Query(ctx, `SELECT `+importCols+` FROM import_job WHERE id=$1`+lock, id)
	if err != nil {
		return Import{}, err
	}
	job, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Import])
	if errors.Is(err, pgx.ErrNoRows) {
		return job, ErrNotFound
	}
	return job, err
}

// ImportFilter narrows a list of import jobs; an empty field does not.
type ImportFilter struct {
	Status   string
	Resource string
}

// ListImports returns up to limit jobs, newest first (ids are UUIDv7), whose
// ids sort before before.
func ListImports(ctx context.Context, db DB, f ImportFilter, before string, limit int) ([]Import, error) {
	rows, err := db.Query(ctx, `SELECT `+importCols+` FROM import_job
WHERE id < $1::uuid AND ($2 = '' OR status = $2) AND ($3 = '' OR resource = $3)
ORDER BY id DESC LIMIT $4`, before, f.Status, f.Resource, limit)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Import])
}

// ErrLostClaim says another replica took over a job: its heartbeat had
// stopped for longer than the stale limit.
var ErrLostClaim = errors.New("the import was claimed by another replica")

// ClaimImport takes the oldest pending job, or a running one whose
// heartbeat is older than stale (its replica died), marking it running
// under a new claim token. It returns the chunks already written.
func ClaimImport(ctx context.Context, db DB, token string, stale time.Duration) (Import, []byte, []byte, []int, error) {
	var file, mapping []byte
	var id string
	err := db.QueryRow(ctx, `UPDATE import_job SET status='running', claim=$1, heartbeat_at=now() WHERE id = (
 SELECT id FROM import_job WHERE (status='pending' AND (not_before IS NULL OR not_before <= now()))
 OR (status='running' AND heartbeat_at < now() - make_interval(secs => $2))
 ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
RETURNING id::text, file, mapping`, token, stale.Seconds()).Scan(&id, &file, &mapping)
	if errors.Is(err, pgx.ErrNoRows) {
		return Import{}, nil, nil, nil, ErrNotFound
	}
	if err != nil {
		return Import{}, nil, nil, nil, fmt.Errorf("claim import: %w", err)
	}
	job, err := GetImport(ctx, db, id)
	if err != nil {
		return Import{}, nil, nil, nil, err
	}
	rows, err := db.Query(ctx, `SELECT chunk_no FROM import_chunk WHERE import_id=$1`, id)
	if err != nil {
		return Import{}, nil, nil, nil, fmt.Errorf("chunks of import %s: %w", id, err)
	}
	done, err := pgx.CollectRows(rows, pgx.RowTo[int])
	return job, file, mapping, done, err
}

// Heartbeat renews a job's claim; ErrLostClaim if another replica took it.
func Heartbeat(ctx context.Context, db DB, id, token string) error {
	tag, err := db.Exec(ctx, `UPDATE import_job SET heartbeat_at=now() WHERE id=$1 AND claim=$2 AND status='running'`, id, token)
	if err != nil {
		return fmt.Errorf("heartbeat of import %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrLostClaim
	}
	return nil
}

// ChunkCounts are the rows of a chunk of an import: processed ones are
// created, already stored (the party as stored), skipped (past the end of
// a form's list) or failed.
type ChunkCounts struct {
	Processed, Created, AlreadyStored, Skipped, Failed int
}

// ChunkWritten records, inside the chunk's transaction, that chunk no of a
// job is written and adds its counts; ErrLostClaim if the claim is gone.
func ChunkWritten(ctx context.Context, tx pgx.Tx, id, token string, no int, n ChunkCounts) error {
	tag, err := tx.Exec(ctx, `UPDATE import_job SET processed=processed+$3, created=created+$4, failed=failed+$5, already_stored=already_stored+$6,
 skipped=skipped+$7, total=GREATEST(total, processed+$3), heartbeat_at=now() WHERE id=$1 AND claim=$2`, id, token, n.Processed, n.Created, n.Failed, n.AlreadyStored, n.Skipped)
	if err != nil {
		return fmt.Errorf("progress of import %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrLostClaim
	}
	if _, err := tx.Exec(ctx, `INSERT INTO import_chunk (import_id, chunk_no) VALUES ($1, $2)`, id, no); err != nil {
		return fmt.Errorf("chunk %d of import %s: %w", no, id, err)
	}
	return nil
}

// RetryImport puts a job whose attempt failed back to pending, to be claimed
// again no sooner than after, with the attempt's error for whoever looks;
// ErrLostClaim if another replica holds the job now.
func RetryImport(ctx context.Context, db DB, id, token, msg string, after time.Duration) error {
	tag, err := db.Exec(ctx, `UPDATE import_job SET status='pending', claim=NULL, error=$3, attempts=attempts+1,
 not_before=now() + make_interval(secs => $4) WHERE id=$1 AND claim=$2`, id, token, msg, after.Seconds())
	if err == nil && tag.RowsAffected() == 0 {
		return ErrLostClaim
	}
	return err
}

// FinishImport marks a job done (or failed with a message) and drops its
// file; ErrLostClaim if another replica holds the job now.
func FinishImport(ctx context.Context, db DB, id, token, status, msg string, now time.Time) error {
	tag, err := db.Exec(ctx, `UPDATE import_job SET status=$3, error=$4, finished_at=$5, file=NULL WHERE id=$1 AND claim=$2`, id, token, status, msg, now)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrLostClaim
	}
	return err
}

// CopyParties bulk-inserts new parties as the create path stores them
// (InsertParty, ReplaceKeys, InsertOwnerAudit): the same derived columns
// (search_name feeds the generated search_vec), one party_key row per
// distinct key, and the "created" owner audit row, so imported parties are
// found by search and by the duplicate check. It uses COPY: one round trip
// per table for the whole chunk.
func CopyParties(ctx context.Context, tx pgx.Tx, t Type, rs []Row, importID, actor string, now time.Time) error {
	// uuid values, not strings: pgx copies a string into a uuid column only
	// after a failed binary plan, which costs more than the parse (a
	// uuid.UUID is fast on pools from postgres.Connect, which teach pgx its
	// binary form).
	ids := make([]uuid.UUID, len(rs))
	units := make([]*uuid.UUID, len(rs))
	for i, r := range rs {
		var err error
		if ids[i], err = uuid.Parse(r.ID); err != nil {
			return fmt.Errorf("copy %s: id %q: %w", t, r.ID, err)
		}
		if r.SupervisingUnitID != nil {
			u, err := uuid.Parse(*r.SupervisingUnitID)
			if err != nil {
				return fmt.Errorf("copy %s: supervising unit %q: %w", t, *r.SupervisingUnitID, err)
			}
			units[i] = &u
		}
	}
	job, err := uuid.Parse(importID)
	if err != nil {
		return fmt.Errorf("copy %s: import id %q: %w", t, importID, err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{string(t)}, []string{"id", "doc", "name", "search_name", "kinds", "stage", "tags", "owner_id", "province",
		"supervising_unit_id", "reminder_days", "import_id", "last_touched_by", "last_touched_at", "created_at", "updated_at"},
		pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			r := rs[i]
			return []any{ids[i], r.Doc, r.Name, r.SearchName, nonNil(r.Kinds), r.Stage, nonNil(r.Tags), r.OwnerID, r.Province, units[i],
				nonNil(r.ReminderDays), job, actor, now, now, now}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy %s: %w", t, err)
	}
	keys := make([][]any, 0, 3*len(rs))
	for i, r := range rs {
		// ReplaceKeys skips a key a party holds twice (ON CONFLICT DO
		// NOTHING); COPY has no such clause, so skip it here.
		for j, k := range r.Keys {
			if !slices.Contains(r.Keys[:j], k) {
				keys = append(keys, []any{string(t), k, ids[i]})
			}
		}
	}
	if _, err = tx.CopyFrom(ctx, pgx.Identifier{"party_key"}, []string{"party_type", "key", "party_id"}, pgx.CopyFromRows(keys)); err != nil {
		return fmt.Errorf("copy keys: %w", err)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"owner_audit"}, []string{"party_type", "party_id", "new_owner", "actor", "at", "reason"},
		pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			return []any{string(t), ids[i], rs[i].OwnerID, actor, now, "imported"}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy owner audit: %w", err)
	}
	return nil
}

// Matches are the parties FindParties found, by what they were asked by.
type Matches struct {
	ByID   map[string]string   // an id, or the id of a merged party -> the live id
	ByKey  map[string]string   // a key (tax code, phone, email) -> the id
	ByName map[string][]string // a folded name -> the ids of every party so named
}

// FindParties looks up the parties of table t that ids, keys and folded
// names name, and locks them FOR KEY SHARE, as a link written by hand locks
// its target, so none is deleted before the parties linking to it commit.
func FindParties(ctx context.Context, db DB, t Type, ids, keys, names []string) (Matches, error) {
	m := Matches{ByID: map[string]string{}, ByKey: map[string]string{}, ByName: map[string][]string{}}
	lookups := []struct {
		args []any // what is asked first
		sql  string
		into func(asked, id string)
	}{
		{[]any{ids, string(t)}, `SELECT q::text, p.id::text FROM unnest($1::uuid[]) q
 LEFT JOIN party_alias a ON a.alias_id = q AND a.party_type = $2
 JOIN ` + string(t) + ` p ON p.id = coalesce(a.survivor_id, q) FOR KEY SHARE OF p`,
			func(asked, id string) { m.ByID[asked] = id }},
		{[]any{keys, string(t)}, `SELECT k.key, p.id::text FROM party_key k JOIN ` + string(t) + ` p ON p.id = k.party_id
 WHERE k.party_type = $2 AND k.key = ANY($1) FOR KEY SHARE OF p`,
			func(asked, id string) { m.ByKey[asked] = id }},
		{[]any{names}, `SELECT search_name, id::text FROM ` + string(t) + ` WHERE search_name = ANY($1) ORDER BY id FOR KEY SHARE`,
			func(asked, id string) { m.ByName[asked] = append(m.ByName[asked], id) }},
	}
	for _, l := range lookups {
		if len(l.args[0].([]string)) == 0 {
			continue
		}
		rows, err := db.Query(ctx, l.sql, l.args...)
		if err != nil {
			return m, fmt.Errorf("find %s: %w", t, err)
		}
		var asked, id string
		_, err = pgx.ForEachRow(rows, []any{&asked, &id}, func() error {
			l.into(asked, id)
			return nil
		})
		if err != nil {
			return m, fmt.Errorf("find %s: %w", t, err)
		}
	}
	return m, nil
}

// RequeueImport puts a running job back to pending (its worker stopped).
func RequeueImport(ctx context.Context, db DB, id, token string) error {
	_, err := db.Exec(ctx, `UPDATE import_job SET status='pending', claim=NULL WHERE id=$1 AND status='running' AND claim=$2`, id, token)
	return err
}
