-- +goose Up
-- The history entries of people's relationships, by the links they held
-- before or after, so that an organisation's timeline with its people
-- finds those who worked there once, and when: the calls with a head
-- teacher who has since retired stay on the school's timeline. Imports
-- write few such entries (only a class list's links to stored parents).
CREATE INDEX history_links_idx ON history
    USING gin ((coalesce(old_value, '[]') || coalesce(new_value, '[]')) jsonb_path_ops) WHERE field = 'relationships';

-- +goose Down
DROP INDEX history_links_idx;
