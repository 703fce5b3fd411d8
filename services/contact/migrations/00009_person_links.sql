-- +goose Up
-- The ids a person's relationships point at, so that merging or deleting a
-- party finds the people linked to it (to move or drop their links) through
-- an index instead of reading every document.
CREATE INDEX person_links_idx ON person USING gin (jsonb_path_query_array(doc, '$.relationships[*].party_id'));

-- +goose Down
DROP INDEX person_links_idx;
