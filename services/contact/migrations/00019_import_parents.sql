-- +goose Up
-- A class list names each student's parents beside the student. The import
-- creates the parents no stored person is (counted in parents_created) and
-- links the stored ones it finds to their children (parents_linked).
ALTER TABLE import_job ADD COLUMN parents_created int NOT NULL DEFAULT 0, ADD COLUMN parents_linked int NOT NULL DEFAULT 0;

-- import_parent_link records the links an import added to a person it did
-- not create: undoing the import takes them back, unless someone changed
-- that person since (their version is no longer the one recorded).
CREATE TABLE import_parent_link (
    import_id uuid NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    person_id uuid NOT NULL,
    -- version is the person's version once the import linked them.
    version   bigint NOT NULL,
    -- children are the people the import linked them to.
    children  uuid[] NOT NULL,
    PRIMARY KEY (import_id, person_id)
);

-- +goose Down
DROP TABLE import_parent_link;
ALTER TABLE import_job DROP COLUMN parents_created, DROP COLUMN parents_linked;
