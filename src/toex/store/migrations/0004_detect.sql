-- Schema 4: the graph and detect stages' output tables (toex.graph, toex.detect).
-- Every table is replaced as a whole by each `toex analyse` run, inside one
-- transaction (DELETE + INSERT), so an interrupted run leaves the previous
-- results. No column of these tables is derived from nationality or ethnicity.

-- One node per resolved entity (P-/L-/T-/O-) and per event (E:<source_id>:<ref>).
CREATE TABLE graph_nodes (
    node_id  VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,   -- person | location | object | organisation | event
    label    VARCHAR,
    subkind  VARCHAR,            -- event kind, location kind, object kind, organisation kind
    force    VARCHAR,            -- events: force where it happened
    occurred TIMESTAMP           -- events: occurred_from
);

-- Typed, time-bounded edges with provenance and 3x5x2 grading.
CREATE TABLE graph_edges (
    src       VARCHAR NOT NULL,
    dst       VARCHAR NOT NULL,
    type      VARCHAR NOT NULL,  -- see docs/detectors.md "Edge types"
    since     DATE,
    until     DATE,
    source_id VARCHAR,           -- provenance: the source of the link or event that gave the edge
    ref       VARCHAR,           -- its ref in that source (event ref, or the linking record's ref)
    grading   VARCHAR,           -- 3x5x2 grade of intelligence evidence, e.g. '1B P'; NULL otherwise
    weight    DOUBLE,            -- evidence weight 0..1 from the grading (1 for non-intelligence records)
    derived   BOOLEAN            -- true for person-person edges derived from shared events/places/objects
);

CREATE TABLE trend_alerts (
    alert_id     VARCHAR NOT NULL,   -- 'T-0001'
    force        VARCHAR,
    offence_code VARCHAR,
    category     VARCHAR,
    grp          VARCHAR,            -- 'all' | 'age:10-17' | 'age:18-24' | 'age:25+' | 'age:unknown' | 'sex:F' | 'sex:M'
    period_from  DATE,
    period_to    DATE,
    observed     BIGINT,
    expected     DOUBLE,
    score        DOUBLE,             -- -log10(p), capped; higher = more surprising
    p_value      DOUBLE,
    summary      VARCHAR,
    basis        VARCHAR,            -- 'pole' (records with persons) | 'police-uk' (street-level aggregates)
    q_value      DOUBLE,             -- Benjamini-Hochberg adjusted p-value over every cell tested
    tested       BIGINT              -- number of cells tested in this run (the multiple-testing family)
);

CREATE TABLE travelling_groups (
    group_id       VARCHAR NOT NULL,   -- 'G-0001'
    members        VARCHAR[],
    forces         VARCHAR[],
    period_from    DATE,
    period_to      DATE,
    events         BIGINT,
    mobility_score DOUBLE,
    summary        VARCHAR,
    regions        VARCHAR[],
    children       BIGINT,             -- members under 18 at the time of the joint offending
    sprees         BIGINT,
    median_distance_km DOUBLE,         -- median distance of joint offences from members' home addresses
    evidence       JSON                -- list of {reason, source_id, ref}
);

CREATE TABLE person_indicators (
    entity_id VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,        -- code defined in src/toex/detect/indicators.yaml
    weight    DOUBLE,
    evidence  JSON,                    -- list of {reason, source_id, ref}
    threat    VARCHAR                  -- the threat the indicator points to
);

CREATE TABLE networks (
    network_id VARCHAR NOT NULL,       -- 'N-0001'
    threats    VARCHAR[],
    forces     VARCHAR[],
    regions    VARCHAR[],
    summary    VARCHAR,
    members    BIGINT,
    organisers BIGINT,
    exploited  BIGINT,
    children   BIGINT,
    evidence   JSON                    -- why it is a network and why each threat: list of {reason, source_id, ref}
);

CREATE TABLE network_members (
    network_id VARCHAR NOT NULL,
    entity_id  VARCHAR NOT NULL,
    kind       VARCHAR,                -- person | location | object | organisation
    role       VARCHAR,                -- organiser | exploited | associate | facilitator | front
    evidence   JSON,                   -- list of {reason, source_id, ref}
    age        INTEGER,                -- age today (relative to the dataset's latest event), persons only
    safeguarding VARCHAR               -- safeguarding route for children and NRM-referred people
);

CREATE TABLE analysis_runs (
    run_id      VARCHAR NOT NULL,
    started_at  TIMESTAMP,
    finished_at TIMESTAMP,
    actor       VARCHAR,
    config      JSON,
    as_of       DATE,                  -- the dataset's latest event date: 'today' for ages
    counts      JSON,
    summary     VARCHAR
);
