-- +goose Up
-- The kinds of a person's relationships, so that "every parent" or "every
-- guardian" is found through an index instead of reading every document.
CREATE INDEX person_link_kinds_idx ON person USING gin (jsonb_path_query_array(doc, '$.relationships[*].kind'));

-- +goose Down
DROP INDEX person_link_kinds_idx;
