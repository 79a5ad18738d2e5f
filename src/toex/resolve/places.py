"""Locations: one entity per place, flats in one building distinct but sharing ``building_id``.

Rules (keys; records sharing any key are one place):
- the UPRN, when the record has one;
- otherwise postcode + building number (or building name) + street (its first
  word, street-type words such as 'St'/'Street' dropped, so spelling variants
  agree) + flat number; a record with the flat left out joins the flat when
  its building has exactly one flat on record;
- with no postcode, the folded address and town; with neither postcode nor
  town, the folded address within the force that owns the source ('2 East Rd'
  alone is a different place in Derbyshire and in Greater Manchester).
"""

from __future__ import annotations

from toex.engine import Engine
from toex.resolve import text
from toex.resolve.keys import key_clusters

CLUSTERS = "__rs_clusters_location"


def _parts_sql() -> str:
    addr = text.address_text("address")
    return f"""
        SELECT source_id, ref, postcode, NULLIF(trim(uprn), '') AS uprn, {addr} AS addr, {text.fold('town')} AS town_key,
               {text.flat_of(addr)} AS flat,
               coalesce({text.number_of(addr)}, {text.building_name_of(addr)}) AS building,
               coalesce({text.street_key_of(addr)}, '') AS street
        FROM locations"""


def build_parts(store: Engine) -> None:
    """``__rs_loc_parts``: each location record's parsed address and its building id."""
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_loc_parts AS
        SELECT *, CASE WHEN postcode IS NOT NULL AND building IS NOT NULL
                       THEN postcode || '|' || building END AS building_id
        FROM ({_parts_sql()})""")
    store.execute("""
        CREATE OR REPLACE TEMP TABLE __rs_loc_parts AS
        WITH flats AS (
            SELECT building_id, street, min(flat) AS only_flat FROM __rs_loc_parts
            WHERE building_id IS NOT NULL AND flat IS NOT NULL GROUP BY ALL HAVING count(DISTINCT flat) = 1
        )
        SELECT p.*, coalesce(p.flat, f.only_flat) AS flat_key
        FROM __rs_loc_parts p LEFT JOIN flats f USING (building_id, street)""")


def cluster_locations(store: Engine) -> None:
    """``__rs_clusters_location(source_id, ref, cluster)``."""
    build_parts(store)
    keys = """
        SELECT source_id, ref, 'U:' || uprn AS key FROM __rs_loc_parts WHERE uprn IS NOT NULL
        UNION ALL
        SELECT source_id, ref, 'A:' || building_id || '|' || street || '|' || coalesce(flat_key, '')
        FROM __rs_loc_parts WHERE building_id IS NOT NULL
        UNION ALL
        SELECT p.source_id, p.ref, 'T:' || p.addr || '|' || coalesce(p.town_key, 'force:' || s.owner, p.source_id)
        FROM __rs_loc_parts p LEFT JOIN sources s ON s.source_id = p.source_id
        WHERE p.postcode IS NULL AND p.addr IS NOT NULL"""
    key_clusters(store, "SELECT source_id, ref FROM locations", keys, CLUSTERS)


def entities_sql() -> str:
    """``location_entities`` rows and each entity's sources, from the ids and records (coordinates from the
    postcode when missing).

    Deterministic: ``mode`` breaks ties by the smallest value (``ORDER BY``), and the
    averaged coordinates are rounded (1 cm) so parallel summation order cannot show."""
    return """
        WITH rec AS (
            SELECT i.entity_id, l.*, p.building_id
            FROM __rs_ids_location i JOIN locations l USING (source_id, ref)
            JOIN __rs_loc_parts p USING (source_id, ref)
        )
        SELECT r.entity_id, mode(r.building_id ORDER BY r.building_id) AS building_id,
               mode(r.address ORDER BY r.address) AS address, mode(r.town ORDER BY r.town) AS town,
               mode(r.postcode ORDER BY r.postcode) AS postcode,
               round(coalesce(avg(r.latitude), min(pc.latitude)), 7) AS latitude,
               round(coalesce(avg(r.longitude), min(pc.longitude)), 7) AS longitude,
               mode(r.kind ORDER BY r.kind) AS kind, mode(r.uprn ORDER BY r.uprn) AS uprn, count(*) AS records,
               list_sort(list_distinct(list(r.source_id))) AS sources
        FROM rec r LEFT JOIN __rs_postcodes pc ON pc.postcode = r.postcode
        GROUP BY r.entity_id"""


def load_postcodes(store: Engine) -> None:
    """``__rs_postcodes(postcode, latitude, longitude)`` from toex's reference data, for the postcodes in use."""
    from toex import reference

    path = str(reference.postcodes_path()).replace("'", "''")
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_postcodes AS
        SELECT postcode, latitude, longitude FROM read_parquet('{path}')
        WHERE postcode IN (SELECT postcode FROM locations WHERE postcode IS NOT NULL)""")
