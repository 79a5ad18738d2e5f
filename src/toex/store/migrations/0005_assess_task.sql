-- Schema 5: assess and task. Assessment outputs (replaced on each run) and the
-- human decisions around them (never cleared by a run: score_overrides,
-- tasks, task_history, picture_snapshots, change_alerts).

-- One row per network, highest priority first (rank 1). Every dimension is
-- kept twice: the automated value (auto_*) and the final value after any
-- analyst override. Values are 0..1; score is 0..100.
CREATE TABLE network_scores (
    network_id          VARCHAR PRIMARY KEY,
    rank                INTEGER NOT NULL,
    score               DOUBLE NOT NULL,
    weights_version     VARCHAR NOT NULL,
    harm                DOUBLE,
    vulnerability       DOUBLE,
    spread              DOUBLE,
    trajectory          DOUBLE,
    confidence          DOUBLE,
    capacity            DOUBLE,
    capability          DOUBLE,
    auto_harm           DOUBLE,
    auto_vulnerability  DOUBLE,
    auto_spread         DOUBLE,
    auto_trajectory     DOUBLE,
    auto_confidence     DOUBLE,
    auto_capacity       DOUBLE,
    auto_capability     DOUBLE,
    summary             VARCHAR,      -- plain-language, for a tasking meeting
    breakdown           JSON,         -- per dimension: auto, final, weight, explanation, override
    scored_at           TIMESTAMP
);

-- Analyst overrides of one dimension of one network. Latest row per
-- (network_id, dimension) with active = true wins.
CREATE TABLE score_overrides (
    override_id  VARCHAR PRIMARY KEY,
    network_id   VARCHAR NOT NULL,
    dimension    VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    rationale    VARCHAR NOT NULL,
    actor        VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT true
);

-- The evidence behind each network: records of its members with provenance
-- and 3x5x2 grades (derived; replaced each run).
CREATE TABLE network_evidence (
    network_id    VARCHAR NOT NULL,
    entity_id     VARCHAR NOT NULL,
    role          VARCHAR,          -- the member's role in the network
    link_role     VARCHAR,          -- how the record links the member (offender, missing-person, subject...)
    source_id     VARCHAR NOT NULL,
    ref           VARCHAR NOT NULL,
    kind          VARCHAR,          -- event kind
    occurred_from TIMESTAMP,
    force         VARCHAR,
    offence_code  VARCHAR,
    category      VARCHAR,
    grade_source  VARCHAR,
    grade_intel   VARCHAR,
    handling      VARCHAR,
    age_at_event  INTEGER,          -- the member's age when it happened, where known
    latitude      DOUBLE,
    longitude     DOUBLE
);

-- People judged likely to be exploited, most urgent first.
CREATE TABLE safeguarding_list (
    rank        INTEGER NOT NULL,
    entity_id   VARCHAR NOT NULL,
    score       DOUBLE NOT NULL,
    age         INTEGER,
    network_id  VARCHAR,
    indicators  VARCHAR,            -- ';'-separated indicator codes
    is_child    BOOLEAN,
    nrm_referred BOOLEAN,
    home_force  VARCHAR,
    home_area   VARCHAR,            -- town or postcode district of the home address
    summary     VARCHAR
);

-- Trend, travelling-group and change alerts of the latest run, most significant first.
CREATE TABLE alerts (
    alert_id  VARCHAR PRIMARY KEY,
    kind      VARCHAR NOT NULL,     -- emerging-trend | travelling-group | change
    score     DOUBLE NOT NULL,      -- 0..100
    summary   VARCHAR NOT NULL,
    detail    JSON
);

-- The threat picture as it stood after each assessment run.
CREATE TABLE picture_snapshots (
    run_id    VARCHAR PRIMARY KEY,
    taken_at  TIMESTAMP NOT NULL,
    weights_version VARCHAR,
    picture   JSON NOT NULL
);

-- Every change alert ever raised (history; the latest run's are also in alerts).
CREATE TABLE change_alerts (
    alert_id    VARCHAR PRIMARY KEY,
    run_id      VARCHAR NOT NULL,
    raised_at   TIMESTAMP NOT NULL,
    fingerprint VARCHAR NOT NULL,
    change      VARCHAR NOT NULL,   -- new-child | new-force | new-region | new-organiser | new-front | score-threshold | safeguarded-child-reappears | new-network
    network_id  VARCHAR,
    entity_id   VARCHAR,
    score       DOUBLE NOT NULL,
    summary     VARCHAR NOT NULL,
    detail      JSON
);

-- The owner of each network by geography and scale (task stage; replaced each run).
CREATE TABLE network_owners (
    network_id  VARCHAR PRIMARY KEY,
    owner_level VARCHAR NOT NULL,     -- local | regional | national
    owner_unit  VARCHAR NOT NULL,     -- force id, region id or 'nca'
    reason      VARCHAR NOT NULL
);

-- Tasking: 4P actions per network; never issued without a named approver.
CREATE TABLE tasks (
    task_id      VARCHAR PRIMARY KEY,
    network_id   VARCHAR NOT NULL,
    strand       VARCHAR NOT NULL,  -- pursue | prevent | protect | prepare
    action       VARCHAR NOT NULL,
    action_key   VARCHAR NOT NULL,  -- stable key: the same finding never makes a second task
    kind         VARCHAR,           -- e.g. safeguarding-referral, nrm-prompt, s45-note, companies-register
    subject      VARCHAR,           -- entity the action is about, if any
    owner_level  VARCHAR NOT NULL,
    owner_unit   VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,  -- proposed | approved | in-progress | done | closed
    due          DATE,
    approved_by  VARCHAR,
    approved_at  TIMESTAMP,
    assignee     VARCHAR,
    outcome      VARCHAR,
    outcome_note VARCHAR,
    evidence     JSON,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE task_history (
    task_id    VARCHAR NOT NULL,
    seq        INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    actor      VARCHAR NOT NULL,
    from_status VARCHAR,
    to_status  VARCHAR NOT NULL,
    note       VARCHAR,
    audit_seq  BIGINT
);

CREATE TABLE assess_runs (
    run_id          VARCHAR PRIMARY KEY,
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    actor           VARCHAR,
    weights_version VARCHAR,
    networks        INTEGER,
    safeguarding    INTEGER,
    alerts          INTEGER,
    change_alerts   INTEGER
);
