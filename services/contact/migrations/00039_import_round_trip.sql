-- +goose Up
-- A name as the probable-duplicate checks compare it (party.NameKey): the
-- search name (party.Fold of the name) with punctuation read as a space,
-- spaces collapsed, so "Trường THCS Dup." is "Trường THCS Dup". It is
-- derived from the stored search name, so no stored value changes: the
-- organisations are looked up through an index on it
-- (store.OrganisationsNamed), people by its last word, the given name
-- (store.PeopleAt). In the "C" collation search names are stored under,
-- [[:punct:]] is ASCII's punctuation and symbols, as in Go.
-- +goose StatementBegin
CREATE FUNCTION party_name_key(search_name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(search_name COLLATE "C", '[[:punct:] “”‘’–—…·]+', ' ', 'g'));
-- +goose StatementEnd
CREATE INDEX organization_name_key_idx ON organization (party_name_key(search_name), province);

-- A row of an import that is a stored party and holds it as stored (an
-- export imported back untouched) is counted apart from the rows refused
-- (already_stored); its problems, kept for a restarted job to know which
-- party the row stands for (store.RowsNotCreated), are not shown in the
-- report, as nothing is wrong with it. Jobs written before count such rows
-- as failed, as they did.
ALTER TABLE import_job ADD COLUMN already_stored integer NOT NULL DEFAULT 0;
ALTER TABLE import_problem ADD COLUMN already_stored boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE import_problem DROP COLUMN already_stored;
ALTER TABLE import_job DROP COLUMN already_stored;
DROP INDEX organization_name_key_idx;
DROP FUNCTION party_name_key(text);
