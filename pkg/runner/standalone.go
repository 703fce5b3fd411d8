package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

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
// DATABASE_URL is the service role's URL and NATS_URL the broker's.
func Standalone(ctx context.Context, getenv func(string) string, stdout io.Writer, svc Service) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := Load(getenv)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" || cfg.NATSURL == "" {
		return errors.New("a service binary needs DATABASE_URL and NATS_URL (use `rapport dev` for everything in one process)")
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
