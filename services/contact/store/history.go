package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// HistoryQuery selects a page of a party's history.
type HistoryQuery struct {
	// From is the position the page starts after: an entry's id, or
	// HistoryStart for the first page. Entries are numbered in the order
	// they were written; the creation, which no row holds, is entry 0.
	From int64
	// Newest pages from the latest entry back.
	Newest bool
	// Fields keeps the entries of these fields only; a field keeps its
	// members' too ("consents" keeps "consents.sms").
	Fields []string
	Limit  int
}

// HistoryStart is the From of a history's first page, whichever way it is
// read.
const HistoryStart int64 = -1

// ListHistory pages through a party's history rows.
func ListHistory(ctx context.Context, db DB, id string, q HistoryQuery) ([]HistoryEntry, error) {
	from, order, cmp := q.From, "", ">"
	if q.Newest {
		order, cmp = " DESC", "<"
		if from == HistoryStart {
			from = math.MaxInt64
		}
	}
	rows, err := db.Query(ctx, `SELECT id, actor, at, field, old_value, new_value, coalesce(reason, '') AS reason,
 coalesce(handover_id::text, '') AS handover_id, coalesce(bulk_id::text, '') AS bulk_id FROM history
 WHERE party_id=$1 AND id `+cmp+` $2 AND (coalesce(cardinality($3::text[]), 0) = 0 OR split_part(field, '.', 1) = ANY($3))
 ORDER BY id`+order+` LIMIT $4`, id, from, q.Fields, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[HistoryEntry])
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	return out, nil
}

// Creation is how a party came to be: who created it, when, and through
// which import or with which reason for a forced duplicate.
type Creation struct {
	Actor       string
	At          time.Time
	ImportID    string
	ForceReason string
}

// CreationOf returns the creation of party id of t, from its row and the
// owner audit row its creation wrote; a deleted party's from that audit
// row alone. found is false for a party created before Rapport kept
// owner audits, or for none at all.
func CreationOf(ctx context.Context, db DB, t Type, id string) (c Creation, found bool, err error) {
	// A survivor holds the audit rows of the parties merged into it too:
	// its own creation's row is the one written when it was created. A
	// restored party's row was written again, so its creation is its
	// first row's.
	err = db.QueryRow(ctx, `SELECT a.actor, a.at, coalesce(p.import_id::text, ''), coalesce(p.force_reason, '')
FROM owner_audit a LEFT JOIN `+string(t)+` p ON p.id = a.party_id
WHERE a.party_id = $1 AND a.reason IN ('created', 'imported')
ORDER BY a.at = p.created_at DESC NULLS LAST, a.id LIMIT 1`, id).Scan(&c.Actor, &c.At, &c.ImportID, &c.ForceReason)
	if errors.Is(err, pgx.ErrNoRows) {
		return Creation{}, false, nil
	}
	if err != nil {
		return Creation{}, false, fmt.Errorf("creation of %s: %w", id, err)
	}
	return c, true, nil
}
