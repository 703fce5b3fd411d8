package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/consumer"
	"github.com/rapportcrm/rapport/pkg/outbox"
	"github.com/rapportcrm/rapport/pkg/postgres"
)

// connect opens the service's schema: DATABASE_URL when set, else the local
// cluster of `rapport dev`.
func connect(ctx context.Context, getenv func(string) string, service string) (*pgxpool.Pool, error) {
	if service == "" {
		return nil, errors.New("--service is required")
	}
	dsn := getenv("DATABASE_URL")
	if dsn == "" {
		dsn = fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/postgres?sslmode=disable", service, devRolePassword, devPGPort(getenv))
	}
	return postgres.Connect(ctx, dsn, postgres.Options{Schema: service, MaxConns: 2})
}

func dlq(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("dlq: list or replay?")
	}
	fs := flag.NewFlagSet("dlq "+args[0], flag.ContinueOnError)
	service := fs.String("service", "", "service whose dead letters to read")
	name := fs.String("consumer", "", "only this consumer")
	limit := fs.Int("limit", 50, "how many, newest first")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	pool, err := connect(ctx, getenv, *service)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch args[0] {
	case "list":
		letters, err := consumer.ListDeadLetters(ctx, pool, *name, *limit)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(letters)
	case "replay":
		if fs.NArg() != 1 {
			return errors.New("dlq replay: give the dead letter's id")
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("dlq replay: %q is not an id", fs.Arg(0))
		}
		if err := consumer.RequestReplay(ctx, pool, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "replay of dead letter %d requested; the running consumer applies it within seconds\n", id)
		return nil
	default:
		return fmt.Errorf("dlq: unknown subcommand %q", args[0])
	}
}

func republish(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "republish" {
		return errors.New("outbox: only `outbox republish` exists")
	}
	fs := flag.NewFlagSet("outbox republish", flag.ContinueOnError)
	service := fs.String("service", "", "service whose outbox to re-publish")
	from := fs.String("from", "", "start of the range, RFC 3339 (inclusive)")
	to := fs.String("to", "", "end of the range, RFC 3339 (exclusive)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	start, err1 := time.Parse(time.RFC3339, *from)
	end, err2 := time.Parse(time.RFC3339, *to)
	if err1 != nil || err2 != nil || !start.Before(end) {
		return errors.New("outbox republish: --from and --to must be RFC 3339 times with --from before --to")
	}
	pool, err := connect(ctx, getenv, *service)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := outbox.Republish(ctx, pool, start, end)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d events queued for re-publication; consumers ignore the ones they already applied\n", n)
	return nil
}
