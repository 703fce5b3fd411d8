// Package contact wires the contact service: the source of truth for
// customer organisations and people, their history, owners and timeline.
package contact

import (
	"context"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/runner"
	contactconsumer "github.com/rapportcrm/rapport/services/contact/consumer"
	"github.com/rapportcrm/rapport/services/contact/migrations"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
	transport "github.com/rapportcrm/rapport/services/contact/transport/http"
)

// Schema is the custom fields each organisation kind may carry.
var Schema = party.CustomFieldSchema{
	party.KindSchool: {{Name: "student_count", Type: party.FieldNumber}},
	party.KindUnit:   {{Name: "budget_chapter", Type: party.FieldString}},
}

// Service is the contact service for the runner.
func Service() runner.Service {
	return runner.Service{
		Name:       "contact",
		Migrations: migrations.FS,
		Build: func(ctx context.Context, d runner.Deps) (runner.Parts, error) {
			svc := service.New(d.Pool, d.Clock, d.Location, d.Log, Schema)
			timeline := d.Consumer(consumer.Config{Name: "contact-timeline", Stream: contactconsumer.TimelineStream,
				Subjects: contactconsumer.TimelineSubjects}, contactconsumer.Timeline)
			training := d.Consumer(consumer.Config{Name: "contact-training-timeline", Stream: contactconsumer.TrainingStream,
				Subjects: contactconsumer.TrainingTimelineSubjects}, contactconsumer.TrainingTimeline)
			return runner.Parts{
				Handler:   transport.Handler(svc, d.Auth, d.Log, d.Tracer),
				Consumers: []*consumer.Consumer{timeline, training},
				Jobs:      []func(context.Context) error{svc.RunImports},
			}, nil
		},
	}
}
