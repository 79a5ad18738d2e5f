-- Schema 10: the entity tables without PRIMARY KEY constraints.
-- Every `toex resolve` run replaces these tables whole in one transaction (DELETE, then
-- INSERT of the same entity ids). DuckDB checks and rewrites a primary-key index at commit
-- for every deleted and re-inserted key: 90 s for the five tables at 1M person records, on
-- every run after the first. The ids stay unique by construction (each table is written by
-- one GROUP BY entity_id); tests/resolve check it.

CREATE TABLE entities_v10 (
    entity_id VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,
    label     VARCHAR,
    records   BIGINT,
    sources   VARCHAR[]
);
INSERT INTO entities_v10 SELECT entity_id, kind, label, records, sources FROM entities;
DROP TABLE entities;
ALTER TABLE entities_v10 RENAME TO entities;

CREATE TABLE person_entities_v10 (
    entity_id VARCHAR NOT NULL,
    forenames VARCHAR,
    surname   VARCHAR,
    dob       DATE,
    dob_year  SMALLINT,
    sex       VARCHAR,
    pnc_id    VARCHAR,
    records   BIGINT,
    sources   VARCHAR[],
    flagged   VARCHAR
);
INSERT INTO person_entities_v10
SELECT entity_id, forenames, surname, dob, dob_year, sex, pnc_id, records, sources, flagged FROM person_entities;
DROP TABLE person_entities;
ALTER TABLE person_entities_v10 RENAME TO person_entities;

CREATE TABLE location_entities_v10 (
    entity_id   VARCHAR NOT NULL,
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
INSERT INTO location_entities_v10
SELECT entity_id, building_id, address, town, postcode, latitude, longitude, kind, uprn, records FROM location_entities;
DROP TABLE location_entities;
ALTER TABLE location_entities_v10 RENAME TO location_entities;

CREATE TABLE object_entities_v10 (
    entity_id VARCHAR NOT NULL,
    kind      VARCHAR,
    value     VARCHAR,
    records   BIGINT
);
INSERT INTO object_entities_v10 SELECT entity_id, kind, value, records FROM object_entities;
DROP TABLE object_entities;
ALTER TABLE object_entities_v10 RENAME TO object_entities;

CREATE TABLE organisation_entities_v10 (
    entity_id      VARCHAR NOT NULL,
    name           VARCHAR,
    company_number VARCHAR,
    sic_code       VARCHAR,
    incorporated   DATE,
    dissolved      DATE,
    postcode       VARCHAR,
    records        BIGINT
);
INSERT INTO organisation_entities_v10
SELECT entity_id, name, company_number, sic_code, incorporated, dissolved, postcode, records FROM organisation_entities;
DROP TABLE organisation_entities;
ALTER TABLE organisation_entities_v10 RENAME TO organisation_entities;
