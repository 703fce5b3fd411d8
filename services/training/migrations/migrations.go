// Package migrations holds the training schema as goose SQL files.
package migrations

import "embed"

// FS holds the SQL files at its root, as the runner expects.
//
//go:embed *.sql
var FS embed.FS
