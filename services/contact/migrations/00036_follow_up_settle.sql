-- +goose Up
-- follow_up_settle lists the parties whose follow-up is still to be set
-- by the rule of migration 00030 (party.FollowUp). 00030 left stored
-- follow-ups as the earlier rule gave them (none once a later interaction
-- agreed none), since the rule reads the day an interaction happened in
-- the business time zone, which SQL does not know. The service's job
-- (service.SettleFollowUps) takes the rows in batches, sets each party's
-- follow-up by that one rule under the lock its interaction writes take,
-- and deletes the row in the same transaction: every replica shares the
-- work, a crash loses none of it, and the table ends empty.
CREATE TABLE follow_up_settle (
    party_type text NOT NULL,
    party_id   uuid NOT NULL,
    PRIMARY KEY (party_type, party_id)
);

-- Every live party with an interaction: one without any has no follow-up
-- under either rule. A deleted party's interactions stay, but it has no
-- follow-up to show; a restore sets it.
INSERT INTO follow_up_settle (party_type, party_id)
SELECT 'organization', o.id FROM organization o WHERE EXISTS (SELECT FROM interaction i WHERE i.party_id = o.id)
UNION ALL
SELECT 'person', p.id FROM person p WHERE EXISTS (SELECT FROM interaction i WHERE i.party_id = p.id);

-- +goose Down
DROP TABLE follow_up_settle;
