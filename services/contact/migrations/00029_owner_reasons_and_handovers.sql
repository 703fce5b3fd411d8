-- +goose Up
-- An owner change's history entry carries its reason and the hand-over it
-- was part of, so the history answers why a party changed hands. Earlier
-- entries take theirs from the owner audit written in the same statement
-- (same party, time and new owner).
ALTER TABLE history ADD COLUMN reason text, ADD COLUMN handover_id uuid;
UPDATE history h SET reason = nullif(a.reason, ''), handover_id = a.handover_id
FROM owner_audit a
WHERE h.field = 'owner_id' AND a.party_id = h.party_id AND a.at = h.at AND h.new_value = to_jsonb(a.new_owner);

-- handover is one row per hand-over of a staff member's parties, so a
-- manager can list them (newest first) and read what each moved and why;
-- owner_audit keeps one row per party moved, found by handover_id.
CREATE TABLE handover (
    id            uuid PRIMARY KEY,
    from_owner    text NOT NULL,
    to_owner      text NOT NULL,
    reason        text NOT NULL,
    actor         text NOT NULL,
    at            timestamptz NOT NULL,
    organizations int NOT NULL,
    people        int NOT NULL
);
CREATE INDEX handover_at_idx ON handover (at DESC, id);
CREATE INDEX owner_audit_handover_idx ON owner_audit (handover_id) WHERE handover_id IS NOT NULL;
INSERT INTO handover (id, from_owner, to_owner, reason, actor, at, organizations, people)
SELECT handover_id, coalesce(min(old_owner), ''), min(new_owner), min(reason), min(actor), min(at),
       count(*) FILTER (WHERE party_type = 'organization'), count(*) FILTER (WHERE party_type = 'person')
FROM owner_audit WHERE handover_id IS NOT NULL GROUP BY handover_id;

-- +goose Down
DROP TABLE handover;
DROP INDEX owner_audit_handover_idx;
ALTER TABLE history DROP COLUMN reason, DROP COLUMN handover_id;
