"""The safeguarding list: people judged likely to be exploited, most urgent first.

Safeguarding first: everyone listed is a potential victim, every summary uses
non-criminalising words (potential victim, likely exploited), never the
language of enforcement, and children keep the children's-services route and
the NRM prompt. A person is listed when they are an ``exploited`` member of a
network or their exploitation indicators (``person_indicators``) reach the
threshold in ``weights.yaml``. The order follows the strength of the evidence
that they are being exploited (identified exploitation in a network, the
number and weight of indicators, corroboration by independent sources, being
a child, an NRM referral, missing episodes, recency); being a child or
NRM-referred breaks ties (docs/assessment.md, "People to safeguard").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from toex import reference
from toex.assess.config import Weights
from toex.assess.facts import age_sql, date_literal
from toex.engine import Engine, as_engine
from toex.store import Store

#: Words a safeguarding summary must never use of the person it describes.
CRIMINALISING_WORDS = ("offender", "suspect", "criminal", "perpetrator", "gang member", "culprit", "accused")


@dataclass(frozen=True)
class Route:
    """Where a safeguarding referral goes."""

    force: str | None
    area: str | None
    is_child: bool
    nrm_referred: bool

    def text(self) -> str:
        """The route in words."""
        force_name = _force_name(self.force) if self.force else "the force where they live (home address not known)"
        services = "children's services" if self.is_child else "adult social care"
        area = f"for {self.area}" if self.area else "where they live"
        text = f"safeguarding referral to {force_name} and local authority {services} {area}"
        if self.nrm_referred:
            text += "; already referred to the NRM: support the referral"
        return text


def _force_name(force_id: str) -> str:
    try:
        return reference.force(force_id).name
    except KeyError:
        return force_id


#: Name under which the postcode-district reference table is registered for the home-address query.
DISTRICTS_TABLE = "__ref_postcode_districts"


def register_districts(engine: Engine) -> None:
    """Make the postcode-district reference (district -> force) queryable as :data:`DISTRICTS_TABLE`."""
    import pyarrow as pa

    frame = reference.postcode_districts()[["district", "force_id"]]
    engine.register(DISTRICTS_TABLE, pa.table({
        "district": pa.array(frame["district"].astype(object).where(frame["district"].notna(), None), pa.string()),
        "force_id": pa.array(frame["force_id"].astype(object).where(frame["force_id"].notna(), None), pa.string()),
    }))


def home_addresses_sql() -> str:
    """SQL: each person entity's latest home address with its force (postcode district, else events).

    Reads :data:`DISTRICTS_TABLE` (see :func:`register_districts`).
    """
    return f"""
        SELECT res.entity_id, res.town, res.postcode, split_part(res.postcode, ' ', 1) AS district, pd.force_id
        FROM (
            SELECT per.entity_id, le.town, le.postcode,
                   row_number() OVER (PARTITION BY per.entity_id
                                      ORDER BY CASE WHEN l.role = 'resides-at' THEN 0 ELSE 1 END,
                                               l.since DESC NULLS LAST, le.postcode NULLS LAST,
                                               le.entity_id, l.source_id, l.to_ref) AS rn
            FROM entity_records per
            JOIN links l ON l.source_id = per.source_id AND l.from_ref = per.ref AND l.from_kind = 'person'
                 AND l.role IN ('resides-at', 'stays-at')
            JOIN entity_records lr ON lr.source_id = l.source_id AND lr.ref = l.to_ref AND lr.kind = 'location'
            JOIN location_entities le ON le.entity_id = lr.entity_id
            WHERE per.kind = 'person'
        ) res LEFT JOIN {DISTRICTS_TABLE} pd ON pd.district = split_part(res.postcode, ' ', 1)
        WHERE res.rn = 1
    """


#: Components of the safeguarding score, in the order they are explained (weights in ``weights.yaml``).
SAFEGUARDING_COMPONENTS = ("network", "indicators", "corroboration", "child", "nrm", "missing", "recency")
#: The columns of ``safeguarding_list``, in the order they are written.
LIST_COLUMNS = ("rank", "entity_id", "score", "age", "network_id", "indicators", "is_child", "nrm_referred",
                "home_force", "home_area")


def _candidates_sql(engine: Engine) -> str:
    """SQL for ``__sg``: one row per person to consider, with every fact the score reads."""
    d = engine.dialect
    has_indicators = engine.table_exists("person_indicators")
    indicators = (
        f"""SELECT entity_id, sum(weight) AS w, count(*) AS n,
                   array_to_string({d.list_agg('indicator', 'ind_order')}, ';') AS codes
            FROM (SELECT entity_id, indicator, weight,
                         row_number() OVER (PARTITION BY entity_id ORDER BY weight DESC, indicator) AS ind_order
                  FROM (SELECT entity_id, indicator, max(weight) AS weight FROM person_indicators
                        GROUP BY entity_id, indicator) ind_max) ind_ordered
            GROUP BY entity_id"""
        if has_indicators
        else "SELECT NULL::VARCHAR AS entity_id, 0.0 AS w, 0 AS n, NULL::VARCHAR AS codes WHERE false"
    )
    # independent sources behind a person's indicators (each evidence item carries its source)
    ind_sources = (
        f"SELECT entity_id, unnest({d.json_array_field('evidence', 'source_id')}) AS source_id "
        "FROM person_indicators WHERE evidence IS NOT NULL"
        if has_indicators
        else "SELECT NULL::VARCHAR AS entity_id, NULL::VARCHAR AS source_id WHERE false"
    )
    ranked_networks = (
        "SELECT network_id, rank FROM network_scores" if engine.table_exists("network_scores")
        else "SELECT NULL::VARCHAR AS network_id, NULL::INTEGER AS rank WHERE false"
    )
    home = home_addresses_sql() if engine.table_exists("location_entities") else (
        "SELECT NULL::VARCHAR AS entity_id, NULL::VARCHAR AS town, NULL::VARCHAR AS postcode, "
        "NULL::VARCHAR AS district, NULL::VARCHAR AS force_id WHERE false")
    control_items = d.list_length(d.json_array_field("nm.evidence", "source_id"))
    return f"""
        WITH ind AS ({indicators}),
        membership AS (
            SELECT nm.entity_id, nm.network_id, nm.role,
                   -- an organiser's control evidence pointing at them (records copied into their evidence)
                   CASE WHEN nm.role = 'exploited' THEN coalesce({control_items}, 0) ELSE 0 END AS control_items,
                   row_number() OVER (PARTITION BY nm.entity_id
                                      ORDER BY CASE WHEN nm.role = 'exploited' THEN 0 ELSE 1 END,
                                               coalesce(r.rank, 99999), nm.network_id) AS pick
            FROM network_members nm LEFT JOIN ({ranked_networks}) r ON r.network_id = nm.network_id
            WHERE nm.kind = 'person'
        ),
        mem AS (
            SELECT entity_id, max(CASE WHEN pick = 1 THEN network_id END) AS network_id,
                   bool_or(role = 'exploited') AS exploited, max(control_items) AS control_items
            FROM membership GROUP BY entity_id
        ),
        cand AS (
            SELECT entity_id FROM ind WHERE w >= ?
            UNION SELECT entity_id FROM mem WHERE exploited
        ),
        person_events AS (
            SELECT DISTINCT er.entity_id, e.source_id, e.ref, e.kind, e.force, e.occurred_from
            FROM cand JOIN entity_records er ON er.entity_id = cand.entity_id AND er.kind = 'person'
            JOIN links l ON l.source_id = er.source_id AND l.from_ref = er.ref AND l.from_kind = 'person'
                 AND l.to_kind = 'event'
            JOIN events e ON e.source_id = l.source_id AND e.ref = l.to_ref
        ),
        ev AS (
            SELECT entity_id,
                   count(DISTINCT source_id || ':' || ref) FILTER (WHERE kind = 'missing-episode') AS missing,
                   bool_or(kind = 'nrm-referral') AS nrm,
                   max(occurred_from) AS last_record
            FROM person_events GROUP BY entity_id
        ),
        -- the force most of their events are in (ties: the first force by name); counted per link, as before
        usual AS (
            SELECT entity_id, force AS usual_force FROM (
                SELECT entity_id, force, row_number() OVER (PARTITION BY entity_id ORDER BY n DESC, force) AS pick
                FROM (SELECT er.entity_id, e.force, count(*) AS n
                      FROM cand JOIN entity_records er ON er.entity_id = cand.entity_id AND er.kind = 'person'
                      JOIN links l ON l.source_id = er.source_id AND l.from_ref = er.ref
                           AND l.from_kind = 'person' AND l.to_kind = 'event'
                      JOIN events e ON e.source_id = l.source_id AND e.ref = l.to_ref
                      WHERE e.force IS NOT NULL GROUP BY er.entity_id, e.force) per_force
            ) ranked WHERE pick = 1
        ),
        -- independent sources: those of the indicators' evidence and of the person's own records
        srcs AS (
            SELECT entity_id, count(DISTINCT source_id) AS sources FROM (
                SELECT s.entity_id, s.source_id FROM ({ind_sources}) s JOIN cand ON cand.entity_id = s.entity_id
                UNION ALL SELECT entity_id, source_id FROM person_events
            ) all_sources WHERE source_id IS NOT NULL GROUP BY entity_id
        ),
        home AS ({home})
        SELECT cand.entity_id,
               {{age_today}} AS age_today,
               {{age_then}} AS age_then,
               coalesce(ind.w, 0) AS ind_w, coalesce(ind.n, 0) AS ind_n, ind.codes, mem.network_id,
               coalesce(mem.exploited, false) AS exploited, coalesce(mem.control_items, 0) AS control_items,
               coalesce(ev.missing, 0) AS missing, coalesce(ev.nrm, false) AS nrm,
               coalesce(srcs.sources, 0) AS sources,
               CASE WHEN ev.last_record IS NULL THEN NULL
                    ELSE greatest(0, date_diff('day', CAST(ev.last_record AS DATE), {{at}})) END AS days_since,
               coalesce(home.force_id, usual.usual_force) AS home_force,
               coalesce(home.town || ' (' || home.district || ')', home.town, home.district) AS home_area
        FROM cand
        LEFT JOIN ind ON ind.entity_id = cand.entity_id
        LEFT JOIN mem ON mem.entity_id = cand.entity_id
        LEFT JOIN ev ON ev.entity_id = cand.entity_id
        LEFT JOIN usual ON usual.entity_id = cand.entity_id
        LEFT JOIN srcs ON srcs.entity_id = cand.entity_id
        LEFT JOIN home ON home.entity_id = cand.entity_id
        LEFT JOIN person_entities pe ON pe.entity_id = cand.entity_id
        """


def build_safeguarding(store: Store | Engine, weights: Weights, at: date, today: date | None = None) -> int:
    """Replace ``safeguarding_list``; return how many people are on it.

    The list is ordered by the strength of the evidence that the person is being exploited (see
    docs/assessment.md, "People to safeguard"): identified exploitation (an exploited member of a
    detected network, with an organiser's control evidence pointing at them) weighs most, then
    the exploitation indicators (their number and weight), corroboration by independent sources,
    being a child, an NRM referral, missing episodes and how recent the records are. Being a child
    or NRM-referred breaks ties; it no longer puts one weak indicator ahead of a network's victims.
    """
    engine = as_engine(store)
    cfg = weights.safeguarding
    w = {str(k): float(v) for k, v in (cfg.get("weights") or {}).items()}
    w = {k: w.get(k, 0.0) for k in SAFEGUARDING_COMPONENTS}
    total_w = sum(w.values()) or 1.0
    today = today or at  # 'today' is the dataset's latest record, as in detect
    register_districts(engine)
    try:
        sql = (_candidates_sql(engine)
               .replace("{age_today}", age_sql("pe.dob", "pe.dob_year", date_literal(today)))
               .replace("{age_then}", age_sql("pe.dob", "pe.dob_year", date_literal(at)))
               .replace("{at}", date_literal(at)))
        engine.create_table("__sg", sql, [float(cfg.get("min_indicator_weight", 1.0))])
    finally:
        engine.unregister(DISTRICTS_TABLE)
    scale = float(cfg.get("indicator_scale", 3.0))
    missing_full = float(cfg.get("missing_at_full", 4))
    sources_full = float(cfg.get("sources_at_full", 4))
    control_full = float(cfg.get("control_at_full", 2))
    control_share = float(cfg.get("control_share", 0.4))
    recency_days = float(cfg.get("recency_days", 365))
    rows = engine.fetchall(
        f"""
        SELECT row_number() OVER (ORDER BY score DESC, CASE WHEN is_child OR nrm THEN 0 ELSE 1 END, ind_w DESC,
                                  entity_id) AS rank,
               entity_id, score, age_today, network_id, codes, is_child, nrm, home_force, home_area, missing
        FROM (
            SELECT *, round(100 * (
                       {w['network']} * CAST(exploited AS INTEGER)
                           * ({1.0 - control_share} + {control_share} * least(1.0, control_items / {control_full}))
                     + {w['indicators']} * (1 - exp(-ind_w / {scale}))
                     + {w['corroboration']} * least(1.0, sources / {sources_full})
                     + {w['child']} * CAST(is_child AS INTEGER)
                     + {w['nrm']} * CAST(nrm AS INTEGER)
                     + {w['missing']} * least(1.0, missing / {missing_full})
                     + {w['recency']} * coalesce(exp(-days_since / {recency_days}), 0)
                   ) / {total_w}, 1) AS score
            FROM (SELECT *, coalesce(age_then < 18 OR age_today < 18, false) AS is_child FROM __sg) sg
        ) scored
        ORDER BY rank
        """
    )
    listed = [(*row[:10], summarise_person(row[1], row[3], row[4], row[5], bool(row[6]), bool(row[7]), row[8],
                                            row[9], int(row[10] or 0))) for row in rows]
    engine.execute("DELETE FROM safeguarding_list")
    engine.insert_rows("safeguarding_list", (*LIST_COLUMNS, "summary"), listed, types=_list_types())
    return len(listed)


def _list_types() -> dict[str, Any]:
    import pyarrow as pa

    return {"rank": pa.int32(), "entity_id": pa.string(), "score": pa.float64(), "age": pa.int32(),
            "network_id": pa.string(), "indicators": pa.string(), "is_child": pa.bool_(),
            "nrm_referred": pa.bool_(), "home_force": pa.string(), "home_area": pa.string(), "summary": pa.string()}


def summarise_person(entity_id: str, age: int | None, network_id: str | None, indicators: str | None,
                     is_child: bool, nrm: bool, home_force: str | None, home_area: str | None,
                     missing: int) -> str:
    """A plain, non-criminalising sentence about a person to safeguard."""
    who = ("Child" if is_child else "Adult") + (f" aged {age}" if age is not None else "")
    text = f"{who} ({entity_id}) is a potential victim of exploitation"
    if network_id:
        text += f", likely exploited by network {network_id}"
    n_ind = len([c for c in (indicators or "").split(";") if c])
    if n_ind:
        text += f"; {n_ind} exploitation indicator(s) present"
    if missing:
        text += f"; {missing} missing episode(s)"
    route = Route(home_force, home_area, is_child, nrm)
    text += f". Route: {route.text()}"
    if is_child and not nrm:
        text += "; consider an NRM referral (a child does not need to consent)"
    return text + "."
