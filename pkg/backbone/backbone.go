// Package backbone holds the tables that the outbox relay and the consumer
// kit keep in every service's own schema. The runner applies them before the
// service's migrations, recorded in their own goose table.
package backbone

import (
	"embed"
	"io/fs"
)

//go:embed migrations/*.sql
var files embed.FS

// VersionTable is the goose table that records the backbone migrations.
const VersionTable = "backbone_version"

// Migrations returns the backbone's SQL migrations.
func Migrations() fs.FS {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
