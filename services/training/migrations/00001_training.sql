-- +goose Up
-- Module settings are data so an admin can flag a payroll-like module without a release.
CREATE TABLE module (
    code      text PRIMARY KEY,
    name      text    NOT NULL,
    payroll   boolean NOT NULL DEFAULT false,
    lead_days int     NOT NULL DEFAULT 0 CHECK (lead_days >= 0)
);

-- Local copy of the contact service's organisations and people, kept by events.
CREATE TABLE contact_organization (
    id                  text PRIMARY KEY,
    name                text    NOT NULL DEFAULT '',
    supervising_unit_id text    NOT NULL DEFAULT '',
    merged_into         text,
    deleted             boolean NOT NULL DEFAULT false
);
CREATE TABLE contact_person (
    id              text PRIMARY KEY,
    name            text    NOT NULL DEFAULT '',
    organization_id text    NOT NULL DEFAULT '',
    merged_into     text,
    deleted         boolean NOT NULL DEFAULT false
);
CREATE INDEX contact_person_org ON contact_person (organization_id) WHERE NOT deleted;

CREATE TABLE request (
    id             text PRIMARY KEY,
    status         text        NOT NULL CHECK (status IN ('submitted', 'refused')),
    unit_ids       text[]      NOT NULL,
    module_code    text        NOT NULL REFERENCES module (code),
    mode           text        NOT NULL,
    venue          text        NOT NULL DEFAULT '',
    meeting_link   text        NOT NULL DEFAULT '',
    proposed_dates date[]      NOT NULL,
    handover_notes text        NOT NULL DEFAULT '',
    objectives     jsonb       NOT NULL DEFAULT '{}',
    submitted_by   text        NOT NULL,
    submitted_at   timestamptz NOT NULL,
    refusal        jsonb,
    exception_by   text,
    exception_reason text,
    exception_at   timestamptz,
    course_id      text
);

CREATE TABLE course (
    id               text PRIMARY KEY,
    request_id       text        NOT NULL REFERENCES request (id),
    module_code      text        NOT NULL REFERENCES module (code),
    mode             text        NOT NULL,
    state            text        NOT NULL,
    version          int         NOT NULL DEFAULT 1,
    unit_ids         text[]      NOT NULL,
    first_session    date,
    last_session     date,
    objectives       jsonb       NOT NULL DEFAULT '{}',
    lead_id          text        NOT NULL DEFAULT '',
    plan_approved_by text,
    plan_approved_at timestamptz,
    state_reason     text        NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX course_state ON course (state, first_session);

CREATE TABLE session (
    id           text PRIMARY KEY,
    course_id    text NOT NULL REFERENCES course (id),
    day          date NOT NULL,
    half_day     text NOT NULL CHECK (half_day IN ('morning', 'afternoon')),
    venue        text NOT NULL DEFAULT '',
    meeting_link text NOT NULL DEFAULT '',
    UNIQUE (course_id, day, half_day)
);

-- day and half_day are copied from the session so the database itself refuses a
-- person in two places at once, even under concurrent assignments.
CREATE TABLE assignment (
    session_id text NOT NULL REFERENCES session (id),
    course_id  text NOT NULL REFERENCES course (id),
    person_id  text NOT NULL,
    duty       text NOT NULL CHECK (duty IN ('trainer', 'assistant')),
    day        date NOT NULL,
    half_day   text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    PRIMARY KEY (session_id, person_id)
);
CREATE UNIQUE INDEX assignment_one_place ON assignment (person_id, day, half_day) WHERE active;

CREATE TABLE participant (
    id                 text PRIMARY KEY,
    course_id          text    NOT NULL REFERENCES course (id),
    unit_id            text    NOT NULL,
    contact_person_ids text[]  NOT NULL DEFAULT '{}',
    status             text    NOT NULL CHECK (status IN ('invited', 'confirmed', 'declined')),
    attendees          int     NOT NULL DEFAULT 0,
    brings_laptops     boolean NOT NULL DEFAULT false,
    brings_documents   boolean NOT NULL DEFAULT false,
    brings_data        boolean NOT NULL DEFAULT false,
    note               text    NOT NULL DEFAULT '',
    updated_at         timestamptz NOT NULL,
    UNIQUE (course_id, unit_id)
);
CREATE INDEX participant_unit ON participant (unit_id);

CREATE TABLE attendance (
    session_id  text    NOT NULL REFERENCES session (id),
    course_id   text    NOT NULL REFERENCES course (id),
    unit_id     text    NOT NULL,
    present     boolean NOT NULL,
    reason      text    NOT NULL DEFAULT '',
    recorded_by text    NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, unit_id)
);

-- Checklist templates are data, seeded from the readiness package at start-up.
CREATE TABLE checklist_item (
    mode     text    NOT NULL CHECK (mode IN ('common', 'in_person', 'online')),
    key      text    NOT NULL,
    position int     NOT NULL,
    section  text    NOT NULL,
    label_vi text    NOT NULL,
    label_en text    NOT NULL,
    kind     text    NOT NULL,
    required boolean NOT NULL,
    PRIMARY KEY (mode, key)
);
CREATE TABLE checklist_check (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id  text        NOT NULL REFERENCES course (id),
    key        text        NOT NULL,
    ok         boolean     NOT NULL DEFAULT false,
    count      int,
    text       text        NOT NULL DEFAULT '',
    photo_url  text        NOT NULL DEFAULT '',
    note       text        NOT NULL DEFAULT '',
    checked_by text        NOT NULL,
    checked_at timestamptz NOT NULL
);
CREATE INDEX checklist_check_course ON checklist_check (course_id, id);

CREATE TABLE session_report (
    id                 text PRIMARY KEY,
    course_id          text        NOT NULL REFERENCES course (id),
    session_id         text        NOT NULL REFERENCES session (id),
    reported_by        text        NOT NULL,
    reported_at        timestamptz NOT NULL,
    absent_units       jsonb       NOT NULL DEFAULT '[]',
    supervisor_spoke   boolean,
    supervisor_reason  text        NOT NULL DEFAULT '',
    difficulties       text        NOT NULL DEFAULT '',
    data_entry_percent int,
    progress           text        NOT NULL DEFAULT '',
    escalate           boolean     NOT NULL DEFAULT false,
    escalation         text        NOT NULL DEFAULT ''
);

CREATE TABLE task (
    id         text PRIMARY KEY,
    course_id  text        NOT NULL REFERENCES course (id),
    kind       text        NOT NULL,
    owner_role text        NOT NULL,
    owner_id   text        NOT NULL DEFAULT '',
    due        timestamptz NOT NULL,
    required   boolean     NOT NULL,
    status     text        NOT NULL CHECK (status IN ('open', 'done')),
    done_by    text,
    done_at    timestamptz,
    UNIQUE (course_id, kind)
);
CREATE INDEX task_open_due ON task (due) WHERE status = 'open';

CREATE TABLE feedback (
    id         text PRIMARY KEY,
    course_id  text        NOT NULL REFERENCES course (id),
    unit_id    text        NOT NULL DEFAULT '',
    text       text        NOT NULL,
    urgent     boolean     NOT NULL DEFAULT false,
    status     text        NOT NULL,
    raised_by  text        NOT NULL,
    raised_at  timestamptz NOT NULL
);
CREATE TABLE feedback_change (
    feedback_id text        NOT NULL REFERENCES feedback (id),
    step        int         NOT NULL,
    from_status text        NOT NULL DEFAULT '',
    to_status   text        NOT NULL,
    by_user     text        NOT NULL,
    at          timestamptz NOT NULL,
    note        text        NOT NULL DEFAULT '',
    PRIMARY KEY (feedback_id, step)
);

CREATE TABLE desk_log (
    id           text PRIMARY KEY,
    kind         text        NOT NULL,
    day          date        NOT NULL,
    author_id    text        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    workload     jsonb       NOT NULL DEFAULT '[]',
    handed_over  jsonb       NOT NULL DEFAULT '[]',
    backlog      int,
    difficulties text        NOT NULL DEFAULT '',
    proposals    text        NOT NULL DEFAULT '',
    UNIQUE (author_id, day, kind)
);

-- Each time-based check fires once per key, whatever the number of replicas:
-- the firing row and the event commit together, and the key refuses a second.
CREATE TABLE scheduler_firing (
    check_name text        NOT NULL,
    key        text        NOT NULL,
    fired_at   timestamptz NOT NULL,
    PRIMARY KEY (check_name, key)
);

-- +goose Down
DROP TABLE scheduler_firing, desk_log, feedback_change, feedback, task, session_report,
    checklist_check, checklist_item, attendance, participant, assignment, session, course,
    request, contact_person, contact_organization, module;
