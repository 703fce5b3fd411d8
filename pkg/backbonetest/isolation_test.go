package backbonetest

import (
	"context"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/testkit"
)

// TestAServiceRoleCannotReadAnotherServicesSchema provisions two services in
// one database: each can use its own schema and nothing of the other's.
func TestAServiceRoleCannotReadAnotherServicesSchema(t *testing.T) {
	db := testkit.NewDatabase(t)
	ledger := db.Service(t, "ledger", migrations)
	other := db.Service(t, "audit", nil)
	ctx := context.Background()
	if _, err := other.Exec(ctx, "CREATE TABLE note (body text)"); err != nil {
		t.Fatalf("a service cannot create tables in its own schema: %v", err)
	}
	for _, q := range []string{"SELECT count(*) FROM audit.note", "SELECT count(*) FROM audit.outbox"} {
		_, err := ledger.Exec(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("%s as ledger: %v, want permission denied", q, err)
		}
	}
	if _, err := ledger.Exec(ctx, "CREATE TABLE public.sneaky (x int)"); err == nil {
		t.Fatal("a service role can create tables in the public schema")
	}
}
