package consumer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/retry"
)

// DeadLetter is an event a consumer parked after it could not apply it.
type DeadLetter struct {
	ID              int64       `json:"id"`
	Consumer        string      `json:"consumer"`
	EventID         uuid.UUID   `json:"event_id"`
	Subject         string      `json:"subject"`
	Headers         nats.Header `json:"headers"`
	Payload         []byte      `json:"payload"`
	Error           string      `json:"error"`
	Attempts        int         `json:"attempts"`
	DeadAt          time.Time   `json:"dead_at"`
	ReplayRequested *time.Time  `json:"replay_requested,omitempty"`
	ReplayedAt      *time.Time  `json:"replayed_at,omitempty"`
}

// deadLetter parks it with its cause and acknowledges it, in one
// transaction that also clears its failure count and, when advance is set,
// moves the aggregate past it so the events behind it are not held back.
func (c *Consumer) deadLetter(ctx context.Context, it item, cause error, attempts int, advance bool) {
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		headers, err := json.Marshal(it.msg.Headers())
		if err != nil {
			return err
		}
		id := it.e.ID
		if id == uuid.Nil { // undecodable: keep what the header said, if anything
			id, _ = uuid.Parse(it.msg.Headers().Get(event.HeaderID))
		}
		if _, err := tx.Exec(ctx, `
INSERT INTO dead_letter (consumer, event_id, subject, headers, payload, error, attempts)
VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (consumer, event_id) DO NOTHING`,
			c.cfg.Name, id, it.msg.Subject(), headers, it.msg.Data(), cause.Error(), attempts); err != nil {
			return err
		}
		if advance && it.e.Sequence > 0 {
			if _, err := tx.Exec(ctx, `
INSERT INTO consumer_position AS p (consumer, aggregate_type, aggregate_id, last_seq) VALUES ($1, $2, $3, $4)
ON CONFLICT (consumer, aggregate_type, aggregate_id) DO UPDATE SET last_seq = greatest(p.last_seq, $4)`,
				c.cfg.Name, it.e.AggregateType, it.e.AggregateID, it.e.Sequence); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, "DELETE FROM consumer_failure WHERE consumer = $1 AND event_id = $2", c.cfg.Name, id)
		return err
	})
	if err != nil {
		c.log.Error("cannot dead-letter event; it will be delivered again", "event_id", it.e.ID, "err", err)
		_ = it.msg.NakWithDelay(time.Second)
		return
	}
	c.metrics.dead.Inc()
	c.log.Error("event dead-lettered", "event_id", it.e.ID, "type", it.e.Type, "attempts", attempts, "err", cause)
	_ = it.msg.Ack()
}

// ListDeadLetters returns the parked events of one consumer (all consumers
// when name is empty), newest first.
func ListDeadLetters(ctx context.Context, pool *pgxpool.Pool, name string, limit int) ([]DeadLetter, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := pool.Query(ctx, `
SELECT id, consumer, event_id, subject, headers, payload, error, attempts, dead_at, replay_requested, replayed_at
FROM dead_letter WHERE $1 = '' OR consumer = $1 ORDER BY id DESC LIMIT $2`, name, limit)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[DeadLetter])
}

// ErrNoDeadLetter is returned for a replay of an unknown or replayed dead letter.
var ErrNoDeadLetter = errors.New("no such dead letter waiting")

// RequestReplay asks the running consumer to apply a dead letter again (once
// its handler is fixed). The consumer picks it up within its replay interval;
// the inbox guarantees it has at most one effect.
func RequestReplay(ctx context.Context, pool *pgxpool.Pool, id int64) error {
	tag, err := pool.Exec(ctx, `UPDATE dead_letter SET replay_requested = now() WHERE id = $1 AND replayed_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("request replay of dead letter %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("dead letter %d: %w", id, ErrNoDeadLetter)
	}
	return nil
}

// replayLoop applies requested replays and prunes old bookkeeping until ctx ends.
func (c *Consumer) replayLoop(ctx, work context.Context) {
	streak := retry.NewStreak(c.log, "replay of dead letters")
	wait := c.cfg.ReplayInterval
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		// While the database is down, wait longer after each failure and
		// say so once, not every interval.
		if err := c.replay(work); err != nil {
			wait = streak.Failed(ctx, err)
			continue
		}
		streak.Succeeded(ctx)
		wait = c.cfg.ReplayInterval
		c.collectGarbage(work)
	}
}

// replay applies each requested dead letter in its own savepoint: the
// handler's effect, the inbox row and the replayed mark commit together.
func (c *Consumer) replay(ctx context.Context) error {
	return pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
SELECT id, consumer, event_id, subject, headers, payload, error, attempts, dead_at, replay_requested, replayed_at
FROM dead_letter WHERE consumer = $1 AND replay_requested IS NOT NULL AND replayed_at IS NULL
ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED`, c.cfg.Name)
		if err != nil {
			return err
		}
		letters, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DeadLetter])
		if err != nil {
			return err
		}
		for _, d := range letters {
			err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
				e, err := event.Decode(d.Subject, d.Headers, d.Payload)
				if err != nil {
					return err
				}
				tag, err := sp.Exec(ctx, "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", c.cfg.Name, e.ID)
				if err != nil {
					return err
				}
				if tag.RowsAffected() == 1 {
					if err := c.run(ctx, sp, e, d.Headers); err != nil {
						return err
					}
				}
				_, err = sp.Exec(ctx, "UPDATE dead_letter SET replayed_at = now() WHERE id = $1", d.ID)
				return err
			})
			if err != nil {
				c.log.Warn("replay failed", "dead_letter", d.ID, "err", err)
				if _, err2 := tx.Exec(ctx, `UPDATE dead_letter SET replay_requested = NULL, attempts = attempts + 1, error = $2 WHERE id = $1`, d.ID, err.Error()); err2 != nil {
					return err2
				}
				continue
			}
			c.log.Info("dead letter replayed", "dead_letter", d.ID, "event_id", d.EventID)
		}
		return nil
	})
}

// collectGarbage drops inbox rows past their retention and stale failure
// counts, at most once an hour.
func (c *Consumer) collectGarbage(ctx context.Context) {
	if time.Since(c.lastGC) < time.Hour {
		return
	}
	c.lastGC = time.Now()
	for _, q := range []string{
		"DELETE FROM inbox WHERE consumer = $1 AND applied_at < now() - $2 * interval '1 second'",
		"DELETE FROM consumer_failure WHERE consumer = $1 AND updated_at < now() - $2 * interval '1 second'",
	} {
		if _, err := c.pool.Exec(ctx, q, c.cfg.Name, c.cfg.InboxRetention.Seconds()); err != nil {
			c.log.Warn("prune consumer bookkeeping", "err", err)
		}
	}
}
