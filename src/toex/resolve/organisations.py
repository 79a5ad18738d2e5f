"""Organisations: by company number when present, otherwise normalised name plus registered address.

Company numbers are compared upper-case without spaces, all-digit numbers
padded to Companies House's 8 digits. Names are folded and their legal forms
and punctuation dropped ('ACME Cars Ltd.' = 'Acme Cars Limited'); a name links
records only together with the postcode of the registered (or trading)
address, or, for records with no address at all, by name alone (joining the one
company with a number that has that name, when there is exactly one).
"""

from __future__ import annotations

from toex.engine import Engine
from toex.resolve import text
from toex.resolve.keys import key_clusters

CLUSTERS = "__rs_clusters_organisation"


def company_number(expr: str) -> str:
    """'sc 12345' -> 'SC012345'; '1234567' -> '01234567'."""
    raw = f"NULLIF(regexp_replace(upper({expr}), '[^A-Z0-9]', '', 'g'), '')"
    return (
        f"CASE WHEN regexp_full_match({raw}, '[0-9]{{1,8}}') THEN lpad({raw}, 8, '0') "
        f"WHEN regexp_full_match({raw}, '[A-Z]{{2}}[0-9]{{1,6}}') THEN left({raw}, 2) || lpad(substr({raw}, 3), 6, '0') "
        f"ELSE {raw} END"
    )


def build_parts(store: Engine) -> None:
    """``__rs_org_parts``: number, name key and registered postcode per organisation record."""
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_org_parts AS
        WITH addr AS (
            SELECT k.source_id, k.from_ref AS ref,
                   min(l.postcode) FILTER (WHERE k.role = 'registered-at') AS registered,
                   min(l.postcode) AS any_postcode
            FROM links k JOIN locations l ON l.source_id = k.source_id AND l.ref = k.to_ref
            WHERE k.role IN ('registered-at', 'trades-at') AND l.postcode IS NOT NULL
            GROUP BY ALL
        )
        SELECT o.source_id, o.ref, {company_number('o.company_number')} AS number,
               {text.company_name_key('o.name')} AS name_key, coalesce(a.registered, a.any_postcode) AS postcode
        FROM organisations o LEFT JOIN addr a USING (source_id, ref)""")


def cluster_organisations(store: Engine) -> None:
    """``__rs_clusters_organisation(source_id, ref, cluster)``."""
    build_parts(store)
    keys = """
        SELECT source_id, ref, 'C:' || number AS key FROM __rs_org_parts WHERE number IS NOT NULL
        UNION ALL
        SELECT source_id, ref, 'N:' || name_key || '|' || postcode FROM __rs_org_parts
        WHERE name_key IS NOT NULL AND postcode IS NOT NULL
        UNION ALL
        SELECT source_id, ref, 'N:' || name_key FROM __rs_org_parts
        WHERE name_key IS NOT NULL AND postcode IS NULL AND number IS NULL
        UNION ALL
        SELECT source_id, ref, 'N:' || name_key FROM __rs_org_parts
        WHERE number IS NOT NULL AND name_key IN (
            SELECT name_key FROM __rs_org_parts WHERE number IS NOT NULL GROUP BY name_key
            HAVING count(DISTINCT number) = 1)"""
    key_clusters(store, "SELECT source_id, ref FROM organisations", keys, CLUSTERS)


def entities_sql() -> str:
    """``organisation_entities`` rows and each entity's sources (``mode`` ties go to the smallest value)."""
    return """
        SELECT i.entity_id, mode(o.name ORDER BY o.name) AS name, mode(p.number ORDER BY p.number) AS company_number,
               mode(o.sic_code ORDER BY o.sic_code) AS sic_code, min(o.incorporated) AS incorporated,
               max(o.dissolved) AS dissolved, mode(p.postcode ORDER BY p.postcode) AS postcode,
               count(*) AS records, list_sort(list_distinct(list(i.source_id))) AS sources
        FROM __rs_ids_organisation i JOIN organisations o USING (source_id, ref)
        JOIN __rs_org_parts p USING (source_id, ref)
        GROUP BY i.entity_id"""
