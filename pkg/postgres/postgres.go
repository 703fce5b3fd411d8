// Package postgres connects a service to its own schema, as its own role,
// with tracing, and applies its embedded migrations under an advisory lock.
package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"regexp"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"go.opentelemetry.io/otel/trace"
)

var identifier = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// Options tune a pool; the zero value is usable.
type Options struct {
	Schema         string               // search_path of every connection
	MaxConns       int32                // 0 keeps pgx's default
	TracerProvider trace.TracerProvider // nil uses the global provider
}

// Connect opens a pool whose connections use opts.Schema and trace every query
// (without its parameters, which may hold personal data).
func Connect(ctx context.Context, url string, opts Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if opts.Schema != "" {
		if !identifier.MatchString(opts.Schema) {
			return nil, fmt.Errorf("schema %q is not a plain identifier", opts.Schema)
		}
		cfg.ConnConfig.RuntimeParams["search_path"] = opts.Schema
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	var topts []otelpgx.Option
	if opts.TracerProvider != nil {
		topts = append(topts, otelpgx.WithTracerProvider(opts.TracerProvider))
	}
	cfg.ConnConfig.Tracer = otelpgx.NewTracer(topts...)
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		encodeUUIDsDirectly(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	if opts.Schema != "" {
		if err := checkSchema(ctx, pool, opts.Schema); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return pool, nil
}

// checkSchema says what is wrong when the pool's role cannot work in schema.
// Postgres skips a search_path entry that does not exist or that the role
// may not use, so without this check the first query reads a NULL
// current_schema() and fails with a scan error that names neither.
func checkSchema(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	var database, role string
	var exists, usable bool
	err := pool.QueryRow(ctx, `SELECT current_database(), current_user, n.oid IS NOT NULL,
       COALESCE(has_schema_privilege(n.oid, 'USAGE'), false)
  FROM (SELECT 1) one LEFT JOIN pg_namespace n ON n.nspname = $1`, schema).Scan(&database, &role, &exists, &usable)
	switch {
	case err != nil:
		return fmt.Errorf("look up schema %s: %w", schema, err)
	case !exists:
		return fmt.Errorf("schema %s does not exist in database %s: create it, owned by role %s "+
			"(see deploy/postgres-init.sql or docs/operations.md)", schema, database, schema)
	case !usable:
		return fmt.Errorf("role %s may not use schema %s in database %s: connect as the schema's own role, "+
			"or grant it USAGE and CREATE (see deploy/postgres-init.sql or docs/operations.md)", role, schema, database)
	}
	return nil
}

// Migrate applies the SQL migrations in fsys (files at its root) and records
// them in table, inside the pool's schema. An advisory lock derived from
// schema and table lets several replicas start at once: one migrates, the
// others wait and then find nothing to do.
func Migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, table string) error {
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("read current schema: %w", err)
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s.%s", schema, table)
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64() >> 1)))
	if err != nil {
		return fmt.Errorf("migration locker: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithTableName(table), goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", table, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s.%s: %w", schema, table, err)
	}
	return nil
}

// Pending reports how many migrations in fsys are not yet applied; /readyz uses it.
func Pending(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, table string) (int, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithTableName(table), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return 0, fmt.Errorf("migrations for %s: %w", table, err)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return 0, fmt.Errorf("check %s: %w", table, err)
	}
	if pending {
		return 1, nil
	}
	return 0, nil
}

// Provision creates (or updates) the login role and schema of one service,
// using an administrative connection. The role owns its schema and has no
// rights anywhere else: PUBLIC loses CREATE on the database's public schema,
// and other services' schemas grant it nothing.
func Provision(ctx context.Context, admin *pgx.Conn, service, password string) error {
	if !identifier.MatchString(service) {
		return fmt.Errorf("service name %q is not a plain identifier", service)
	}
	role := pgx.Identifier{service}.Sanitize()
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", service).Scan(&exists); err != nil {
		return fmt.Errorf("look up role %s: %w", service, err)
	}
	verb := "CREATE"
	if exists {
		verb = "ALTER"
	}
	// Passwords cannot be bound as parameters in DDL; quote them as literals.
	pw, err := quoteLiteral(ctx, admin, password)
	if err != nil {
		return err
	}
	stmts := []string{
		fmt.Sprintf("%s ROLE %s LOGIN PASSWORD %s NOSUPERUSER NOCREATEDB NOCREATEROLE", verb, role, pw),
		fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS %s AUTHORIZATION %s", role, role),
		fmt.Sprintf("REVOKE ALL ON SCHEMA %s FROM PUBLIC", role),
		"REVOKE CREATE ON SCHEMA public FROM PUBLIC",
		fmt.Sprintf("ALTER ROLE %s SET search_path = %s", role, role),
	}
	for _, s := range stmts {
		if _, err := admin.Exec(ctx, s); err != nil {
			return fmt.Errorf("provision %s: %w", service, err)
		}
	}
	return nil
}

func quoteLiteral(ctx context.Context, conn *pgx.Conn, s string) (string, error) {
	var q string
	if err := conn.QueryRow(ctx, "SELECT quote_literal($1::text)", s).Scan(&q); err != nil {
		return "", fmt.Errorf("quote password: %w", err)
	}
	return q, nil
}
