-- +goose Up
-- Organisations and people share one shape: the validated domain document
-- (doc) plus the columns that search, filters and duplicate checks need.
-- search_name is party.Fold(name), computed in Go because folding đ/Đ and
-- diacritics needs the same rules as the domain; search_vec indexes its words
-- for prefix matching without pg_trgm (the service role cannot create extensions).
CREATE TABLE organization (
    id                  uuid PRIMARY KEY,
    doc                 jsonb NOT NULL,
    name                text NOT NULL,
    search_name         text COLLATE "C" NOT NULL,
    search_vec          tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_name)) STORED,
    kinds               text[] NOT NULL DEFAULT '{}',
    stage               text,
    tags                text[] NOT NULL DEFAULT '{}',
    owner_id            text,
    province            text,
    supervising_unit_id uuid,
    next_action_on      date,
    force_reason        text,
    last_touched_by     text,
    last_touched_at     timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    import_id           uuid
);

CREATE INDEX organization_name_idx ON organization (search_name, id);
CREATE INDEX organization_vec_idx ON organization USING gin (search_vec);
CREATE INDEX organization_owner_idx ON organization (owner_id);
CREATE INDEX organization_tags_idx ON organization USING gin (tags);
CREATE INDEX organization_kinds_idx ON organization USING gin (kinds);
CREATE INDEX organization_su_idx ON organization (supervising_unit_id);
CREATE INDEX organization_next_action_idx ON organization (next_action_on);
-- people have the same columns and indexes (stage, kinds and province stay empty).
CREATE TABLE person (LIKE organization INCLUDING ALL);

-- party_key holds the normalised phones, emails and tax codes of live
-- parties: the duplicate check and the search by phone/email/tax code.
CREATE TABLE party_key (
    party_type text NOT NULL,
    key        text NOT NULL,
    party_id   uuid NOT NULL,
    PRIMARY KEY (party_type, key, party_id)
);
CREATE INDEX party_key_party_idx ON party_key (party_id);

-- party_alias resolves the ids of merged parties to their survivor.
CREATE TABLE party_alias (
    alias_id    uuid PRIMARY KEY,
    party_type  text NOT NULL,
    survivor_id uuid NOT NULL,
    merged_at   timestamptz NOT NULL
);
CREATE INDEX party_alias_survivor_idx ON party_alias (survivor_id);

CREATE TABLE interaction (
    id             uuid PRIMARY KEY,
    party_type     text NOT NULL,
    party_id       uuid NOT NULL,
    kind           text NOT NULL,
    staff_id       text NOT NULL,
    occurred_at    timestamptz NOT NULL,
    outcome        text NOT NULL DEFAULT '',
    notes          text NOT NULL DEFAULT '',
    next_action_on date,
    logged_by      text NOT NULL,
    logged_at      timestamptz NOT NULL
);
CREATE INDEX interaction_party_idx ON interaction (party_id, occurred_at DESC);

-- timeline_entry is filled by the timeline consumer from events (this
-- service's interactions now, other services' events as they land).
CREATE TABLE timeline_entry (
    event_id    uuid PRIMARY KEY,
    party_id    uuid NOT NULL,
    occurred_at timestamptz NOT NULL,
    type        text NOT NULL,
    source      text NOT NULL,
    summary     jsonb NOT NULL
);
CREATE INDEX timeline_entry_party_idx ON timeline_entry (party_id, occurred_at DESC, event_id);

CREATE TABLE history (
    id         bigserial PRIMARY KEY,
    party_type text NOT NULL,
    party_id   uuid NOT NULL,
    actor      text NOT NULL,
    at         timestamptz NOT NULL,
    field      text NOT NULL,
    old_value  jsonb,
    new_value  jsonb
);
CREATE INDEX history_party_idx ON history (party_id, id);

CREATE TABLE owner_audit (
    id          bigserial PRIMARY KEY,
    party_type  text NOT NULL,
    party_id    uuid NOT NULL,
    old_owner   text,
    new_owner   text NOT NULL,
    actor       text NOT NULL,
    at          timestamptz NOT NULL,
    reason      text NOT NULL DEFAULT '',
    handover_id uuid
);
CREATE INDEX owner_audit_party_idx ON owner_audit (party_id, id);

CREATE TABLE segment (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    resource   text NOT NULL,
    filter     jsonb NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE import_job (
    id          uuid PRIMARY KEY,
    resource    text NOT NULL,
    format      text NOT NULL,
    fingerprint text NOT NULL,
    status      text NOT NULL,
    file        bytea,
    mapping     jsonb,
    total       int NOT NULL DEFAULT 0,
    processed   int NOT NULL DEFAULT 0,
    created     int NOT NULL DEFAULT 0,
    failed      int NOT NULL DEFAULT 0,
    error       text NOT NULL DEFAULT '',
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL,
    finished_at timestamptz,
    UNIQUE (resource, fingerprint)
);
CREATE INDEX import_job_pending_idx ON import_job (created_at) WHERE status = 'pending';

CREATE TABLE import_problem (
    import_id        uuid NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    row_no           int NOT NULL,
    column_name      text NOT NULL,
    message          text NOT NULL,
    duplicate_of_row int
);
CREATE INDEX import_problem_job_idx ON import_problem (import_id, row_no);

-- +goose Down
DROP TABLE import_problem, import_job, segment, owner_audit, history, timeline_entry, interaction, party_alias, party_key, person, organization;
