-- Schema 2: the reference tables that SQL stages join to. Their rows are
-- (re)loaded from the package whenever the package's reference data version
-- changes. (No ART indexes on the record tables: they slow bulk loads several
-- fold, and DuckDB's zone maps serve look-ups by source and ref well enough.)

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
