package store

import (
	"context"
	"fmt"
)

// Export streams every party a filter selects, in search order, to fn;
// rows are read as they arrive so memory stays flat for any count.
func Export(ctx context.Context, db DB, t Type, f Filter, fn func(doc []byte) error) error {
	where, args := f.where(t)
	rows, err := db.Query(ctx, `SELECT p.doc FROM `+string(t)+` p WHERE `+where+` ORDER BY p.search_name, p.id`, args...)
	if err != nil {
		return fmt.Errorf("export %s: %w", t, err)
	}
	defer rows.Close()
	var doc []byte
	for rows.Next() {
		if err := rows.Scan(&doc); err != nil {
			return fmt.Errorf("export %s: %w", t, err)
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export %s: %w", t, err)
	}
	return nil
}
