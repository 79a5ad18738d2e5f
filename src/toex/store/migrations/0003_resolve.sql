-- toex store, schema 3: entity resolution (toex.resolve).
-- Output tables are replaced by each `toex resolve` run inside one transaction;
-- review_decisions, resolve_models, resolve_runs and resolve_id_sequences are
-- never cleared by a run (they hold analyst decisions, models and history).

CREATE TABLE entity_records (
    kind      VARCHAR NOT NULL,   -- person | location | object | organisation
    source_id VARCHAR NOT NULL,
    ref       VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL
);

CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,
    kind      VARCHAR NOT NULL,
    label     VARCHAR,
    records   BIGINT,
    sources   VARCHAR[]
);

CREATE TABLE person_entities (
    entity_id VARCHAR PRIMARY KEY,
    forenames VARCHAR,
    surname   VARCHAR,
    dob       DATE,
    dob_year  SMALLINT,
    sex       VARCHAR,
    pnc_id    VARCHAR,
    records   BIGINT,
    sources   VARCHAR[],
    flagged   VARCHAR            -- e.g. 'large cluster' when sent to review
);

CREATE TABLE location_entities (
    entity_id   VARCHAR PRIMARY KEY,
    building_id VARCHAR,
    address     VARCHAR,
    town        VARCHAR,
    postcode    VARCHAR,
    latitude    DOUBLE,
    longitude   DOUBLE,
    kind        VARCHAR,
    uprn        VARCHAR,
    records     BIGINT
);

CREATE TABLE object_entities (
    entity_id VARCHAR PRIMARY KEY,
    kind      VARCHAR,
    value     VARCHAR,
    records   BIGINT
);

CREATE TABLE organisation_entities (
    entity_id      VARCHAR PRIMARY KEY,
    name           VARCHAR,
    company_number VARCHAR,
    sic_code       VARCHAR,
    incorporated   DATE,
    dissolved      DATE,
    postcode       VARCHAR,
    records        BIGINT
);

-- Every scored candidate pair at or above the review floor.
CREATE TABLE person_match_pairs (
    source_id_l       VARCHAR NOT NULL,
    ref_l             VARCHAR NOT NULL,
    source_id_r       VARCHAR NOT NULL,
    ref_r             VARCHAR NOT NULL,
    match_weight      DOUBLE,
    match_probability DOUBLE,
    linked            BOOLEAN,        -- the two records ended in the same entity
    explanation       VARCHAR,        -- 'comparison=level(+weight); ...'
    contradiction     VARCHAR,        -- strong evidence against: 'pnc', 'sex', 'dob', 'forenames', 'decision'
    cut               VARCHAR         -- why clustering kept an above-threshold pair apart
);

CREATE TABLE review_queue (
    pair_id           VARCHAR NOT NULL,
    source_id_l       VARCHAR NOT NULL,
    ref_l             VARCHAR NOT NULL,
    source_id_r       VARCHAR NOT NULL,
    ref_r             VARCHAR NOT NULL,
    match_probability DOUBLE,
    reason            VARCHAR,
    entity_id         VARCHAR         -- the entity concerned, for large-cluster items
);

-- Analyst decisions: never cleared, always applied (same -> must-link, different -> cannot-link).
CREATE TABLE review_decisions (
    source_id_l VARCHAR NOT NULL,
    ref_l       VARCHAR NOT NULL,
    source_id_r VARCHAR NOT NULL,
    ref_r       VARCHAR NOT NULL,
    decision    VARCHAR NOT NULL,   -- same | different
    actor       VARCHAR NOT NULL,
    decided_at  TIMESTAMP NOT NULL,
    note        VARCHAR
);

CREATE TABLE resolve_models (
    model_id   VARCHAR PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    records    BIGINT,            -- person records it was trained on
    settings   JSON NOT NULL      -- the trained Splink model
);

CREATE TABLE resolve_runs (
    run_id      VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    actor       VARCHAR,
    model_id    VARCHAR,
    trained     BOOLEAN,
    config      JSON,
    summary     JSON
);

-- Last number used per entity id prefix: ids are never reused.
CREATE TABLE resolve_id_sequences (
    prefix VARCHAR PRIMARY KEY,   -- P, L, T, O
    last   BIGINT NOT NULL
);

-- Person features as matched (no nationality), kept for `toex explain`.
CREATE TABLE person_features (
    unique_id BIGINT,
    source_id VARCHAR,
    ref       VARCHAR,
    fn        VARCHAR,
    fn1       VARCHAR,
    fn1_key   VARCHAR,
    fn_keys   VARCHAR[],
    sn        VARCHAR,
    sn_key    VARCHAR,
    sn_keys   VARCHAR[],
    dob       DATE,
    dob_year  SMALLINT,
    dob_month TINYINT,
    dob_day   TINYINT,
    sex       VARCHAR,
    pnc       VARCHAR,
    phones    VARCHAR[],
    postcodes VARCHAR[],
    buildings VARCHAR[]
);
