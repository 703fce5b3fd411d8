// Package migrations holds the contact schema, applied by the runner at start-up.
package migrations

import "embed"

// FS holds the goose SQL files.
//
//go:embed *.sql
var FS embed.FS
