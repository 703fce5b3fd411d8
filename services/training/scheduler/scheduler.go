// Package scheduler runs the training service's time-based checks from one
// place, on an injectable clock. Every replica may run it: each firing is
// recorded under a unique key in the same transaction as its event, so a
// check fires once however many schedulers race for it.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/clock"
	"github.com/rapportcrm/rapport/pkg/contract"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/retry"
	"github.com/rapportcrm/rapport/services/training/calendar"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/readiness"
	"github.com/rapportcrm/rapport/services/training/staffing"
	"github.com/rapportcrm/rapport/services/training/store"
)

// Scheduler ticks the checks.
type Scheduler struct {
	pool     *pgxpool.Pool
	clock    clock.Clock
	interval time.Duration
	log      *slog.Logger
	cat      *contract.Catalogue
}

// New returns a scheduler ticking every interval (wall time); the checks read d.Clock.
func New(pool *pgxpool.Pool, c clock.Clock, interval time.Duration, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.Default()
	}
	return &Scheduler{pool: pool, clock: c, interval: interval, log: log, cat: contract.Rapport()}
}

// Run ticks until ctx ends; a failing tick is retried next tick, and a run
// of them (the database down) is logged once when it starts and once when
// it ends.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	ticks := retry.NewStreak(s.log, "scheduler tick")
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			ticks.Failed(ctx, err)
		} else if err == nil {
			ticks.Succeeded(ctx)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Tick runs every check once at the clock's current time.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.clock.Now()
	if err := s.readinessAtRisk(ctx, now); err != nil {
		return err
	}
	if err := s.staffingPlanOverdue(ctx, now); err != nil {
		return err
	}
	return s.overdueTasks(ctx, now)
}

func (s *Scheduler) fire(ctx context.Context, tx pgx.Tx, check, key, aggID string, now time.Time, payload any) error {
	first, err := store.Fire(ctx, tx, check, key, now)
	if err != nil || !first {
		return err
	}
	e, err := s.cat.Event(aggID, now, payload)
	if err != nil {
		return err
	}
	return outbox.Append(ctx, tx, &e)
}

// readinessAtRisk raises one event per incomplete required item of courses
// starting tomorrow (or today) once the day-before check is due.
func (s *Scheduler) readinessAtRisk(ctx context.Context, now time.Time) error {
	today := calendar.DateOf(now)
	states := []string{string(course.Scheduled), string(course.Planned)}
	cs, err := store.CoursesDue(ctx, s.pool, states, today.String(), today.AddDays(1).String())
	if err != nil {
		return fmt.Errorf("courses due for readiness: %w", err)
	}
	for _, c := range cs {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			items, err := store.ChecklistItems(ctx, tx, c.Mode)
			if err != nil {
				return err
			}
			checks, err := store.Checks(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			first := store.Date(c.FirstSession)
			risky := atRisk(items, checks, first, now)
			if len(risky) == 0 {
				return nil
			}
			info, err := store.CourseInfo(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			for _, it := range risky {
				p := contract.ReadinessAtRisk{Course: info, ItemKey: it.Key, Section: it.Section, LabelVI: it.LabelVI, LabelEN: it.LabelEN,
					DueAt: readiness.ReadinessCheckDue(first).Format(time.RFC3339)}
				if err := s.fire(ctx, tx, "readiness_at_risk", c.ID+"/"+first.String()+"/"+it.Key, c.ID, now, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("readiness of %s: %w", c.ID, err)
		}
	}
	return nil
}

// atRisk applies readiness.AtRisk's rule to the stored templates.
func atRisk(items []readiness.Item, checks []readiness.Check, first calendar.Date, now time.Time) []readiness.Item {
	if now.Before(readiness.ReadinessCheckDue(first)) {
		return nil
	}
	return readiness.Incomplete(items, checks)
}

func (s *Scheduler) staffingPlanOverdue(ctx context.Context, now time.Time) error {
	today := calendar.DateOf(now)
	// A plan is due at most 13 days before the first session.
	cs, err := store.CoursesDue(ctx, s.pool, []string{string(course.Scheduled)}, today.String(), today.AddDays(14).String())
	if err != nil {
		return fmt.Errorf("courses due for staffing: %w", err)
	}
	for _, c := range cs {
		due := staffing.StaffingPlanDue(store.Date(c.FirstSession))
		if now.Before(due) {
			continue
		}
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			info, err := store.CourseInfo(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			return s.fire(ctx, tx, "staffing_plan_overdue", c.ID+"/"+info.FirstSession, c.ID, now,
				contract.StaffingPlanOverdue{Course: info, DueAt: due.Format(time.RFC3339)})
		})
		if err != nil {
			return fmt.Errorf("staffing of %s: %w", c.ID, err)
		}
	}
	return nil
}

func (s *Scheduler) overdueTasks(ctx context.Context, now time.Time) error {
	ts, err := store.OverdueTasks(ctx, s.pool, now)
	if err != nil {
		return fmt.Errorf("overdue tasks: %w", err)
	}
	for _, t := range ts {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			info, err := store.CourseInfo(ctx, tx, t.CourseID)
			if err != nil {
				return err
			}
			p := contract.TaskOverdue{TaskID: t.ID, Course: info, Kind: t.Kind, OwnerRole: t.OwnerRole, OwnerID: t.OwnerID,
				Due: t.Due.Format(time.RFC3339), Required: t.Required, Status: t.Status}
			return s.fire(ctx, tx, "task_overdue", t.ID, t.ID, now, p)
		})
		if err != nil {
			return fmt.Errorf("overdue task %s: %w", t.ID, err)
		}
	}
	return nil
}
