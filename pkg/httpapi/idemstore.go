package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// IdemScope names a key: its caller and route (the route's pattern), since
// two callers, or one caller on two routes, may pick the same key.
type IdemScope struct{ User, Route, Key string }

// IdempotencyKeys keeps the keys and answers in the service's own schema,
// in its table idempotency_key (a backbone table, pkg/backbone).
type IdempotencyKeys struct{ Pool *pgxpool.Pool }

// Claim takes the key for a request with fingerprint fp, or, when another
// request holds it, returns what is kept under it (taken true). A key kept
// past IdempotencyTTL is taken over as new. Expired keys are cleared here,
// a few on each claim, so the table holds about one day of creates.
func (k *IdempotencyKeys) Claim(ctx context.Context, s IdemScope, fp string, now time.Time) (Kept, bool, error) {
	if _, err := k.Pool.Exec(ctx, `DELETE FROM idempotency_key WHERE ctid IN
		(SELECT ctid FROM idempotency_key WHERE expires_at <= $1 LIMIT 100)`, now); err != nil {
		return Kept{}, false, fmt.Errorf("clear expired idempotency keys: %w", err)
	}
	tag, err := k.Pool.Exec(ctx, `INSERT INTO idempotency_key (user_id, route, key, fingerprint, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (user_id, route, key) DO UPDATE
		SET fingerprint = excluded.fingerprint, created_at = excluded.created_at, expires_at = excluded.expires_at,
			status = NULL, header = NULL, body = NULL
		WHERE idempotency_key.expires_at <= excluded.created_at`,
		s.User, s.Route, s.Key, fp, now, now.Add(IdempotencyTTL))
	if err != nil {
		return Kept{}, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return Kept{}, false, nil
	}
	kept, found, err := k.Load(ctx, s)
	if err != nil || found {
		return kept, true, err
	}
	// Freed between the insert and the read: claim it again.
	return k.Claim(ctx, s, fp, now)
}

// Load reads what is kept under a key; found is false for a free key.
func (k *IdempotencyKeys) Load(ctx context.Context, s IdemScope) (Kept, bool, error) {
	var kept Kept
	var status *int
	var header []byte
	err := k.Pool.QueryRow(ctx, `SELECT fingerprint, status, header, body, created_at FROM idempotency_key
		WHERE user_id = $1 AND route = $2 AND key = $3`, s.User, s.Route, s.Key).
		Scan(&kept.Fingerprint, &status, &header, &kept.Body, &kept.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Kept{}, false, nil
	}
	if err != nil {
		return Kept{}, false, fmt.Errorf("read idempotency key: %w", err)
	}
	if status != nil {
		kept.Status = *status
	}
	if header != nil {
		if err := json.Unmarshal(header, &kept.Header); err != nil {
			return Kept{}, false, fmt.Errorf("read idempotency key's headers: %w", err)
		}
	}
	return kept, true, nil
}

// Complete keeps the answer of the request that claimed the key.
func (k *IdempotencyKeys) Complete(ctx context.Context, s IdemScope, status int, h http.Header, body []byte) error {
	header, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("keep idempotency answer: %w", err)
	}
	if _, err := k.Pool.Exec(ctx, `UPDATE idempotency_key SET status = $4, header = $5, body = $6
		WHERE user_id = $1 AND route = $2 AND key = $3`, s.User, s.Route, s.Key, status, header, body); err != nil {
		return fmt.Errorf("keep idempotency answer: %w", err)
	}
	return nil
}

// Release frees a key whose request failed, for the corrected request.
func (k *IdempotencyKeys) Release(ctx context.Context, s IdemScope) error {
	if _, err := k.Pool.Exec(ctx, `DELETE FROM idempotency_key WHERE user_id = $1 AND route = $2 AND key = $3 AND status IS NULL`,
		s.User, s.Route, s.Key); err != nil {
		return fmt.Errorf("free idempotency key: %w", err)
	}
	return nil
}
