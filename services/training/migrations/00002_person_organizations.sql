-- +goose Up
-- A person may work at several units (the contact contract's organization_ids);
-- participants take their contact people from every unit a person works at.
ALTER TABLE contact_person ADD COLUMN organization_ids text[] NOT NULL DEFAULT '{}';
UPDATE contact_person SET organization_ids = ARRAY[organization_id] WHERE organization_id <> '';
DROP INDEX contact_person_org;
ALTER TABLE contact_person DROP COLUMN organization_id;
CREATE INDEX contact_person_orgs ON contact_person USING gin (organization_ids) WHERE NOT deleted;

-- +goose Down
ALTER TABLE contact_person ADD COLUMN organization_id text NOT NULL DEFAULT '';
UPDATE contact_person SET organization_id = coalesce(organization_ids[1], '');
DROP INDEX contact_person_orgs;
ALTER TABLE contact_person DROP COLUMN organization_ids;
CREATE INDEX contact_person_org ON contact_person (organization_id) WHERE NOT deleted;
