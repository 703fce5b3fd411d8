-- +goose Up
-- import_id names the import whose class list linked a stored person to
-- their children, or whose undo took those links back, on the history
-- entries that record it. An undo of the import that created that person
-- counts such entries as no work on them once the links are taken back
-- (import_parent_link.unlinked_at): two classes' lists sharing a parent
-- can then both be undone, in either order, leaving nothing. Adding a
-- nullable column rewrites nothing.
ALTER TABLE history ADD COLUMN import_id uuid;

-- unlinked_at is when an undo took the links back. The row stays, so that
-- the history entries of the links are known to be taken back.
ALTER TABLE import_parent_link ADD COLUMN unlinked_at timestamptz;

-- +goose Down
ALTER TABLE import_parent_link DROP COLUMN unlinked_at;
ALTER TABLE history DROP COLUMN import_id;
