package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/rapportcrm/rapport/pkg/event"
	"github.com/rapportcrm/rapport/pkg/retry"
	"github.com/rapportcrm/rapport/services/contact/store"
)

const (
	// importPoll is how often a worker looks for jobs uploaded to another
	// replica; an upload to this one wakes it at once.
	importPoll = 2 * time.Second
	// importHeartbeat is how often a running job's claim is renewed, and
	// importStale how old a heartbeat may get before another replica takes
	// the job over (its replica is taken to have died).
	importHeartbeat = 5 * time.Second
	importStale     = 30 * time.Second
	// A job's attempt that fails for a reason other than its file (the
	// database restarting, a failover) is retried past the chunks it wrote,
	// after importRetryAfter times the attempt's number, up to importAttempts
	// attempts in all: a cause that outlasts them fails the job, and
	// uploading the file again resumes it.
	importAttempts   = 5
	importRetryAfter = 5 * time.Second
)

// unreadable marks a job's failure as its file's or its mapping's, which
// another attempt would meet again.
type unreadable struct{ error }

func (u unreadable) Unwrap() error { return u.error }

// dataException reports whether Postgres refused a value the job wrote
// (SQLSTATE class 22: a character text cannot hold, a number out of
// range). The rows' checks should have refused it; either way the cause is
// in the file, and another attempt would meet it again.
func dataException(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22")
}

// RunImports claims import jobs one at a time until ctx ends: pending ones,
// and running ones whose replica stopped sending heartbeats. Replicas may
// all run it: a job is claimed with SKIP LOCKED.
func (s *Service) RunImports(ctx context.Context) error {
	claims := retry.NewStreak(s.Log, "claiming imports")
	for {
		token := event.NewID().String()
		job, file, mapping, done, err := store.ClaimImport(ctx, s.Pool, token, importStale)
		if err == nil {
			claims.Succeeded(ctx)
			s.runImport(ctx, job, token, done, file, mapping)
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// While the database is down, wait longer after each failure and
		// say so once, not every poll.
		wait := importPoll
		if errors.Is(err, store.ErrNotFound) {
			claims.Succeeded(ctx)
		} else {
			wait = claims.Failed(ctx, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.importQueued:
		case <-time.After(wait):
		}
	}
}

// runImport imports one claimed job and records how it ended. A job
// interrupted by shutdown goes back to pending, and so, for a while, does
// one whose attempt failed for a reason other than its file; its written
// chunks are skipped when it is claimed again.
func (s *Service) runImport(ctx context.Context, job store.Import, token string, done []int, file, mapping []byte) {
	start := time.Now()
	jobCtx, stop := context.WithCancelCause(ctx)
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		s.heartbeat(jobCtx, job.ID, token, stop)
	}()
	err := s.importFile(jobCtx, job, token, done, file, mapping)
	lost := errors.Is(err, store.ErrLostClaim) || errors.Is(context.Cause(jobCtx), store.ErrLostClaim)
	stop(nil)
	<-beating

	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch {
	case lost:
		s.Log.WarnContext(ctx, "import taken over by another replica", "import_id", job.ID)
		return
	case ctx.Err() != nil:
		err = store.RequeueImport(bg, s.Pool, job.ID, token)
	case err != nil && !errors.As(err, new(unreadable)) && !dataException(err) && job.Attempts+1 < importAttempts:
		after := time.Duration(job.Attempts+1) * importRetryAfter
		s.Log.WarnContext(ctx, "import attempt failed, retrying", "import_id", job.ID, "attempt", job.Attempts+1, "after", after, "err", err)
		if err = store.RetryImport(bg, s.Pool, job.ID, token, err.Error(), after); err == nil {
			s.metrics.finished.WithLabelValues("retried").Inc()
		}
	case err != nil:
		s.Log.WarnContext(ctx, "import failed", "import_id", job.ID, "err", err)
		err = s.finishImport(bg, job.ID, token, "failed", err.Error())
	default:
		s.Log.InfoContext(ctx, "import done", "import_id", job.ID, "seconds", time.Since(start).Seconds())
		err = s.finishImport(bg, job.ID, token, "done", "")
	}
	if err != nil {
		s.Log.ErrorContext(ctx, "finish import", "import_id", job.ID, "err", err)
	}
}

// finishImport records how a job ended and counts it.
func (s *Service) finishImport(ctx context.Context, id, token, status, msg string) error {
	if err := store.FinishImport(ctx, s.Pool, id, token, status, msg, s.now()); err != nil {
		return err
	}
	s.metrics.finished.WithLabelValues(status).Inc()
	return nil
}

// heartbeat renews the job's claim until ctx ends, and stops the job if
// another replica has taken it.
func (s *Service) heartbeat(ctx context.Context, id, token string, stop context.CancelCauseFunc) {
	t := time.NewTicker(importHeartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := store.Heartbeat(ctx, s.Pool, id, token); errors.Is(err, store.ErrLostClaim) {
				stop(err)
				return
			} else if err != nil && ctx.Err() == nil {
				s.Log.WarnContext(ctx, "import heartbeat", "import_id", id, "err", err)
			}
		}
	}
}
