-- +goose Up
-- The custom fields each organisation kind may carry, one row per version.
-- An admin changes them through the API; every replica reads the latest
-- row, and the rows before it say who changed what, and when. The service
-- seeds version 1 at its first start (CONTACT_CUSTOM_FIELDS_FILE or its
-- built-in fields). A write of an organisation takes the table in ROW SHARE
-- mode while it checks the fields, and a change takes it in EXCLUSIVE mode,
-- so no organisation is written under fields that no longer hold.
CREATE TABLE custom_field_schema (
    version    bigint PRIMARY KEY,
    schema     jsonb NOT NULL,
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE custom_field_schema;
