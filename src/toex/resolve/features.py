"""Person features for matching, prepared in SQL from the canonical tables.

One row per person record that has a name (records with no name at all
cannot be matched and become singletons). Nationality is never read here
(Equality Act 2010): it is not a feature, not a blocking key, not a comparison.

Columns (``person_features``):
- ``fn`` all forenames folded, ``fn1`` the first forename, ``fn1_key`` its
  canonical form in the name-variant table (the alphabetically first of its
  variants), ``fn_keys`` every variant of every forename and alias forename;
- ``sn`` surname folded, ``sn_key`` canonical form, ``sn_keys`` variants of the
  surname, its words and alias surnames;
- date of birth parts, sex (M/F only), PNC id normalised;
- ``phones`` (E.164), ``postcodes`` and ``buildings`` (postcode + building
  number/name) from the person's links to phone objects and home locations;
  ``streets`` (building number + first street word + town, :func:`text.street_address_key`)
  of the same homes, with or without a postcode (an intelligence report's address,
  an address abroad whose postcode is not a UK one); ``postcodes_abroad`` the
  postcodes of homes that are not UK ones, as written (:data:`FOREIGN_POSTCODE`),
  which also key the building (postcode + number) of such a home;
- ``documents``: the numbers of the identity documents the record holds (passport,
  identity card, residence permit: ``holds`` links to ``document`` objects);
- ``event_places``: the buildings and street addresses of the places of the events
  the record is involved in (suspect, victim, witness, subject...: the event's
  location and its further ``at`` locations), read against the other record's
  homes.
"""

from __future__ import annotations

import csv
from importlib import resources

from toex.engine import Engine, as_engine
from toex.resolve import db, text
from toex.store import Store

FEATURES = "person_features"
MATCH = "__rs_match"
VARIANTS = "__rs_name_variants"

#: A name (forename + surname) carried by more records than this is never a block on its own.
RARE_NAME = 40

#: A postcode as written that is not a UK one (ingest's normalised postcode is NULL): upper-case letters and digits,
#: kept when it has a digit and 3 to 10 characters ('4223', '010011', 'D02 X285' -> 'D02X285'), so 'N/K', 'NFA' and
#: 'UNKNOWN' are never a key. ``{raw}`` is the location's ``postcode_raw``.
FOREIGN_POSTCODE = (
    "CASE WHEN regexp_matches(regexp_replace(upper({raw}), '[^A-Z0-9]', '', 'g'), '^[A-Z0-9]{{3,10}}$') "
    "AND regexp_matches({raw}, '[0-9]') THEN regexp_replace(upper({raw}), '[^A-Z0-9]', '', 'g') END"
)

#: The most records a blocking rule compares as one block (see ``config._capped``); a bigger block is split.
BLOCK_CAP = 10

#: The keys of the capped blocking rules (see ``config._capped``), by the name of the match table's column that
#: counts each record's block: the key's parts, ``{t}`` standing for the record's table alias.
BLOCK_KEYS: dict[str, tuple[str, ...]] = {
    "ny_n": ("{t}.fn1_key", "{t}.sn_key", "{t}.dob_year"),
    "nd_n": ("{t}.fn1_key", "{t}.sn_key", "{t}.dob_month", "{t}.dob_day"),
    "sd_n": ("{t}.sn_key", "{t}.dob"),
    "fd_n": ("{t}.fn1_key", "{t}.dob"),
    "py_n": ("{t}.fn1_ph", "{t}.sn_ph", "{t}.dob_year"),
    "st_n": ("{t}.st1",),
    "fy_n": ("{t}.fn1_key", "{t}.dob_year", "left({t}.sn, 2)"),
    "sp_n": ("{t}.sn_key", "{t}.pc1"),
}


def block_join(count: str) -> str:
    """The equi-join of a capped blocking rule's key (``l.fn1_key = r.fn1_key AND ...``)."""
    return " AND ".join(f"{part.format(t='l')} = {part.format(t='r')}" for part in BLOCK_KEYS[count])


#: The columns of ``person_features``, in the order :func:`build_features` fills them.
COLUMNS: tuple[str, ...] = (
    "unique_id", "source_id", "ref", "fn", "fn1", "fn1_key", "fn_keys", "sn", "sn_key", "sn_keys",
    "dob", "dob_year", "dob_month", "dob_day", "sex", "pnc", "phones", "postcodes", "buildings", "streets",
    "event_places", "documents", "postcodes_abroad",
)

#: Link roles that tie a person to a phone, to an identity document, and to a home-like address.
PHONE_ROLES: tuple[str, ...] = ("uses", "keeper", "holds")
DOCUMENT_ROLES: tuple[str, ...] = ("holds",)
HOME_ROLES: tuple[str, ...] = ("resides-at", "stays-at")
#: Link roles that tie a person to an event (whose place may be another record's home).
EVENT_ROLES: tuple[str, ...] = ("suspect", "offender", "victim", "witness", "missing-person", "subject", "reporter")


def variant_pairs() -> list[tuple[str, str, str]]:
    """The shipped name-variant table as (name, variant, kind) rows."""
    path = resources.files("toex.resolve").joinpath("data/name_variants.csv")
    with path.open(encoding="utf-8") as handle:
        return [(row["name"], row["variant"], row["kind"]) for row in csv.DictReader(handle)]


def _components(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Each name -> the alphabetically first name of its variant group (variants of variants included)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def load_variants(target: Engine | Store) -> None:
    """``__rs_name_variants(token, keys, key)``: each folded name, its variants and its canonical key
    (the first name of its whole variant group, so 'mohammed', 'muhammad' and 'mohamed' share one key)."""
    store = as_engine(target)
    store.execute(f"DROP TABLE IF EXISTS {VARIANTS}")
    store.execute("CREATE TEMP TABLE __rs_variant_raw (name VARCHAR, variant VARCHAR, kind VARCHAR)")
    try:
        store.insert_rows("__rs_variant_raw", ("name", "variant", "kind"), variant_pairs())
        folded = store.fetchall(f"""
            SELECT DISTINCT a, b FROM (SELECT {text.fold('name')} AS a, {text.fold('variant')} AS b FROM __rs_variant_raw) v
            WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b""")
        groups = _components([(str(a), str(b)) for a, b in folded])
        store.execute("CREATE TEMP TABLE __rs_variant_key (token VARCHAR, key VARCHAR)")
        store.insert_rows("__rs_variant_key", ("token", "key"), sorted(groups.items()))
        store.execute(f"""
            CREATE TEMP TABLE {VARIANTS} AS
            WITH pairs AS (
                SELECT {text.fold('name')} AS a, {text.fold('variant')} AS b FROM __rs_variant_raw
            ), edges AS (
                SELECT a, b FROM pairs WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
                UNION SELECT b, a FROM pairs WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
            )
            SELECT e.a AS token, list_sort(list_distinct(list(e.b) || [e.a])) AS keys, any_value(k.key) AS key
            FROM edges e JOIN __rs_variant_key k ON k.token = e.a GROUP BY e.a""")
    finally:
        store.execute("DROP TABLE IF EXISTS __rs_variant_raw")
        store.execute("DROP TABLE IF EXISTS __rs_variant_key")


def _base_sql(known: bool) -> str:
    """``known``: number the records of the previous run first (their pairs are reused) and new ones after."""
    order, source = "source_id, ref", "persons"
    if known:
        order = "k.ref IS NULL, source_id, ref"
        source = ("persons LEFT JOIN (SELECT DISTINCT source_id, ref FROM entity_records WHERE kind = 'person') k "
                  "USING (source_id, ref)")
    pnc = "NULLIF(regexp_replace(upper(pnc_id), '[^0-9A-Z/]', '', 'g'), '')"
    pnc = f"regexp_replace({pnc}, '^([0-9]{{2,4}})/0*([0-9]+[A-Z])$', '\\1/\\2')"
    return f"""
        SELECT row_number() OVER (ORDER BY {order}) AS unique_id, source_id, ref,
               {text.fold('forenames')} AS fn, {text.fold('surname')} AS sn,
               {text.tokens(text.fold('forenames'))} AS fn_tokens,
               {text.tokens(text.fold('aliases'))} AS alias_words,
               dob, dob_year, dob_month, dob_day,
               CASE WHEN upper(trim(sex)) IN ('M', 'F') THEN upper(trim(sex)) END AS sex,
               {pnc} AS pnc
        FROM {source}"""


def _alias_sql() -> str:
    """Aliases are 'forenames surname': the last word is an alias surname, the others alias forenames."""
    return """
        SELECT *, alias_words[1:len(alias_words) - 1] AS alias_fn,
               alias_words[greatest(len(alias_words), 1):len(alias_words)] AS alias_sn
        FROM __rs_base0"""


def _name_keys_sql() -> str:
    """Per record: variant keys of forename tokens (+ alias words) and of surname (+ its words, alias words)."""
    return f"""
        WITH toks AS (
            SELECT unique_id, 'f' AS part, unnest(fn_tokens || alias_fn) AS token FROM __rs_base
            UNION ALL
            SELECT unique_id, 's', unnest({text.tokens('sn')} || [sn] || alias_sn) FROM __rs_base
        )
        SELECT t.unique_id, t.part, list_distinct(flatten(list(coalesce(v.keys, [t.token])))) AS keys
        FROM toks t LEFT JOIN {VARIANTS} v ON v.token = t.token
        GROUP BY t.unique_id, t.part"""


def _links_sql() -> str:
    """Per person record: phones, identity documents, home postcodes/buildings/street addresses and the places of its
    events from its source's links. A home with no (UK) postcode still gives its street address (number, street,
    town), and a building key on its postcode as written when that is not a UK one (:data:`FOREIGN_POSTCODE`)."""
    phone_roles = ", ".join(f"'{r}'" for r in PHONE_ROLES)
    document_roles = ", ".join(f"'{r}'" for r in DOCUMENT_ROLES)
    abroad = f"CASE WHEN l.postcode IS NULL THEN {FOREIGN_POSTCODE.format(raw='l.postcode_raw')} END"
    home_roles = ", ".join(f"'{r}'" for r in HOME_ROLES)
    event_roles = ", ".join(f"'{r}'" for r in EVENT_ROLES)
    addr = text.address_text("l.address")
    return f"""
        WITH phone AS (
            SELECT k.source_id, k.from_ref AS ref, list_distinct(list(o.value)) AS phones
            FROM links k JOIN objects o ON o.source_id = k.source_id AND o.ref = k.to_ref
            WHERE k.role IN ({phone_roles}) AND o.kind = 'phone' AND o.value IS NOT NULL
            GROUP BY ALL
        ), doc AS (
            SELECT k.source_id, k.from_ref AS ref, list_distinct(list(o.value)) AS documents
            FROM links k JOIN objects o ON o.source_id = k.source_id AND o.ref = k.to_ref
            WHERE k.role IN ({document_roles}) AND o.kind = 'document' AND o.value IS NOT NULL
            GROUP BY ALL
        ), places AS (  -- each location's keys once (the regular expressions are the cost)
            SELECT l.source_id, l.ref, l.postcode, {abroad} AS abroad,
                   {text.building_key(addr, f"coalesce(l.postcode, {abroad})")} AS building,
                   {text.street_address_key(addr, 'l.town')} AS street
            FROM locations l
        ), home_keys AS (
            SELECT k.source_id, k.from_ref AS ref, l.postcode, l.abroad, l.building, l.street
            FROM links k JOIN places l ON l.source_id = k.source_id AND l.ref = k.to_ref
            WHERE k.role IN ({home_roles})
        ), event_keys AS (
            SELECT k.source_id, k.from_ref AS ref, l.building, l.street
            FROM links k
            JOIN events e ON e.source_id = k.source_id AND e.ref = k.to_ref
            JOIN (SELECT source_id, ref, location_ref AS place FROM events WHERE location_ref IS NOT NULL
                  UNION SELECT source_id, from_ref, to_ref FROM links WHERE role = 'at') p
              ON p.source_id = e.source_id AND p.ref = e.ref
            JOIN places l ON l.source_id = p.source_id AND l.ref = p.place
            WHERE k.role IN ({event_roles})
        ), event AS (
            SELECT source_id, ref,
                   list_distinct(coalesce(list(building) FILTER (WHERE building IS NOT NULL), [])
                                 || coalesce(list(street) FILTER (WHERE street IS NOT NULL), [])) AS event_places
            FROM event_keys WHERE building IS NOT NULL OR street IS NOT NULL
            GROUP BY ALL
        ), home AS (
            SELECT source_id, ref, list_distinct(list(postcode) FILTER (WHERE postcode IS NOT NULL)) AS postcodes,
                   list_distinct(list(abroad) FILTER (WHERE abroad IS NOT NULL)) AS postcodes_abroad,
                   list_distinct(list(building) FILTER (WHERE building IS NOT NULL)) AS buildings,
                   list_distinct(list(street) FILTER (WHERE street IS NOT NULL)) AS streets
            FROM home_keys WHERE postcode IS NOT NULL OR abroad IS NOT NULL OR street IS NOT NULL
            GROUP BY ALL
        )
        SELECT coalesce(p.source_id, h.source_id, e.source_id, d.source_id) AS source_id,
               coalesce(p.ref, h.ref, e.ref, d.ref) AS ref,
               coalesce(p.phones, []) AS phones, coalesce(h.postcodes, []) AS postcodes,
               coalesce(h.buildings, []) AS buildings, coalesce(h.streets, []) AS streets,
               coalesce(e.event_places, []) AS event_places, coalesce(d.documents, []) AS documents,
               coalesce(h.postcodes_abroad, []) AS postcodes_abroad
        FROM phone p FULL JOIN home h ON p.source_id = h.source_id AND p.ref = h.ref
        FULL JOIN event e ON e.source_id = coalesce(p.source_id, h.source_id) AND e.ref = coalesce(p.ref, h.ref)
        FULL JOIN doc d ON d.source_id = coalesce(p.source_id, h.source_id, e.source_id)
                       AND d.ref = coalesce(p.ref, h.ref, e.ref)"""


def build_features(target: Engine | Store, known: bool = False) -> int:
    """(Re)build ``person_features`` from ``persons``/``links``; return the number of matchable records.
    With ``known`` the records already in ``entity_records`` (the previous run) get the lowest ids."""
    store = as_engine(target)
    load_variants(store)
    store.execute(f"CREATE OR REPLACE TEMP TABLE __rs_base0 AS {_base_sql(known)}")
    store.execute(f"CREATE OR REPLACE TEMP TABLE __rs_base AS {_alias_sql()}")
    store.execute(f"CREATE OR REPLACE TEMP TABLE __rs_keys AS {_name_keys_sql()}")
    store.execute(f"CREATE OR REPLACE TEMP TABLE __rs_links AS {_links_sql()}")
    store.execute(f"DELETE FROM {FEATURES}")
    store.execute(f"""
        INSERT INTO {FEATURES} ({", ".join(COLUMNS)})
        SELECT b.unique_id, b.source_id, b.ref, b.fn, b.fn_tokens[1] AS fn1,
               coalesce(vf.key, b.fn_tokens[1]) AS fn1_key, coalesce(kf.keys, []) AS fn_keys,
               b.sn, coalesce(vs.key, b.sn) AS sn_key, coalesce(ks.keys, []) AS sn_keys,
               b.dob, b.dob_year, b.dob_month, b.dob_day, b.sex, b.pnc,
               coalesce(k.phones, []), coalesce(k.postcodes, []), coalesce(k.buildings, []), coalesce(k.streets, []),
               coalesce(k.event_places, []), coalesce(k.documents, []), coalesce(k.postcodes_abroad, [])
        FROM __rs_base b
        LEFT JOIN {VARIANTS} vf ON vf.token = b.fn_tokens[1]
        LEFT JOIN {VARIANTS} vs ON vs.token = b.sn
        LEFT JOIN __rs_keys kf ON kf.unique_id = b.unique_id AND kf.part = 'f'
        LEFT JOIN __rs_keys ks ON ks.unique_id = b.unique_id AND ks.part = 's'
        LEFT JOIN __rs_links k ON k.source_id = b.source_id AND k.ref = b.ref
        WHERE b.fn IS NOT NULL OR b.sn IS NOT NULL""")
    for table in ("__rs_base0", "__rs_base", "__rs_keys", "__rs_links"):
        store.execute(f"DROP TABLE IF EXISTS {table}")
    return int(db.value(store, f"SELECT count(*) FROM {FEATURES}"))


def match_sql() -> str:
    """``person_features`` plus the blocking keys (never compared, so ``toex explain`` does not need them):
    ``sn1_key`` canonical first word of the surname (a swapped 'Smith / Adam Oliver' has forename 'smith'
    and surname word 'adam'), ``fn1_ph``/``sn_ph`` phonetic keys (typos and spellings in both names),
    ``bld1``/``ph1``/``st1``/``pc1`` one home building, one phone, one home street address and one home postcode (UK,
    else abroad) (shared by records of one person), ``nm_rare``/``ph_rare`` the name (canonical / phonetic) when at most :data:`RARE_NAME` records carry it
    (``nm_count``/``ph_count`` records carry the canonical / phonetic name): a record with no date of birth is compared
    on its name alone only when the name is rare enough to mean something; and the size of each record's block under
    each capped blocking rule (:data:`BLOCK_KEYS`)."""
    sn1 = f"{text.tokens('f.sn')}[1]"
    counts = ",\n                   ".join(
        f"count(*) OVER (PARTITION BY {', '.join(part.format(t='x') for part in key)}) AS {name}"
        for name, key in BLOCK_KEYS.items())
    count_columns = ", ".join(f"n.{name}" for name in ("nm_count", "ph_count", *BLOCK_KEYS))
    return f"""
        WITH names AS (
            SELECT fn1 AS name FROM {FEATURES} WHERE fn1 IS NOT NULL UNION SELECT sn FROM {FEATURES} WHERE sn IS NOT NULL
        ), sounds AS (  -- each distinct name is keyed once
            SELECT name, {text.sound('name')} AS ph FROM names
        ), k AS (
            SELECT f.*, coalesce(v.key, {sn1}) AS sn1_key, pf.ph AS fn1_ph, ps.ph AS sn_ph,
                   list_min(f.buildings) AS bld1, list_min(f.phones) AS ph1, list_min(f.documents) AS doc1,
                   list_min(f.streets) AS st1, coalesce(list_min(f.postcodes), list_min(f.postcodes_abroad)) AS pc1
            FROM {FEATURES} f LEFT JOIN {VARIANTS} v ON v.token = {sn1}
            LEFT JOIN sounds pf ON pf.name = f.fn1 LEFT JOIN sounds ps ON ps.name = f.sn
        ), n AS (  -- the counts on the key columns only: a window over the wide rows costs several times more
            SELECT unique_id, count(*) OVER (PARTITION BY fn1_key, sn_key) AS nm_count,
                   count(*) OVER (PARTITION BY fn1_ph, sn_ph) AS ph_count,
                   {counts}
            FROM (SELECT unique_id, fn1_key, sn_key, sn, fn1_ph, sn_ph, dob, dob_year, dob_month, dob_day, st1, pc1 FROM k) x
        )
        SELECT k.*, {count_columns},
               CASE WHEN n.nm_count <= {RARE_NAME} THEN k.fn1_key || ' ' || k.sn_key END AS nm_rare,
               CASE WHEN n.ph_count <= {RARE_NAME} THEN k.fn1_ph || ' ' || k.sn_ph END AS ph_rare
        FROM k JOIN n ON n.unique_id = k.unique_id"""


def build_match_table(target: Engine | Store) -> None:
    """Materialise :func:`match_sql` once (``__rs_match``): training and scoring read it."""
    store = as_engine(target)
    store.execute(f"CREATE OR REPLACE TEMP TABLE {MATCH} AS {match_sql()}")
