-- +goose Up
-- <table>_word lists every word of every party's folded name, next to the
-- folded name and id, so that a name search reads one word's entries already
-- in result order (word, search_name, id) from an index, without visiting the
-- party rows. A GIN index on search_vec cannot return rows in name order, and
-- for a common word ("le", "nguyen") sorting all its rows is what made p99 slow.
-- Statement triggers with transition tables keep the lists current for every
-- write path, COPY included, with one statement per statement.
CREATE TABLE organization_word (
    word        text COLLATE "C" NOT NULL,
    search_name text COLLATE "C" NOT NULL,
    id          uuid NOT NULL,
    PRIMARY KEY (word, search_name, id)
);
CREATE INDEX organization_word_id_idx ON organization_word (id);
CREATE TABLE person_word (LIKE organization_word INCLUDING ALL);

-- +goose StatementBegin
CREATE FUNCTION party_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        INSERT INTO %I (word, search_name, id)
        SELECT DISTINCT w, n.search_name, n.id
        FROM new_rows n, unnest(tsvector_to_array(to_tsvector('simple', n.search_name))) AS w
        ON CONFLICT DO NOTHING$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION party_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        DELETE FROM %I w USING old_rows o JOIN new_rows n ON n.id = o.id
        WHERE w.id = o.id AND o.search_name IS DISTINCT FROM n.search_name$q$, TG_TABLE_NAME || '_word');
    EXECUTE format($q$
        INSERT INTO %I (word, search_name, id)
        SELECT DISTINCT w, n.search_name, n.id
        FROM new_rows n JOIN old_rows o ON o.id = n.id,
             unnest(tsvector_to_array(to_tsvector('simple', n.search_name))) AS w
        WHERE o.search_name IS DISTINCT FROM n.search_name
        ON CONFLICT DO NOTHING$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION party_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I w USING old_rows o WHERE w.id = o.id', TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER organization_words_insert AFTER INSERT ON organization
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION party_words_insert();
CREATE TRIGGER organization_words_update AFTER UPDATE ON organization
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION party_words_update();
CREATE TRIGGER organization_words_delete AFTER DELETE ON organization
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION party_words_delete();
CREATE TRIGGER person_words_insert AFTER INSERT ON person
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION party_words_insert();
CREATE TRIGGER person_words_update AFTER UPDATE ON person
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION party_words_update();
CREATE TRIGGER person_words_delete AFTER DELETE ON person
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION party_words_delete();

INSERT INTO organization_word SELECT DISTINCT w, search_name, id FROM organization, unnest(tsvector_to_array(to_tsvector('simple', search_name))) AS w;
INSERT INTO person_word SELECT DISTINCT w, search_name, id FROM person, unnest(tsvector_to_array(to_tsvector('simple', search_name))) AS w;

-- +goose Down
DROP TRIGGER organization_words_insert ON organization;
DROP TRIGGER organization_words_update ON organization;
DROP TRIGGER organization_words_delete ON organization;
DROP TRIGGER person_words_insert ON person;
DROP TRIGGER person_words_update ON person;
DROP TRIGGER person_words_delete ON person;
DROP FUNCTION party_words_insert(), party_words_update(), party_words_delete();
DROP TABLE person_word, organization_word;
