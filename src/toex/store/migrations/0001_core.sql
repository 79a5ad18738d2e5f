-- toex store, schema 1: canonical POLE tables with provenance, loads,
-- quarantine and the append-only audit trail.
-- Every record row carries its provenance: source_id, ref (its id in that
-- source), load_id (the load that wrote it) and line (its row in the file).

CREATE TABLE sources (
    source_id      VARCHAR PRIMARY KEY,
    name           VARCHAR,
    owner          VARCHAR,
    kind           VARCHAR,
    extracted      DATE,
    classification VARCHAR,
    format         VARCHAR,      -- pole | police-uk | mapped
    location       VARCHAR,      -- where it was loaded from
    load_id        VARCHAR,      -- the load that holds its current rows
    loaded_at      TIMESTAMP
);

CREATE TABLE loads (
    load_id          VARCHAR PRIMARY KEY,
    source_id        VARCHAR,
    format           VARCHAR,
    location         VARCHAR,
    actor            VARCHAR,
    started_at       TIMESTAMP,
    finished_at      TIMESTAMP,
    status           VARCHAR,    -- loaded | failed
    rows_loaded      BIGINT,
    rows_quarantined BIGINT,
    message          VARCHAR
);

CREATE TABLE persons (
    source_id      VARCHAR NOT NULL,
    ref            VARCHAR NOT NULL,
    load_id        VARCHAR NOT NULL,
    file           VARCHAR,
    line           BIGINT,
    forenames      VARCHAR,
    surname        VARCHAR,
    forenames_norm VARCHAR,      -- case and accents folded, for matching
    surname_norm   VARCHAR,
    dob_raw        VARCHAR,
    dob            DATE,         -- only when the full date is known
    dob_year       SMALLINT,
    dob_month      TINYINT,
    dob_day        TINYINT,
    sex            VARCHAR,
    nationality    VARCHAR,      -- never an input to any score (Equality Act 2010)
    pnc_id         VARCHAR,
    aliases        VARCHAR,
    attributes     JSON
);

CREATE TABLE locations (
    source_id    VARCHAR NOT NULL,
    ref          VARCHAR NOT NULL,
    load_id      VARCHAR NOT NULL,
    file         VARCHAR,
    line         BIGINT,
    address      VARCHAR,
    town         VARCHAR,
    postcode_raw VARCHAR,
    postcode     VARCHAR,        -- normalised 'IP1 1AA', NULL when not a valid postcode
    uprn         VARCHAR,
    latitude     DOUBLE,
    longitude    DOUBLE,
    kind         VARCHAR,
    attributes   JSON
);

CREATE TABLE objects (
    source_id   VARCHAR NOT NULL,
    ref         VARCHAR NOT NULL,
    load_id     VARCHAR NOT NULL,
    file        VARCHAR,
    line        BIGINT,
    kind        VARCHAR,
    value_raw   VARCHAR,
    value       VARCHAR,         -- normalised: E.164 phone, VRM, sort code + account, lower-case email
    description VARCHAR,
    attributes  JSON
);

CREATE TABLE organisations (
    source_id      VARCHAR NOT NULL,
    ref            VARCHAR NOT NULL,
    load_id        VARCHAR NOT NULL,
    file           VARCHAR,
    line           BIGINT,
    name           VARCHAR,
    name_norm      VARCHAR,
    company_number VARCHAR,
    kind           VARCHAR,
    incorporated   DATE,
    dissolved      DATE,
    sic_code       VARCHAR,
    attributes     JSON
);

CREATE TABLE events (
    source_id     VARCHAR NOT NULL,
    ref           VARCHAR NOT NULL,
    load_id       VARCHAR NOT NULL,
    file          VARCHAR,
    line          BIGINT,
    kind          VARCHAR,
    occurred_from TIMESTAMP,     -- UK local time
    occurred_to   TIMESTAMP,
    force         VARCHAR,       -- force where it happened (data.police.uk 'Falls within')
    reported_by   VARCHAR,       -- force that reported it (data.police.uk 'Reported by')
    location_ref  VARCHAR,
    offence_code  VARCHAR,
    category      VARCHAR,
    description   VARCHAR,
    grading       VARCHAR,       -- 3x5x2 as given, e.g. '1B P'
    grade_source  VARCHAR,       -- 1 reliable, 2 untested, 3 not reliable
    grade_intel   VARCHAR,       -- A..E
    handling      VARCHAR,       -- P or C
    outcome       VARCHAR,
    lsoa_code     VARCHAR,
    latitude      DOUBLE,
    longitude     DOUBLE,
    location_text VARCHAR,
    attributes    JSON
);

CREATE TABLE links (
    source_id  VARCHAR NOT NULL,
    load_id    VARCHAR NOT NULL,
    file       VARCHAR,
    line       BIGINT,
    from_ref   VARCHAR NOT NULL,
    to_ref     VARCHAR NOT NULL,
    from_kind  VARCHAR,
    to_kind    VARCHAR,
    role       VARCHAR NOT NULL,
    since      DATE,
    until      DATE,
    attributes JSON
);

CREATE TABLE quarantine (
    load_id   VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    file      VARCHAR,
    line      BIGINT,
    reason    VARCHAR NOT NULL,
    record    VARCHAR             -- the raw row as JSON, so nothing is lost
);

CREATE SEQUENCE audit_seq START 1;
CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    logged_at TIMESTAMP NOT NULL,
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,  -- collection | alteration | consultation | disclosure | combination | erasure
    target    VARCHAR,
    detail    JSON,
    purpose   VARCHAR,
    prev_hash VARCHAR NOT NULL,
    hash      VARCHAR NOT NULL
);
