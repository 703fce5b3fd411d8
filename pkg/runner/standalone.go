package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/broker"
	"github.com/rapportcrm/rapport/pkg/telemetry"
)

// Main is the whole main function of a service binary:
//
//	func main() { runner.Main(contact.Service()) }
func Main(svc Service) {
	if err := Standalone(context.Background(), os.Getenv, os.Stdout, svc); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Standalone runs one service from its environment until SIGINT or SIGTERM:
// DATABASE_URL is the service role's URL and NATS_URL the broker's. The
// whole configuration is checked before anything connects, and one error
// lists every problem, so that an operator fixes them in one round.
func Standalone(ctx context.Context, getenv func(string) string, stdout io.Writer, svc Service) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := Load(getenv)
	var problems []string
	if ce := (*ConfigError)(nil); errors.As(err, &ce) {
		problems = ce.Problems
	} else if err != nil {
		return err
	}
	problems = append(problems, connectionProblems(cfg)...)
	problems = append(problems, serviceProblems(getenv, []Service{svc})...)
	if len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	tel, err := telemetry.Setup(ctx, telemetry.Options{Service: svc.Name, OTLPEndpoint: cfg.OTLPEndpoint, LogLevel: cfg.LogLevel, LogOutput: stdout})
	if err != nil {
		return err
	}
	nc, js, err := broker.Connect(cfg.NATSURL, "rapport-"+svc.Name)
	if err != nil {
		return err
	}
	defer nc.Close()
	return Run(ctx, cfg, Infra{
		DatabaseURL: func(string) string { return cfg.DatabaseURL },
		NATS:        nc, JS: js, Telemetry: tel,
	}, svc)
}

// connectionProblems checks the URLs a service binary connects to: both are
// required (only `rapport dev` starts its own Postgres and NATS) and must
// parse, so that a typo is not reported after the other one's timeout.
func connectionProblems(cfg Config) []string {
	var problems []string
	alone := " is required for a service binary (`rapport dev` runs everything in one process)"
	if cfg.DatabaseURL == "" {
		problems = append(problems, "DATABASE_URL:"+alone)
	} else if _, err := pgxpool.ParseConfig(cfg.DatabaseURL); err != nil {
		// pgx masks the password in its message.
		problems = append(problems, "DATABASE_URL: "+err.Error())
	}
	if cfg.NATSURL == "" {
		problems = append(problems, "NATS_URL:"+alone)
	}
	// NATS_URL is a comma-separated list of servers; nats.go reads one
	// without a scheme as nats://.
	for s := range strings.SplitSeq(cfg.NATSURL, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "://") {
			s = "nats://" + s
		}
		if u, err := url.Parse(s); err != nil || u.Host == "" {
			// Not quoted: it may hold a password.
			problems = append(problems, "NATS_URL: holds a server that is not a URL such as nats://nats:4222")
			break
		}
	}
	return problems
}

// serviceProblems runs each service's own Check.
func serviceProblems(getenv func(string) string, services []Service) []string {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var problems []string
	for _, s := range services {
		if s.Check == nil {
			continue
		}
		if err := s.Check(getenv); err != nil {
			problems = append(problems, err.Error())
		}
	}
	return problems
}
