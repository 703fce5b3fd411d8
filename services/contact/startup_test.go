package contact_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportcrm/rapport/pkg/runner"
	"github.com/rapportcrm/rapport/pkg/testkit"
	"github.com/rapportcrm/rapport/services/contact"
)

// The contact binary started on a fresh database (createdb, no schema yet)
// says what is missing and where to read how to create it.
func TestTheBinaryOnADatabaseWithoutItsSchemaSaysHowToCreateIt(t *testing.T) {
	db := testkit.NewDatabase(t)
	broker := testkit.StartNATS(t)
	env := map[string]string{"DATABASE_URL": db.AdminURL(), "NATS_URL": broker.URL(), "JWT_SECRET": "from-vault", "HTTP_ADDR": "127.0.0.1:0"}
	err := runner.Standalone(t.Context(), func(k string) string { return env[k] }, &testkit.Buffer{}, contact.Service())
	want := "schema contact does not exist in database " + db.Name + ": create it"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%v, want %q", err, want)
	}
}

// The service's own variable is checked with the platform's, before the
// binary connects to anything: one run lists both problems.
func TestTheBinaryReportsItsCustomFieldsFileWithTheRestOfTheConfiguration(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":               "postgres://contact@127.0.0.1:1/contact",
		"NATS_URL":                   "nats://127.0.0.1:1", // nothing listens: a connection would fail instead
		contact.CustomFieldsVariable: filepath.Join(t.TempDir(), "missing.json"),
	}
	err := runner.Standalone(t.Context(), func(k string) string { return env[k] }, &testkit.Buffer{}, contact.Service())
	for _, want := range []string{"JWT_SECRET or JWT_JWKS_URL", contact.CustomFieldsVariable, "missing.json"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v, want %q named", err, want)
		}
	}
}
