package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// UntouchedImports returns, locked FOR UPDATE, the parties of t that the
// import created and nobody has touched since, which undoing it may delete:
// never edited, merged into or given another owner, no interaction logged,
// nothing another service reported about them, nothing merged into them,
// and no party other than these linking to them (a supervising unit, a
// workplace, a relative): deleting one would change a party the import did
// not create. An edit, a merge or a new owner leaves a history or owner
// audit entry, which an import writes none of but the owner's. The entries
// of links another import's class list added, which its undo took back,
// are no work: both imports can then be undone whole, in either order.
// Nor are a bulk change's entries (bulk_id): a tag or a stage given to
// thousands at once is no work with any of them, as last_touched_by holds;
// nor a hand-over's (handover_id), which moves a leaver's whole portfolio
// at once, and would otherwise pin every import of theirs for good.
// KeptReasons says why each party left was kept.
func UntouchedImports(ctx context.Context, tx pgx.Tx, t Type, importID string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT p.id::text FROM `+string(t)+` p WHERE p.import_id = $1
 AND NOT EXISTS (SELECT 1 FROM history h WHERE h.party_id = p.id AND h.bulk_id IS NULL AND h.handover_id IS NULL AND NOT EXISTS (SELECT 1 FROM import_parent_link l
  WHERE l.import_id = h.import_id AND l.person_id = h.party_id AND l.unlinked_at IS NOT NULL))
 AND NOT EXISTS (SELECT 1 FROM owner_audit o WHERE o.party_id = p.id AND o.reason IS DISTINCT FROM 'imported' AND o.handover_id IS NULL)
 AND NOT EXISTS (SELECT 1 FROM interaction i WHERE i.party_id = p.id)
 AND NOT EXISTS (SELECT 1 FROM timeline_entry e WHERE e.party_id = p.id)
 AND NOT EXISTS (SELECT 1 FROM party_alias a WHERE a.survivor_id = p.id)
ORDER BY p.id FOR UPDATE OF p`, importID)
	if err != nil {
		return nil, fmt.Errorf("parties of import %s: %w", importID, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("parties of import %s: %w", importID, err)
	}
	// A party kept is one more party outside the set, whose links keep
	// their targets in turn: repeat until no party outside links in.
	for len(ids) > 0 {
		rows, err := tx.Query(ctx, `
SELECT o.supervising_unit_id::text FROM organization o WHERE o.supervising_unit_id = ANY($1::uuid[]) AND NOT o.id = ANY($1::uuid[])
UNION
SELECT l.id FROM person p, jsonb_array_elements_text(jsonb_path_query_array(p.doc, '$.relationships[*].party_id')) AS l(id)
WHERE jsonb_path_query_array(p.doc, '$.relationships[*].party_id') ?| $1::text[] AND NOT p.id = ANY($1::uuid[]) AND l.id = ANY($1::text[])`, ids)
		if err != nil {
			return nil, fmt.Errorf("links to the parties of import %s: %w", importID, err)
		}
		linked, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("links to the parties of import %s: %w", importID, err)
		}
		if len(linked) == 0 {
			break
		}
		keep := make(map[string]bool, len(linked))
		for _, id := range linked {
			keep[id] = true
		}
		ids = slices.DeleteFunc(ids, func(id string) bool { return keep[id] })
	}
	return ids, nil
}

// DeleteImported deletes parties of t with their keys, and records in
// their history who deleted them.
func DeleteImported(ctx context.Context, tx pgx.Tx, t Type, ids []string, actor string, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM `+string(t)+` WHERE id = ANY($1::uuid[])`, ids); err != nil {
		return fmt.Errorf("delete %d %s: %w", len(ids), t, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM party_key WHERE party_id = ANY($1::uuid[])`, ids); err != nil {
		return fmt.Errorf("delete the keys of %d %s: %w", len(ids), t, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO history (party_type, party_id, actor, at, field, old_value, new_value)
SELECT $1, id, $3, $4, 'deleted', 'false', 'true' FROM unnest($2::uuid[]) AS id`, string(t), ids, actor, now)
	if err != nil {
		return fmt.Errorf("history of %d deleted %s: %w", len(ids), t, err)
	}
	return nil
}

// BulkChanged counts the parties ids that a bulk change changed.
func BulkChanged(ctx context.Context, tx pgx.Tx, ids []string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(DISTINCT party_id) FROM history WHERE party_id = ANY($1::uuid[]) AND bulk_id IS NOT NULL`, ids).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("bulk changes of %d parties: %w", len(ids), err)
	}
	return n, nil
}

// Undone records that actor's undo of the import deleted n of its parties,
// and returns how many of them are left and the first limit of their ids.
func Undone(ctx context.Context, tx pgx.Tx, t Type, importID string, n int, actor string, now time.Time, limit int) (left int, ids []string, err error) {
	if _, err := tx.Exec(ctx, `UPDATE import_job SET undone = undone + $2, undone_at = $3, undone_by = $4 WHERE id = $1`, importID, n, now, actor); err != nil {
		return 0, nil, fmt.Errorf("import %s: record the undo: %w", importID, err)
	}
	return ImportLeft(ctx, tx, t, importID, limit)
}

// ImportLeft returns how many of the parties of t the import created are
// still stored, and the first limit of their ids, by name.
func ImportLeft(ctx context.Context, db DB, t Type, importID string, limit int) (left int, ids []string, err error) {
	if err := db.QueryRow(ctx, `SELECT count(*) FROM `+string(t)+` WHERE import_id = $1`, importID).Scan(&left); err != nil {
		return 0, nil, fmt.Errorf("import %s: parties left: %w", importID, err)
	}
	rows, err := db.Query(ctx, `SELECT id::text FROM `+string(t)+` WHERE import_id = $1 ORDER BY search_name, id LIMIT $2`, importID, limit)
	if err != nil {
		return 0, nil, fmt.Errorf("import %s: parties left: %w", importID, err)
	}
	ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, nil, fmt.Errorf("import %s: parties left: %w", importID, err)
	}
	return left, ids, nil
}

// LinkTargets returns the parties that the parties ids of t link to: the
// supervising units of organisations, the workplaces and relatives of
// people. Undoing an import reads them before deleting its parties, as the
// parties an earlier undo kept for those links only (UndoneImportsHolding).
func LinkTargets(ctx context.Context, tx pgx.Tx, t Type, ids []string) ([]string, error) {
	q := `SELECT DISTINCT supervising_unit_id::text FROM organization WHERE id = ANY($1::uuid[]) AND supervising_unit_id IS NOT NULL`
	if t == Person {
		q = `SELECT DISTINCT l.id FROM person p, jsonb_array_elements_text(jsonb_path_query_array(p.doc, '$.relationships[*].party_id')) AS l(id)
WHERE p.id = ANY($1::uuid[])`
	}
	rows, err := tx.Query(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("the parties %d %s link to: %w", len(ids), t, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("the parties %d %s link to: %w", len(ids), t, err)
	}
	return out, nil
}

// UndoneImport is an import undone already, and the type of its parties.
type UndoneImport struct {
	ID   string
	Type Type
}

// UndoneImportsHolding returns, in id order and locked FOR UPDATE, the
// imports other than except that created some of the parties ids and have
// been undone already: their undo kept those parties, perhaps only for
// links another undo has just deleted or taken back.
func UndoneImportsHolding(ctx context.Context, tx pgx.Tx, ids []string, except string) ([]UndoneImport, error) {
	rows, err := tx.Query(ctx, `SELECT j.id::text, j.resource FROM import_job j
WHERE j.undone_at IS NOT NULL AND j.id <> $2 AND j.id IN (
 SELECT import_id FROM organization WHERE id = ANY($1::uuid[]) UNION SELECT import_id FROM person WHERE id = ANY($1::uuid[]))
ORDER BY j.id FOR UPDATE OF j`, ids, except)
	if err != nil {
		return nil, fmt.Errorf("undone imports of %d parties: %w", len(ids), err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UndoneImport, error) {
		var u UndoneImport
		var resource string
		err := r.Scan(&u.ID, &resource)
		u.Type = Organization
		if resource == "people" {
			u.Type = Person
		}
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("undone imports of %d parties: %w", len(ids), err)
	}
	return out, nil
}

// Why an undo kept a party its import created: what someone did with it
// since, or what still links to it.
const (
	// KeptEdited: its record was changed by hand: an edit, a merge into
	// it, a link moved by another party's merge or deletion.
	KeptEdited = "edited"
	// KeptOwnerChanged: it was given another owner, alone or by a merge:
	// a real change of hands, which an undo does not take back. (A
	// hand-over of a leaver's whole portfolio is none, as a bulk change.) (A party merged into it brings its own creation's
	// audit row, which is no change of hands.)
	KeptOwnerChanged = "owner_changed"
	// KeptInteraction: an interaction was logged with it.
	KeptInteraction = "interaction"
	// KeptTimeline: another service reported about it (a course, an
	// enrolment). Its timeline's interactions are KeptInteraction.
	KeptTimeline = "timeline"
	// KeptMergedInto: another party was merged into it.
	KeptMergedInto = "merged_into"
	// KeptLinkedFrom: a party left links to it (a school under a unit, a
	// person working at a school, a relative).
	KeptLinkedFrom = "linked_from"
	// KeptLinkedByImport: another import's class list linked them to a
	// child of theirs, and has not been undone.
	KeptLinkedByImport = "linked_by_import"
)

// KeptParty is a party an import created that its undo kept, and why.
type KeptParty struct {
	ID      string   `json:"id" db:"id"`
	Name    string   `json:"name" db:"name"`
	Reasons []string `json:"reasons" db:"reasons"`
}

// KeptReasons returns, in the order of ids, the parties of t among ids
// with the reasons UntouchedImports keeps each for: what holds it back
// from an undo, which a user must see to decide what to do with it.
func KeptReasons(ctx context.Context, db DB, t Type, ids []string) ([]KeptParty, error) {
	if len(ids) == 0 {
		return []KeptParty{}, nil
	}
	rows, err := db.Query(ctx, `SELECT p.id::text, p.name, array_remove(ARRAY[
 CASE WHEN EXISTS (SELECT 1 FROM history h WHERE h.party_id = p.id AND h.bulk_id IS NULL AND h.import_id IS NULL
  AND h.field NOT IN ('owner_id', 'interaction')) THEN '`+KeptEdited+`' END,
 CASE WHEN EXISTS (SELECT 1 FROM owner_audit o WHERE o.party_id = p.id AND o.reason NOT IN ('imported', 'created') AND o.handover_id IS NULL) THEN '`+KeptOwnerChanged+`' END,
 CASE WHEN EXISTS (SELECT 1 FROM interaction i WHERE i.party_id = p.id)
  OR EXISTS (SELECT 1 FROM history h WHERE h.party_id = p.id AND h.field = 'interaction') THEN '`+KeptInteraction+`' END,
 CASE WHEN EXISTS (SELECT 1 FROM timeline_entry e WHERE e.party_id = p.id AND e.source <> 'contact') THEN '`+KeptTimeline+`' END,
 CASE WHEN EXISTS (SELECT 1 FROM party_alias a WHERE a.survivor_id = p.id) THEN '`+KeptMergedInto+`' END,
 CASE WHEN EXISTS (SELECT 1 FROM organization o WHERE o.supervising_unit_id = p.id AND o.id <> p.id)
  OR EXISTS (SELECT 1 FROM person q WHERE jsonb_path_query_array(q.doc, '$.relationships[*].party_id') ? p.id::text AND q.id <> p.id)
  THEN '`+KeptLinkedFrom+`' END,
 CASE WHEN EXISTS (SELECT 1 FROM history h WHERE h.party_id = p.id AND h.import_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM import_parent_link l
  WHERE l.import_id = h.import_id AND l.person_id = h.party_id AND l.unlinked_at IS NOT NULL)) THEN '`+KeptLinkedByImport+`' END
], NULL) AS reasons
FROM `+string(t)+` p JOIN unnest($1::uuid[]) WITH ORDINALITY AS k(id, n) ON p.id = k.id ORDER BY k.n`, ids)
	if err != nil {
		return nil, fmt.Errorf("why %d %s were kept: %w", len(ids), t, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[KeptParty])
	if err != nil {
		return nil, fmt.Errorf("why %d %s were kept: %w", len(ids), t, err)
	}
	return out, nil
}
