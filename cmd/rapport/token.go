package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/rapportcrm/rapport/pkg/auth"
	"github.com/rapportcrm/rapport/pkg/runner"
)

func token(args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := runner.Load(runner.DevelopmentEnv(getenv))
	if err != nil {
		return err
	}
	if !cfg.DevelopmentKey() {
		return errors.New("refusing to sign: the platform is configured with a production key (JWT_SECRET or JWT_JWKS_URL); get tokens from your identity provider")
	}
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	role := fs.String("role", "", "role of the token: sales, lead, trainer, manager, director or admin")
	subject := fs.String("subject", "", "user id (default dev-<role>)")
	ttl := fs.Duration("ttl", 12*time.Hour, "lifetime")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r := auth.Role(*role)
	if !r.Valid() {
		return fmt.Errorf("--role must be one of %v", auth.Roles())
	}
	if *subject == "" {
		*subject = "dev-" + *role
	}
	tok, err := auth.Issue(cfg.JWTSecret, *subject, []auth.Role{r}, *ttl, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "development token for %s (role %s), valid %s:\n%s\n", *subject, r, *ttl, tok)
	return nil
}

func env(stdout io.Writer) error {
	for _, v := range runner.Variables {
		fmt.Fprintf(stdout, "%-28s %-40s %s\n", v.Name, v.Default, v.Meaning)
	}
	return nil
}
