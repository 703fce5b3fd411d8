package service

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/services/contact/store"
)

const (
	// settleBatch is how many parties one transaction of SettleFollowUps
	// settles. They stay locked until it commits, so a write of one of
	// them waits for a batch at most, and a batch cut off by a shutdown's
	// timeout gives them back.
	settleBatch        = 100
	settleBatchTimeout = time.Minute
	// A batch that fails (the database restarting, a failover) is tried
	// again after settleRetryAfter times the failures in a row, up to
	// settleAttempts in a row; past that the job stops with the error, and
	// the next start of a replica resumes it.
	settleAttempts   = 5
	settleRetryAfter = 5 * time.Second
)

// SettleFollowUps sets, once, the follow-up of every party listed by
// migration 00036 (the live parties with an interaction when it ran) by
// party.FollowUp, the rule every write of interactions follows since
// 00030, which SQL could not apply: parties whose follow-up the earlier
// rule cleared get it back. It takes the parties in batches until none is
// left, and returns then, or between batches when ctx ends. Replicas may
// all run it: a batch is taken with SKIP LOCKED and its parties are taken
// off the list in its transaction, so a crash loses nothing.
//
// Like a write of interactions, it records no history and publishes no
// event for a follow-up it changes: the follow-up is derived from the
// interactions, which were recorded and published when they were written.
func (s *Service) SettleFollowUps(ctx context.Context) error {
	left, err := store.FollowUpsToSettle(ctx, s.Pool)
	if err != nil || left == 0 {
		return err
	}
	start := time.Now()
	s.Log.InfoContext(ctx, "settling follow-ups", "parties", left)
	var settled, changed, failures int
	for {
		if ctx.Err() != nil {
			s.Log.InfoContext(ctx, "settling follow-ups stopped; the next start resumes it",
				"parties", settled, "changed", changed, "seconds", time.Since(start).Seconds())
			return ctx.Err()
		}
		// A batch begun runs to its end: shutdown stops between batches.
		batchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleBatchTimeout)
		taken, c, err := s.settleFollowUpBatch(batchCtx)
		cancel()
		if err != nil {
			failures++
			if failures == settleAttempts {
				return fmt.Errorf("settle follow-ups: %d batches failed in a row: %w", failures, err)
			}
			after := time.Duration(failures) * settleRetryAfter
			s.Log.WarnContext(ctx, "settling follow-ups failed, retrying", "attempt", failures, "after", after, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(after):
			}
			continue
		}
		failures = 0
		settled, changed = settled+taken, changed+c
		if taken == 0 {
			s.Log.InfoContext(ctx, "follow-ups settled", "parties", settled, "changed", changed, "seconds", time.Since(start).Seconds())
			return nil
		}
	}
}

// settleFollowUpBatch settles the follow-ups of up to settleBatch listed
// parties of one type, organisations first, and takes them off the list,
// in one transaction. It returns how many it took off (0 once none is
// left to take) and how many follow-ups changed. A party deleted or merged
// into another since the list was made is just taken off: a restore, and
// a merge for the survivor, settle the follow-up themselves.
func (s *Service) settleFollowUpBatch(ctx context.Context) (taken, changed int, err error) {
	err = postgres.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		taken, changed = 0, 0
		for _, t := range []store.Type{store.Organization, store.Person} {
			ids, err := store.TakeFollowUpsToSettle(ctx, tx, t, settleBatch)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				continue
			}
			// The parties of a batch are of one type and locked in id
			// order, as every write of several parties locks them.
			live, err := store.LockLive(ctx, tx, t, ids)
			if err != nil {
				return err
			}
			for _, id := range live {
				c, err := s.settleFollowUp(ctx, tx, t, id)
				if err != nil {
					return err
				}
				if c {
					changed++
				}
			}
			taken = len(ids)
			return store.SettledFollowUps(ctx, tx, t, ids)
		}
		return nil
	})
	return taken, changed, err
}
