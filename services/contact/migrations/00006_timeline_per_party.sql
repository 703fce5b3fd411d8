-- +goose Up
-- One event can concern several parties (a course registration names the
-- unit and its contact people): an entry per event and party.
ALTER TABLE timeline_entry DROP CONSTRAINT timeline_entry_pkey;
ALTER TABLE timeline_entry ADD PRIMARY KEY (event_id, party_id);

-- +goose Down
DELETE FROM timeline_entry t USING timeline_entry d WHERE d.event_id = t.event_id AND d.party_id < t.party_id;
ALTER TABLE timeline_entry DROP CONSTRAINT timeline_entry_pkey;
ALTER TABLE timeline_entry ADD PRIMARY KEY (event_id);
