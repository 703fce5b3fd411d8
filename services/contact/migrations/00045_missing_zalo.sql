-- +goose Up
-- ?missing=zalo_id lists by name the people without a Zalo id, who are
-- few: nearly everyone chats on Zalo. Walked along the name index, a first
-- page of the benchmark's million people (one in a thousand without one)
-- read about 50,000 rows, 400 ms. This index holds only the people
-- without one, in the list's order; a person with a Zalo id costs it
-- nothing on a write. The search writes the gap as a literal so the
-- planner can match the predicate. Common gaps (works_at) need no index:
-- their first page is found at once along the name index.
CREATE INDEX person_missing_zalo_idx ON person (search_name, id) WHERE NOT (doc ? 'zalo_id');

-- +goose Down
DROP INDEX person_missing_zalo_idx;
