package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/postgres"
	"github.com/rapportcrm/rapport/pkg/testkit"
)

// A fresh database (createdb) has no schema for the service: the error says
// so and how to fix it, instead of a scan error about NULL.
func TestConnectingWhereTheSchemaDoesNotExistSaysSo(t *testing.T) {
	db := testkit.NewDatabase(t)
	_, err := postgres.Connect(context.Background(), db.AdminURL(), postgres.Options{Schema: "contact"})
	want := "schema contact does not exist in database " + db.Name + ": create it"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "deploy/postgres-init.sql") {
		t.Fatalf("%v, want %q", err, want)
	}
}

// A schema made by another role, and not granted, is skipped by Postgres as
// if it did not exist: the error names the role and the grant.
func TestConnectingAsARoleThatMayNotUseTheSchemaSaysSo(t *testing.T) {
	ctx := context.Background()
	db := testkit.NewDatabase(t)
	db.Provision(t, "ledger")
	admin := db.Pool(t)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA guarded"); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Connect(ctx, db.RoleURL("ledger"), postgres.Options{Schema: "guarded"})
	want := "role ledger may not use schema guarded in database " + db.Name
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%v, want %q", err, want)
	}
	pool, err := postgres.Connect(ctx, db.RoleURL("ledger"), postgres.Options{Schema: "ledger"})
	if err != nil {
		t.Fatalf("its own schema: %v", err)
	}
	pool.Close()
}
