-- Schema 6: the API (toex.api): users, sessions, login attempts, the hub's
-- API policy, and the access and search indexes the API builds over the
-- stages' tables. users, sessions, login_attempts and api_policy hold human
-- decisions and are never cleared by a run; the api_* index tables are
-- derived and rebuilt by `toex serve` whenever the stages' outputs change.

CREATE TABLE users (
    username      VARCHAR PRIMARY KEY,
    display_name  VARCHAR,
    password_hash VARCHAR NOT NULL,      -- argon2id; never the password
    role          VARCHAR NOT NULL,      -- analyst | supervisor | tasking | admin
    scope_kind    VARCHAR NOT NULL,      -- force | region | national
    scope_id      VARCHAR,               -- force id, region id; NULL for national
    clearance     VARCHAR NOT NULL,      -- OFFICIAL | OFFICIAL-SENSITIVE | SECRET | TOP SECRET
    handling_c    BOOLEAN NOT NULL DEFAULT false,  -- may read handling code C intelligence
    disabled      BOOLEAN NOT NULL DEFAULT false,
    demo          BOOLEAN NOT NULL DEFAULT false,  -- created by `toex demo`
    created_at    TIMESTAMP NOT NULL,
    created_by    VARCHAR
);

CREATE TABLE sessions (
    token_hash VARCHAR PRIMARY KEY,      -- sha256 of the bearer token; the token itself is never stored
    username   VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked    BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE login_attempts (
    username  VARCHAR NOT NULL,
    client    VARCHAR NOT NULL,          -- client address
    attempted_at TIMESTAMP NOT NULL,
    success   BOOLEAN NOT NULL
);

-- The hub's API policy (key -> value), e.g. purpose_required.
CREATE TABLE api_policy (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
INSERT INTO api_policy VALUES ('purpose_required', 'person_search,profile,network,export');

-- Derived: every record (person, location, object, organisation, event) with
-- the forces it concerns, its handling code C flag and its classification
-- rank. entity_id is the resolved entity, or 'E:<source_id>:<ref>' for events.
CREATE TABLE api_record_access (
    source_id  VARCHAR NOT NULL,
    ref        VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    entity_id  VARCHAR,
    forces     VARCHAR[],
    handling_c BOOLEAN NOT NULL,
    class_rank INTEGER NOT NULL,
    label      VARCHAR              -- what the record says the entity is called (name, address, value)
);

-- Derived: person records for search, with folded name keys and date of birth parts.
CREATE TABLE api_person_search (
    source_id VARCHAR NOT NULL,
    ref       VARCHAR NOT NULL,
    entity_id VARCHAR,
    forenames VARCHAR,
    surname   VARCHAR,
    fn_key    VARCHAR,
    sn_key    VARCHAR,
    dob       DATE,
    dob_year  SMALLINT,
    dob_month TINYINT,
    forces     VARCHAR[],
    handling_c BOOLEAN,
    class_rank INTEGER
);

-- Derived: distinct folded name keys, for fuzzy matching against few rows.
CREATE TABLE api_name_keys (
    name_key VARCHAR NOT NULL,
    part     VARCHAR NOT NULL            -- fn | sn
);

CREATE TABLE api_index_state (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
