-- +goose Up
-- The word-list triggers read the words from search_vec, which the row
-- already carries (it is generated as to_tsvector('simple', search_name)),
-- instead of parsing the name a second time: measured with psql, 11% less
-- time for a 100,000-row COPY into organization (2.7 s -> 2.4 s).

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION party_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        INSERT INTO %I (word, search_name, id)
        SELECT w, n.search_name, n.id
        FROM new_rows n, unnest(tsvector_to_array(n.search_vec)) AS w
        ORDER BY 1, 2, 3$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION party_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        DELETE FROM %I w USING old_rows o JOIN new_rows n ON n.id = o.id,
             unnest(tsvector_to_array(o.search_vec)) AS x
        WHERE w.word = x AND w.search_name = o.search_name AND w.id = o.id
          AND o.search_name IS DISTINCT FROM n.search_name$q$, TG_TABLE_NAME || '_word');
    EXECUTE format($q$
        INSERT INTO %I (word, search_name, id)
        SELECT w, n.search_name, n.id
        FROM new_rows n JOIN old_rows o ON o.id = n.id,
             unnest(tsvector_to_array(n.search_vec)) AS w
        WHERE o.search_name IS DISTINCT FROM n.search_name
        ORDER BY 1, 2, 3$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION party_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        DELETE FROM %I w USING old_rows o, unnest(tsvector_to_array(o.search_vec)) AS x
        WHERE w.word = x AND w.search_name = o.search_name AND w.id = o.id$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION party_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        INSERT INTO %I (word, search_name, id)
        SELECT w, n.search_name, n.id
        FROM new_rows n, unnest(tsvector_to_array(to_tsvector('simple', n.search_name))) AS w
        ORDER BY 1, 2, 3$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION party_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        DELETE FROM %I w USING old_rows o JOIN new_rows n ON n.id = o.id,
             unnest(tsvector_to_array(to_tsvector('simple', o.search_name))) AS x
        WHERE w.word = x AND w.search_name = o.search_name AND w.id = o.id
          AND o.search_name IS DISTINCT FROM n.search_name$q$, TG_TABLE_NAME || '_word');
    EXECUTE format($q$
        INSERT INTO %I (word, search_name, id)
        SELECT w, n.search_name, n.id
        FROM new_rows n JOIN old_rows o ON o.id = n.id,
             unnest(tsvector_to_array(to_tsvector('simple', n.search_name))) AS w
        WHERE o.search_name IS DISTINCT FROM n.search_name
        ORDER BY 1, 2, 3$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION party_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        DELETE FROM %I w USING old_rows o, unnest(tsvector_to_array(to_tsvector('simple', o.search_name))) AS x
        WHERE w.word = x AND w.search_name = o.search_name AND w.id = o.id$q$, TG_TABLE_NAME || '_word');
    RETURN NULL;
END $$;
-- +goose StatementEnd
