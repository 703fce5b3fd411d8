package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// Segment is a saved, named filter.
type Segment struct {
	ID        string    `json:"id" db:"id"`
	Name      string    `json:"name" db:"name"`
	Resource  string    `json:"resource" db:"resource"`
	Filter    []byte    `json:"-" db:"filter"`
	CreatedBy string    `json:"created_by" db:"created_by"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// foldSQL folds a text as party.Fold does (migration 00022 folds tags
// alike): lower case, without diacritics, đ as d.
const foldSQL = `lower(translate(regexp_replace(normalize(%s, NFD), '[\u0300-\u036f]', '', 'g'), 'đĐ', 'dD'))`

// SegmentNamed returns the id of the segment of resource whose name folds
// as name does, if one is saved. It waits for any other transaction
// checking a name of the resource until that one ends, so two saving the
// same name at once cannot both find none.
func SegmentNamed(ctx context.Context, tx pgx.Tx, resource, name string) (string, bool, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('contact.segment.' || $1))`, resource); err != nil {
		return "", false, fmt.Errorf("lock the segment names of %s: %w", resource, err)
	}
	var id string
	err := tx.QueryRow(ctx, `SELECT id::text FROM segment WHERE resource = $1 AND `+fmt.Sprintf(foldSQL, "name")+` = `+
		fmt.Sprintf(foldSQL, "$2::text")+` LIMIT 1`, resource, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("find the segment named %q: %w", name, err)
	}
	return id, true, nil
}

// InsertSegment saves a segment.
func InsertSegment(ctx context.Context, db DB, s Segment) error {
	_, err := db.Exec(ctx, `INSERT INTO segment (id, name, resource, filter, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6)`,
		s.ID, s.Name, s.Resource, s.Filter, s.CreatedBy, s.CreatedAt)
	return err
}

// GetSegment loads a segment.
func GetSegment(ctx context.Context, db DB, id string) (Segment, error) {
	rows, err := db.Query(ctx, `SELECT id::text, name, resource, filter, created_by, created_at FROM segment WHERE id=$1`, id)
	if err != nil {
		return Segment{}, err
	}
	s, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Segment])
	if err == pgx.ErrNoRows {
		return s, ErrNotFound
	}
	return s, err
}

// AllSegments lists every segment by name.
func AllSegments(ctx context.Context, db DB) ([]Segment, error) {
	return ListSegments(ctx, db, SegmentPosition{}, "", math.MaxInt32)
}

// SegmentPosition is where a page of segments starts: after the segment
// of this id, whose name, which a cursor does not carry, is read from its
// row (anchor.go). The zero position is the start of the list.
type SegmentPosition struct {
	ID string `json:"i"`
}

// ListSegments lists up to limit segments by folded name after position,
// those of resource only unless it is "". The page after a segment
// deleted since is ErrCursorGone.
func ListSegments(ctx context.Context, db DB, after SegmentPosition, resource string, limit int) ([]Segment, error) {
	// By the names folded, so "Ánh" sorts with "anh", not after "Zalo" as
	// bytes would have it; the position's name is folded by the same
	// expression.
	cond, args := "TRUE", []any{resource, limit}
	if after.ID != "" {
		name := fmt.Sprintf(foldSQL, "(SELECT name FROM segment WHERE id = $3::uuid)")
		cond = anchorLives("segment", "$3") + ` AND (` + fmt.Sprintf(foldSQL, "name") + `, id) > (` + name + `, $3::uuid)`
		args = append(args, after.ID)
	}
	rows, err := db.Query(ctx, `SELECT id::text, name, resource, filter, created_by, created_at FROM segment
WHERE `+cond+` AND ($1 = '' OR resource = $1) ORDER BY `+fmt.Sprintf(foldSQL, "name")+`, id LIMIT $2`, args...)
	if err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Segment])
	if err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	if len(out) == 0 && after.ID != "" {
		if err := checkAnchor(ctx, db, "segment", after.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteSegment removes a segment.
func DeleteSegment(ctx context.Context, db DB, id string) error {
	tag, err := db.Exec(ctx, `DELETE FROM segment WHERE id=$1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}
