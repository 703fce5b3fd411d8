// Command rapport is the single binary for local use: `rapport dev` runs
// every service in one process, and the other subcommands help operators.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rapport:", err)
		os.Exit(1)
	}
}

const usage = `usage: rapport <command> [flags]

commands:
  dev                         run every service in one process (embedded NATS, local Postgres)
  token --role ROLE           print a development token for ROLE (last line)
  dlq list --service S        list dead-lettered events of a service
  dlq replay --service S ID   apply a dead letter again once its handler is fixed
  outbox republish --service S --from T --to T
                              publish a retained time range again (after a broker lost data)
  catalogue                   print the event catalogue as Markdown
  env                         list the configuration variables and their defaults`

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[0] {
	case "dev":
		return dev(ctx, args[1:], getenv, stdout)
	case "token":
		return token(args[1:], getenv, stdout)
	case "dlq":
		return dlq(ctx, args[1:], getenv, stdout)
	case "outbox":
		return republish(ctx, args[1:], getenv, stdout)
	case "catalogue":
		_, err := io.WriteString(stdout, catalogue().Markdown())
		return err
	case "env":
		return env(stdout)
	case "help", "-h", "--help":
		_, err := fmt.Fprintln(stdout, usage)
		return err
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}
