package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/rapportcrm/rapport/pkg/broker"
	"github.com/rapportcrm/rapport/pkg/pgcluster"
	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/telemetry"
)

// devRolePassword is the password of the service roles `rapport dev` creates.
const devRolePassword = "rapport-dev"

// defaultDevPGPort is where the local cluster listens, so that the operator
// subcommands find it while `rapport dev` runs.
const defaultDevPGPort = 54329

func dev(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	// A developer's machine: tokens are verified with the published
	// development key unless JWT_SECRET or JWT_JWKS_URL says otherwise.
	cfg, err := runner.Load(runner.DevelopmentEnv(getenv))
	if err != nil {
		return err
	}
	// One process on a developer's machine, behind no load balancer: stop
	// at once unless told otherwise.
	if strings.TrimSpace(getenv("SHUTDOWN_DRAIN_DELAY")) == "" {
		cfg.DrainDelay = 0
	}
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	addr := fs.String("addr", cfg.HTTPAddr, "HTTP listen address")
	data := fs.String("data", ".rapport", "directory for the local Postgres cluster and the JetStream store")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.HTTPAddr = *addr
	if err := os.MkdirAll(*data, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", *data, err)
	}
	tel, err := telemetry.Setup(ctx, telemetry.Options{Service: "rapport-dev", OTLPEndpoint: cfg.OTLPEndpoint, LogLevel: cfg.LogLevel, LogOutput: stdout})
	if err != nil {
		return err
	}

	adminURL := cfg.DatabaseURL
	if adminURL == "" {
		dir, err := filepath.Abs(filepath.Join(*data, "postgres"))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "starting PostgreSQL in %s (first start initialises it)\n", dir)
		cluster, err := pgcluster.Start(ctx, dir, pgcluster.Options{Port: devPGPort(getenv), Durable: true})
		if err != nil {
			return err
		}
		defer cluster.Stop()
		adminURL = cluster.URL("postgres")
	}
	svcs := services()
	if err := provision(ctx, adminURL, svcs); err != nil {
		return err
	}

	natsURL := cfg.NATSURL
	if natsURL == "" {
		srv, err := broker.Embedded{StoreDir: filepath.Join(*data, "jetstream"), SyncAlways: true}.Start(ctx)
		if err != nil {
			return err
		}
		defer func() {
			// Shutdown only begins it; the store is still being flushed.
			srv.Shutdown()
			srv.WaitForShutdown()
		}()
		natsURL = srv.ClientURL()
	}
	nc, js, err := broker.Connect(natsURL, "rapport-dev")
	if err != nil {
		return err
	}
	defer nc.Close()

	names := make([]string, len(svcs))
	for i, s := range svcs {
		names[i] = s.Name
	}
	return runner.Run(ctx, cfg, runner.Infra{
		DatabaseURL: func(service string) string { return roleURL(adminURL, service) },
		NATS:        nc, JS: js, Telemetry: tel,
		Ready: func(addr string) {
			host := addr
			if strings.HasPrefix(host, "[::]") || strings.HasPrefix(host, "0.0.0.0") || strings.HasPrefix(host, ":") {
				host = "127.0.0.1" + host[strings.LastIndex(host, ":"):]
			}
			fmt.Fprintf(stdout, "\nRapport is running at http://%s\n", host)
			fmt.Fprintf(stdout, "  services: %s (each under /api/<service>/), health: /healthz /readyz, metrics: /metrics\n", strings.Join(names, ", "))
			fmt.Fprintf(stdout, "  get a token:  go run ./cmd/rapport token --role lead   (roles: sales lead trainer manager director admin)\n")
			fmt.Fprintf(stdout, "  then:         curl -H \"Authorization: Bearer $TOKEN\" http://%s/api/contact/v1/people\n", host)
		},
	}, svcs...)
}

func devPGPort(getenv func(string) string) int {
	if p, err := strconv.Atoi(getenv("RAPPORT_PG_PORT")); err == nil && p > 0 {
		return p
	}
	return defaultDevPGPort
}

// provision creates each service's role and schema with the admin URL.
func provision(ctx context.Context, adminURL string, svcs []runner.Service) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Close(ctx)
	for _, s := range svcs {
		if err := postgres.Provision(ctx, conn, s.Name, devRolePassword); err != nil {
			return err
		}
	}
	return nil
}

// roleURL is adminURL with the service's role as its user.
func roleURL(adminURL, service string) string {
	u, err := url.Parse(adminURL)
	if err != nil {
		return adminURL
	}
	u.User = url.UserPassword(service, devRolePassword)
	return u.String()
}
