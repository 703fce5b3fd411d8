-- +goose Up
-- file_name is the name the uploaded file had, as the upload gave it, so
-- that a list of jobs tells "DS 6A1.xlsx" from the morning's other people
-- files; '' for jobs uploaded before it was kept. undone_by is the staff
-- member who last undid the import (or finished its undo), next to
-- undone_at.
ALTER TABLE import_job ADD COLUMN file_name text NOT NULL DEFAULT '', ADD COLUMN undone_by text;

-- bulk_id names the bulk change that wrote a history entry; entries of one
-- bulk change share it. A bulk change is no work with a customer, so an
-- import's undo does not keep a party for it. Adding a nullable column
-- rewrites nothing.
ALTER TABLE history ADD COLUMN bulk_id uuid;

-- Earlier bulk changes are told by their shape: one statement wrote the
-- same actor and time on tags, stage or custom fields of several parties,
-- which no edit, merge or import does (an edit writes one party, a merge
-- the survivor's own fields, a hand-over owner_id, a class list's links
-- carry their import). A bulk change that changed one party alone is not
-- recognised, and keeps that party from an undo as before. Each gets an
-- id of its own, derived from its actor and time.
UPDATE history h SET bulk_id = b.id
FROM (SELECT actor, at, md5(actor || at::text)::uuid AS id FROM history
      WHERE import_id IS NULL AND split_part(field, '.', 1) IN ('tags', 'stage', 'custom_fields')
      GROUP BY actor, at HAVING count(DISTINCT party_id) > 1) AS b
WHERE h.actor = b.actor AND h.at = b.at AND h.import_id IS NULL
  AND split_part(h.field, '.', 1) IN ('tags', 'stage', 'custom_fields');

-- +goose Down
ALTER TABLE history DROP COLUMN bulk_id;
ALTER TABLE import_job DROP COLUMN file_name, DROP COLUMN undone_by;
