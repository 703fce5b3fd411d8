// Package contact wires the contact service: the source of truth for
// customer organisations and people, their history, owners and timeline.
package contact

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/runner"
	contactconsumer "github.com/rapportcrm/rapport/services/contact/consumer"
	"github.com/rapportcrm/rapport/services/contact/migrations"
	"github.com/rapportcrm/rapport/services/contact/party"
	"github.com/rapportcrm/rapport/services/contact/service"
	transport "github.com/rapportcrm/rapport/services/contact/transport/http"
)

// Schema is the custom fields each organisation kind may carry on a new
// database when CONTACT_CUSTOM_FIELDS_FILE names no schema of the
// deployment's own.
var Schema = party.CustomFieldSchema{
	party.KindSchool: {{Name: "student_count", Type: party.FieldNumber, Integer: true, Min: new(float64)}},
	party.KindUnit:   {{Name: "budget_chapter", Type: party.FieldString}},
}

// CustomFieldsVariable names the JSON file of a deployment's custom field
// schema (see party.ParseCustomFieldSchema). It seeds a new database; from
// then on an admin changes the fields through the API
// (PUT /field-definitions), and the stored ones are used.
const CustomFieldsVariable = "CONTACT_CUSTOM_FIELDS_FILE"

// schemaFrom reads the schema named by the environment and returns it with
// the file's path, or returns Schema and no path.
func schemaFrom(getenv func(string) string) (party.CustomFieldSchema, string, error) {
	path := ""
	if getenv != nil {
		path = strings.TrimSpace(getenv(CustomFieldsVariable))
	}
	if path == "" {
		return Schema, "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, fmt.Errorf("%s: %w", CustomFieldsVariable, err)
	}
	s, err := party.ParseCustomFieldSchema(data)
	if err != nil {
		return nil, path, fmt.Errorf("%s %s: %w", CustomFieldsVariable, path, err)
	}
	return s, path, nil
}

// Service is the contact service for the runner.
func Service() runner.Service {
	return runner.Service{
		Name:       "contact",
		Migrations: migrations.FS,
		// A broken custom fields file is reported with the rest of the
		// configuration, before the service connects to anything.
		Check: func(getenv func(string) string) error {
			_, _, err := schemaFrom(getenv)
			return err
		},
		Build: func(ctx context.Context, d runner.Deps) (runner.Parts, error) {
			schema, file, err := schemaFrom(d.Config.Env)
			if err != nil {
				return runner.Parts{}, err
			}
			svc := service.New(d.Pool, d.Clock, d.Location, d.Log)
			fields, err := svc.SeedFieldDefinitions(ctx, schema)
			if err != nil {
				return runner.Parts{}, err
			}
			if file != "" && !fields.Schema.Equal(schema) {
				d.Log.Warn("custom fields: the stored definitions are used; "+CustomFieldsVariable+" only seeds a new database",
					"version", fields.Version, "file", file)
			}
			svc.RegisterMetrics(d.Metrics)
			timeline := d.Consumer(consumer.Config{Name: "contact-timeline", Stream: contactconsumer.TimelineStream,
				Subjects: contactconsumer.TimelineSubjects}, contactconsumer.Timeline)
			training := d.Consumer(consumer.Config{Name: "contact-training-timeline", Stream: contactconsumer.TrainingStream,
				Subjects: contactconsumer.TrainingTimelineSubjects, GapWait: contactconsumer.TrainingGapWait}, contactconsumer.TrainingTimeline)
			return runner.Parts{
				Handler:   transport.Handler(svc, d.Auth, d.Log, d.Tracer),
				Consumers: []*consumer.Consumer{timeline, training},
				Jobs:      []func(context.Context) error{svc.RunImports, svc.SettleFollowUps},
			}, nil
		},
	}
}
