// Package training wires the training service: requests, courses, staffing,
// participants, readiness, reports, follow-up tasks, feedback and desk log.
package training

import (
	"context"
	"fmt"
	"time"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/runner"
	contactconsumer "github.com/rapportcrm/rapport/services/training/consumer"
	"github.com/rapportcrm/rapport/services/training/course"
	"github.com/rapportcrm/rapport/services/training/migrations"
	"github.com/rapportcrm/rapport/services/training/scheduler"
	"github.com/rapportcrm/rapport/services/training/service"
	"github.com/rapportcrm/rapport/services/training/store"
	transport "github.com/rapportcrm/rapport/services/training/transport/http"
)

// DefaultTick is how often the scheduler looks at the clock in production.
const DefaultTick = 30 * time.Second

// Service is the training service with the production scheduler interval.
func Service() runner.Service { return ServiceWith(DefaultTick) }

// ServiceWith is the training service whose scheduler ticks every tick
// (tests use a second with a fake clock).
func ServiceWith(tick time.Duration) runner.Service {
	return runner.Service{
		Name:       "training",
		Migrations: migrations.FS,
		Build: func(ctx context.Context, d runner.Deps) (runner.Parts, error) {
			if err := seed(ctx, d); err != nil {
				return runner.Parts{}, err
			}
			contacts := d.Consumer(contactconsumer.Config, contactconsumer.Handler())
			svc := service.New(d.Pool, d.Clock).WithContactLag(contacts.Pending)
			sched := scheduler.New(d.Pool, d.Clock, tick, d.Log.With("component", "scheduler"))
			return runner.Parts{
				Handler:   transport.Handler(svc, d),
				Consumers: []*consumer.Consumer{contacts},
				Jobs:      []func(context.Context) error{sched.Run},
			}, nil
		},
	}
}

// seed stores the default modules and checklist templates as data, leaving
// rows an admin already edited alone.
func seed(ctx context.Context, d runner.Deps) error {
	for _, m := range course.DefaultModules() {
		if err := store.PutModule(ctx, d.Pool, store.ModuleRow{Code: m.Code, Name: m.Name, Payroll: m.Payroll, LeadDays: m.LeadDays}, true); err != nil {
			return fmt.Errorf("seed modules: %w", err)
		}
	}
	return store.SeedChecklist(ctx, d.Pool)
}
