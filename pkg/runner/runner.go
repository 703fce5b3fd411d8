// Package runner starts services: it connects each to its schema and
// stream, runs its HTTP API, outbox relay, consumers and jobs, serves health
// and metrics, and shuts everything down in order on a signal.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
	_ "time/tzdata" // business rules need Asia/Ho_Chi_Minh on machines without zoneinfo

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/backbone"
	"github.com/rapportcrm/rapport/pkg/clock"
	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/health"
	"github.com/rapportcrm/rapport/pkg/httpapi"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/stream"
	"github.com/rapportcrm/rapport/pkg/telemetry"
)

// ServiceVersionTable records a service's own migrations.
const ServiceVersionTable = "goose_db_version"

// Service is what a service contributes to a process.
type Service struct {
	Name       string // context name: schema, role, stream and /api/<name>/ prefix
	Migrations fs.FS  // the service's SQL migrations (files at the root)
	// Check, if set, reads the service's own variables through getenv and
	// returns what is wrong with them; it runs before anything connects.
	Check func(getenv func(string) string) error
	Build func(ctx context.Context, d Deps) (Parts, error)
}

// Deps are what the runner hands a service.
type Deps struct {
	Pool     *pgxpool.Pool
	JS       jetstream.JetStream
	Clock    clock.Clock
	Location *time.Location
	Log      *slog.Logger
	Tracer   trace.TracerProvider
	Metrics  prometheus.Registerer
	Auth     *auth.Verifier
	Config   Config
}

// ConsumerConfig fills the process-wide consumer settings into cfg.
func (d Deps) ConsumerConfig(cfg consumer.Config) consumer.Config {
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = d.Config.MaxAttempts
	}
	return cfg
}

// Consumer builds a consumer of this service with the process settings.
func (d Deps) Consumer(cfg consumer.Config, h consumer.Handler) *consumer.Consumer {
	return consumer.New(d.Pool, d.JS, h, d.Tracer, d.Log, d.Metrics, d.ConsumerConfig(cfg))
}

// Parts are what a built service runs.
type Parts struct {
	Handler   http.Handler // serves paths under /api/<name>/
	Consumers []*consumer.Consumer
	Jobs      []func(ctx context.Context) error // background loops (schedulers), stopped with the consumers
}

// Infra is what the process connects to, resolved by the caller: the
// service binaries from the environment, `rapport dev` from what it started.
type Infra struct {
	DatabaseURL func(service string) string
	NATS        *nats.Conn
	JS          jetstream.JetStream
	Clock       clock.Clock
	Telemetry   *telemetry.Telemetry
	Listener    net.Listener // optional; else cfg.HTTPAddr
	Ready       func(addr string)
}

type running struct {
	svc   Service
	pool  *pgxpool.Pool
	parts Parts
	relay *outbox.Relay
}

// Run starts services and blocks until ctx ends and shutdown completes.
func Run(ctx context.Context, cfg Config, in Infra, services ...Service) error {
	tel := in.Telemetry
	log := tel.Log
	if in.Clock == nil {
		in.Clock = clock.Real{}
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return fmt.Errorf("time zone %s: %w", cfg.TimeZone, err)
	}
	if problems := serviceProblems(cfg.Env, services); len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	verifier, err := auth.NewVerifier(ctx, auth.Config{Secret: cfg.JWTSecret, JWKSURL: cfg.JWKSURL, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience})
	if err != nil {
		return err
	}

	checks := &health.Checks{}
	checks.Add("nats", func(context.Context) error {
		if s := in.NATS.Status(); s != nats.CONNECTED {
			return fmt.Errorf("nats is %s", s)
		}
		return nil
	})
	mux := http.NewServeMux()
	var started []running
	defer func() {
		for _, r := range started {
			r.pool.Close()
		}
	}()
	for _, svc := range services {
		r, err := start(ctx, cfg, in, svc, Deps{JS: in.JS, Clock: in.Clock, Location: loc, Log: log.With("context", svc.Name),
			Tracer: tel.Tracer, Metrics: prometheus.WrapRegistererWith(prometheus.Labels{"context": svc.Name}, tel.Registry), Auth: verifier, Config: cfg})
		if err != nil {
			return err
		}
		started = append(started, r)
		mux.Handle("/api/"+svc.Name+"/", r.parts.Handler)
		pool, name, migrations := r.pool, svc.Name, svc.Migrations
		checks.Add(name+".postgres", func(ctx context.Context) error { return pool.Ping(ctx) })
		checks.Add(name+".migrations", func(ctx context.Context) error {
			for _, m := range []struct {
				fsys  fs.FS
				table string
			}{{backbone.Migrations(), backbone.VersionTable}, {migrations, ServiceVersionTable}} {
				if m.fsys == nil {
					continue
				}
				if n, err := postgres.Pending(ctx, pool, m.fsys, m.table); err != nil || n > 0 {
					return fmt.Errorf("%s: migrations pending or unreadable: %v", m.table, err)
				}
			}
			return nil
		})
	}
	mux.HandleFunc("GET /healthz", health.Live)
	mux.HandleFunc("GET /readyz", checks.Ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(tel.Registry, promhttp.HandlerOpts{}))

	// Every service's unknown paths and wrong methods, and the process's,
	// answer problem+json like every other error.
	// Access runs inside the server span, to name its trace on the answer
	// and on the access line.
	handler := otelhttp.NewHandler(httpapi.Access(log, httpapi.Instrument(tel.Registry, httpapi.Unrouted(mux))), "http",
		otelhttp.WithTracerProvider(tel.Tracer),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }))
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ln := in.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
		}
	}

	// Background work runs on contexts of its own so that shutdown can stop
	// it in order: consumers and jobs first, then the relays, which flush.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	relayCtx, stopRelays := context.WithCancel(context.WithoutCancel(ctx))
	var work, relays sync.WaitGroup
	for _, r := range started {
		relays.Add(1)
		go func() { defer relays.Done(); _ = r.relay.Run(relayCtx) }()
		for _, c := range r.parts.Consumers {
			work.Add(1)
			go func() {
				defer work.Done()
				if err := c.Run(workCtx); err != nil {
					log.Error("consumer stopped", "consumer", c.Name(), "err", err)
				}
			}()
		}
		for _, job := range r.parts.Jobs {
			work.Add(1)
			go func() {
				defer work.Done()
				if err := job(workCtx); err != nil && !errors.Is(err, context.Canceled) {
					log.Error("job stopped", "err", err)
				}
			}()
		}
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String())
	if in.Ready != nil {
		in.Ready(ln.Addr().String())
	}

	var runErr error
	select {
	case <-ctx.Done():
		drain(log, checks, cfg.DrainDelay, serveErr)
	case runErr = <-serveErr:
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	stopWork()
	work.Wait()
	stopRelays()
	relays.Wait()
	if err := in.NATS.Drain(); err != nil {
		log.Warn("nats drain", "err", err)
	}
	if err := tel.Shutdown(shutdownCtx); err != nil {
		log.Warn("telemetry shutdown", "err", err)
	}
	if errors.Is(runErr, http.ErrServerClosed) {
		runErr = nil
	}
	return runErr
}

func start(ctx context.Context, cfg Config, in Infra, svc Service, d Deps) (running, error) {
	pool, err := postgres.Connect(ctx, in.DatabaseURL(svc.Name), postgres.Options{Schema: svc.Name, TracerProvider: d.Tracer})
	if err != nil {
		return running{}, fmt.Errorf("%s: %w", svc.Name, err)
	}
	fail := func(err error) (running, error) { pool.Close(); return running{}, fmt.Errorf("%s: %w", svc.Name, err) }
	if err := postgres.Migrate(ctx, pool, backbone.Migrations(), backbone.VersionTable); err != nil {
		return fail(err)
	}
	if svc.Migrations != nil {
		if err := postgres.Migrate(ctx, pool, svc.Migrations, ServiceVersionTable); err != nil {
			return fail(err)
		}
	}
	if _, err := stream.Ensure(ctx, in.JS, stream.Config{Context: svc.Name, Replicas: cfg.StreamReplicas}); err != nil {
		return fail(err)
	}
	d.Pool = pool
	parts, err := svc.Build(ctx, d)
	if err != nil {
		return fail(err)
	}
	relay := outbox.NewRelay(pool, in.JS, d.Tracer, d.Log, d.Metrics, outbox.RelayConfig{Service: svc.Name, Retention: cfg.OutboxRetention})
	return running{svc: svc, pool: pool, parts: parts, relay: relay}, nil
}

// drain turns /readyz to 503 at once and keeps serving for delay before the
// listener closes: a Kubernetes pod's endpoints, and the gateway, learn that
// it is terminating a few seconds after it got SIGTERM, and a request they
// route to it meanwhile must be served, not refused.
func drain(log *slog.Logger, checks *health.Checks, delay time.Duration, serveErr <-chan error) {
	checks.Drain()
	if delay <= 0 {
		return
	}
	log.Info("stopping: /readyz answers 503; still serving until the drain delay ends", "drain_delay", delay.String())
	select {
	case <-time.After(delay):
	case err := <-serveErr:
		log.Warn("server stopped while draining", "err", err)
	}
}
