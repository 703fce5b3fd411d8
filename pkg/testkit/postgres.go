// Package testkit starts the real infrastructure tests run against: one
// PostgreSQL cluster per test binary with a fresh database per test, and an
// embedded JetStream server per test. No test needs a pre-started service.
//
// A package that uses Postgres declares
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
package testkit

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rapportcrm/rapport/pkg/backbone"
	"github.com/rapportcrm/rapport/pkg/pgcluster"
	"github.com/rapportcrm/rapport/pkg/postgres"
)

// RolePassword is the password of every service role in test clusters.
const RolePassword = "rapport-test"

var (
	clusterOnce sync.Once
	cluster     *pgcluster.Cluster
	clusterErr  error
	clusterDir  string
	dbCounter   atomic.Int64
	provisionMu sync.Mutex // roles are cluster-wide; provision one at a time
)

// Main runs the package's tests and stops the cluster afterwards.
func Main(m *testing.M) {
	code := m.Run()
	if cluster != nil {
		cluster.Stop()
		os.RemoveAll(clusterDir)
	}
	os.Exit(code)
}

func startCluster() (*pgcluster.Cluster, error) {
	clusterOnce.Do(func() {
		clusterDir, clusterErr = os.MkdirTemp("", "rapport-pg-")
		if clusterErr != nil {
			return
		}
		cluster, clusterErr = pgcluster.Start(context.Background(), clusterDir, pgcluster.Options{})
	})
	return cluster, clusterErr
}

// Database is a fresh database of the test's own.
type Database struct {
	Name    string
	cluster *pgcluster.Cluster
}

// NewDatabase creates an empty database for t and drops it when t ends.
func NewDatabase(t testing.TB) *Database {
	t.Helper()
	c, err := startCluster()
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbCounter.Add(1))
	admin := adminConn(t, c, "postgres")
	defer admin.Close(context.Background())
	if _, err := admin.Exec(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), c.URL("postgres"))
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return &Database{Name: name, cluster: c}
}

// AdminURL is the superuser URL of the database.
func (d *Database) AdminURL() string { return d.cluster.URL(d.Name) }

// RoleURL is the URL for a service role of the database.
func (d *Database) RoleURL(role string) string {
	return d.cluster.RoleURL(d.Name, role, RolePassword)
}

// Provision creates the role and schema of service in the database.
func (d *Database) Provision(t testing.TB, service string) {
	t.Helper()
	provisionMu.Lock()
	defer provisionMu.Unlock()
	admin := adminConn(t, d.cluster, d.Name)
	defer admin.Close(context.Background())
	if err := postgres.Provision(context.Background(), admin, service, RolePassword); err != nil {
		t.Fatalf("provision %s: %v", service, err)
	}
}

// Service provisions service, connects as its role to its schema, and applies
// the backbone migrations followed by the service's own (nil for none).
func (d *Database) Service(t testing.TB, service string, migrations fs.FS) *pgxpool.Pool {
	t.Helper()
	d.Provision(t, service)
	pool, err := postgres.Connect(context.Background(), d.RoleURL(service), postgres.Options{Schema: service, MaxConns: 20})
	if err != nil {
		t.Fatalf("connect as %s: %v", service, err)
	}
	t.Cleanup(pool.Close)
	if err := postgres.Migrate(context.Background(), pool, backbone.Migrations(), backbone.VersionTable); err != nil {
		t.Fatal(err)
	}
	if migrations != nil {
		if err := postgres.Migrate(context.Background(), pool, migrations, "goose_db_version"); err != nil {
			t.Fatal(err)
		}
	}
	return pool
}

// Pool connects to the database as the superuser (for scratch tables in benchmarks).
func (d *Database) Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), d.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func adminConn(t testing.TB, c *pgcluster.Cluster, db string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.URL(db))
	if err != nil {
		t.Fatalf("connect as superuser: %v", err)
	}
	return conn
}

// Count runs a counting query and returns its result, failing t on error.
func Count(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", strings.TrimSpace(sql), err)
	}
	return n
}
