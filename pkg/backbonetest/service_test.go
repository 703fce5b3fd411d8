package backbonetest

import (
	"context"
	"net/http"
	"time"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"
	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/problem"
	"github.com/rapportcrm/rapport/pkg/runner"
)

// recordEntry is the ledger API's one command.
type recordEntry struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

func (r recordEntry) validate() error {
	var fields []problem.FieldError
	if r.Account == "" {
		fields = append(fields, problem.FieldError{Field: "account", Message: "is required"})
	}
	if r.Amount <= 0 {
		fields = append(fields, problem.FieldError{Field: "amount", Message: "must be positive"})
	}
	if len(fields) > 0 {
		return problem.Invalid("the entry is not valid", fields...)
	}
	return nil
}

// ledgerService is the test-only service of this package, built the way
// product services are: go-kit endpoint, strict decoding, outbox in the
// request's transaction, an idempotent consumer for the effect.
func ledgerService() runner.Service {
	return runner.Service{
		Name:       "ledger",
		Migrations: migrations,
		Build: func(ctx context.Context, d runner.Deps) (runner.Parts, error) {
			var ep endpoint.Endpoint = func(ctx context.Context, req any) (any, error) {
				in := req.(recordEntry)
				if err := in.validate(); err != nil {
					return nil, err
				}
				err := pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
					if _, err := tx.Exec(ctx, "INSERT INTO entry (account, amount) VALUES ($1, $2)", in.Account, in.Amount); err != nil {
						return err
					}
					e, err := catalogue.Event(in.Account, d.Clock.Now(), EntryRecorded(in))
					if err != nil {
						return err
					}
					return outbox.Append(ctx, tx, &e)
				})
				if err != nil {
					return nil, err
				}
				return httpapi.Created{Body: in}, nil
			}
			roles := []auth.Role{auth.Sales, auth.Lead}
			ep = auth.Require(roles...)(ep)
			ep = httpapi.Trace(d.Tracer.Tracer("ledger"), "ledger.record_entry")(ep)
			mux := http.NewServeMux()
			mux.Handle("POST /api/ledger/v1/entries", kithttp.NewServer(ep,
				httpapi.Guard(roles, func(_ context.Context, r *http.Request) (any, error) {
					var in recordEntry
					return in, problem.DecodeJSON(nil, r, &in, 4096)
				}),
				httpapi.EncodeJSON, httpapi.ServerOptions(d.Auth, d.Log, nil)...))
			effects := d.Consumer(consumer.Config{Name: "ledger-effects", Stream: "LEDGER", AckWait: 3 * time.Second}, effect("http"))
			return runner.Parts{Handler: mux, Consumers: []*consumer.Consumer{effects}}, nil
		},
	}
}
