-- Schema 2: look-up indexes on provenance and the reference tables that SQL
-- stages join to. The reference tables' rows are (re)loaded from the package
-- whenever the package's reference data version changes.

CREATE INDEX persons_src_ref ON persons (source_id, ref);
CREATE INDEX locations_src_ref ON locations (source_id, ref);
CREATE INDEX objects_src_ref ON objects (source_id, ref);
CREATE INDEX organisations_src_ref ON organisations (source_id, ref);
CREATE INDEX events_src_ref ON events (source_id, ref);

CREATE TABLE ref_forces (
    force_id VARCHAR PRIMARY KEY, name VARCHAR, short_name VARCHAR, policeuk_name VARCHAR,
    region_id VARCHAR, country VARCHAR, latitude DOUBLE, longitude DOUBLE
);
CREATE TABLE ref_regions (region_id VARCHAR PRIMARY KEY, name VARCHAR, unit_name VARCHAR, kind VARCHAR);
CREATE TABLE ref_offence_codes (
    offence_code VARCHAR PRIMARY KEY, description VARCHAR, "group" VARCHAR, subgroup VARCHAR,
    policeuk_category VARCHAR
);
CREATE TABLE ref_policeuk_categories (label VARCHAR PRIMARY KEY, slug VARCHAR);
