"""All SQL of the API. Every query filters records through :mod:`toex.api.access`.

Functions take a :class:`~toex.store.Store` (a per-request cursor) and the
:class:`~toex.api.access.User`, and return plain dicts for the routes. They
never return a record, entity, event, edge or evidence item the user may not
see; ``None`` means "no such thing in your scope" (the route answers 404).
"""

from __future__ import annotations

import json
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from toex.api.access import User, record_visible, visible_forces
from toex.api.index import CLASS_RANKS, build_id
from toex.ingest.phones import to_e164
from toex.store import Store

Row = dict[str, Any]
EVENT_PREFIX = "E:"
_HIDDEN_FIELDS = frozenset({"source_id", "ref", "forenames_norm", "surname_norm", "name_norm", "attributes"})


# -- helpers ----------------------------------------------------------------
def _rows(store: Store, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    cur = store.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _json(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def fold(text: str) -> str:
    """Case and accents folded, apostrophes dropped, other punctuation to spaces (as name_key)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("'", "").replace("’", "").replace("`", "")
    return " ".join("".join(c if "a" <= c <= "z" else " " for c in stripped).split())


_TABLES: dict[str, frozenset[str]] = {}


def refresh_tables(store: Store) -> None:
    """Remember which tables exist (the stages' tables may land after the API starts); forget cached look-ups."""
    _TABLES["main"] = frozenset(str(r[0]) for r in store.fetchall(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"))
    _SIMILAR.clear()
    _BUILD_CACHE.clear()


#: Results that change only when the stages run, per (store file, data version, name, key); see :func:`per_build`.
_BUILD_CACHE: dict[tuple[Any, ...], Any] = {}
_BUILD_CACHE_MAX = 1024


#: The data version each request's store (a cursor) reads, looked up once per request.
_VERSIONS: weakref.WeakKeyDictionary[Store, tuple[Any, ...] | None] = weakref.WeakKeyDictionary()


def data_version(store: Store) -> tuple[Any, ...] | None:
    """The version of the stages' data a reader sees: the access index build and the last assessment.

    The index is rebuilt (with a new build id) whenever the fingerprint of the ingest, resolve and
    analyse tables changes; the assessment's tables (scores, safeguarding list) are versioned by its runs.
    """
    if store in _VERSIONS:
        return _VERSIONS[store]
    version: tuple[Any, ...] | None
    if not (table_ready(store, "assess_runs") and table_ready(store, "safeguarding_list")):
        bid = build_id(store)
        version = None if bid is None else (bid,)
    else:
        row = store.fetchall(
            "SELECT (SELECT value FROM api_index_state WHERE key = 'build'), (SELECT max(finished_at) FROM assess_runs), "
            "(SELECT count(*) FROM assess_runs), (SELECT count(*) FROM safeguarding_list)")[0]
        version = None if row[0] is None else tuple(row)
    _VERSIONS[store] = version
    return version


def access_key(user: User) -> tuple[Any, ...]:
    """What the record filter of :func:`record_visible` depends on: users with the same key see the same records."""
    return (user.national, () if user.national else tuple(sorted(user.forces)), user.handling_c, user.clearance_rank)


def per_build(store: Store, name: str, key: tuple[Any, ...], compute: Any) -> Any:
    """``compute()``, cached until the stages' data changes (see :func:`data_version`).

    The cached value is shared between requests: callers must not change it.
    """
    if store.path is None:
        return compute()
    version = data_version(store)
    if version is None:
        return compute()
    cache_key = (str(store.path), version, name, key)
    if cache_key in _BUILD_CACHE:
        return _BUILD_CACHE[cache_key]
    value = compute()
    if len(_BUILD_CACHE) >= _BUILD_CACHE_MAX:
        _BUILD_CACHE.clear()
    _BUILD_CACHE[cache_key] = value
    return value


def table_ready(store: Store, name: str) -> bool:
    """Whether a stage's table exists (cached; refreshed with the index)."""
    if "main" not in _TABLES:
        refresh_tables(store)
    return name in _TABLES["main"]


def ph(values: Sequence[Any]) -> str:
    """Placeholders for a constant IN list (constant lists let DuckDB prune sorted tables by zone maps)."""
    return "(" + ", ".join("?" * len(values)) + ")" if values else "(NULL)"


def split_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    items = list(dict.fromkeys(pairs))
    return [p[0] for p in items], [p[1] for p in items]


def visible_refs(store: Store, user: User, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (source_id, ref) pairs among ``pairs`` whose record the user may see."""
    wanted = set(pairs)
    if not wanted:
        return set()
    sources = sorted({p[0] for p in wanted})
    refs = sorted({p[1] for p in wanted})
    pred, params = record_visible(user, "r")
    rows = store.fetchall(
        f"""WITH r AS MATERIALIZED (SELECT * FROM api_record_access WHERE ref IN {ph(refs)})
        SELECT DISTINCT r.source_id, r.ref FROM r WHERE r.source_id IN {ph(sources)} AND {pred}""",
        [*refs, *sources, *params],
    )
    return {(str(s), str(r)) for s, r in rows} & wanted


def visible_entities(store: Store, user: User, ids: Iterable[str]) -> set[str]:
    """The entity (or event node) ids among ``ids`` with at least one visible record."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    pred, params = record_visible(user, "r")
    rows = store.fetchall(
        f"""WITH r AS MATERIALIZED (SELECT * FROM api_record_access WHERE entity_id IN {ph(wanted)})
        SELECT DISTINCT r.entity_id FROM r WHERE {pred}""",
        [*wanted, *params],
    )
    return {str(r[0]) for r in rows}


def filter_evidence(store: Store, user: User, items: Any, ok: set[tuple[str, str]] | None = None) -> list[Any]:
    """Evidence items ({reason, source_id, ref}...) whose record is visible; items without a record are kept."""
    parsed = _json(items)
    if not isinstance(parsed, list):
        return []
    if ok is None:
        ok = visible_refs(store, user, _evidence_pairs(parsed))
    out = []
    for i in parsed:
        if not isinstance(i, dict):
            continue
        src = i.get("source_id") or i.get("source")
        if src and i.get("ref"):
            if (str(src), str(i["ref"])) in ok:
                out.append(i)
        elif not any(k in i for k in ("entity_id", "members")):
            out.append(i)
    return out


def labels(store: Store, user: User, ids: Iterable[str]) -> dict[str, str]:
    """A label per entity, made from its visible records only."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    pred, params = record_visible(user, "r")
    rows = store.fetchall(
        f"""WITH r AS MATERIALIZED (SELECT * FROM api_record_access WHERE entity_id IN {ph(wanted)})
        SELECT r.entity_id, mode(r.label) FROM r WHERE {pred} AND r.label IS NOT NULL AND r.label <> ''
        GROUP BY r.entity_id""",
        [*wanted, *params],
    )
    found = {str(e): str(lab) for e, lab in rows}
    return {i: found.get(i, i) for i in wanted}


class Access(NamedTuple):
    """What :func:`access_lookup` found visible: records by (source_id, ref), entities with label and kind."""

    refs: set[tuple[str, str]]
    labels: dict[str, str]
    kinds: dict[str, str]

    @property
    def entities(self) -> set[str]:
        return set(self.labels)


def access_lookup(store: Store, user: User, pairs: Iterable[tuple[str, str]] = (), ids: Iterable[str] = ()) -> Access:
    """:func:`visible_refs` of ``pairs`` and :func:`visible_entities` (with :func:`labels`) of ``ids``, in one query.

    ``labels`` holds the visible entities only (a label made from their visible records, else the id).
    """
    wanted = set(pairs)
    ents = sorted(set(ids))
    if not wanted and not ents:
        return Access(set(), {}, {})
    ctes: list[str] = []
    selects: list[str] = []
    head: list[Any] = []
    tail: list[Any] = []
    if wanted:
        refs = sorted({p[1] for p in wanted})
        sources = sorted({p[0] for p in wanted})
        pred, params = record_visible(user, "a")
        ctes.append(f"a AS MATERIALIZED (SELECT * FROM api_record_access WHERE ref IN {ph(refs)})")
        head += refs
        selects.append(f"SELECT DISTINCT 'r' AS k, a.source_id AS x, a.ref AS y, NULL AS z FROM a "
                       f"WHERE a.source_id IN {ph(sources)} AND {pred}")
        tail += [*sources, *params]
    if ents:
        pred, params = record_visible(user, "b")
        ctes.append(f"b AS MATERIALIZED (SELECT * FROM api_record_access WHERE entity_id IN {ph(ents)})")
        head += ents
        selects.append("SELECT 'e', b.entity_id, mode(b.label) FILTER (WHERE b.label IS NOT NULL AND b.label <> ''), "
                       f"any_value(b.kind) FROM b WHERE {pred} GROUP BY b.entity_id")
        tail += params
    rows = store.fetchall("WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(selects), [*head, *tail])
    found: set[tuple[str, str]] = set()
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for k, x, y, z in rows:
        if k == "r":
            found.add((str(x), str(y)))
        else:
            names[str(x)] = str(y) if y is not None else str(x)
            kinds[str(x)] = str(z)
    return Access(found & wanted, names, kinds)


def _evidence_pairs(items: Any) -> list[tuple[str, str]]:
    parsed = _json(items)
    if not isinstance(parsed, list):
        return []
    return [(str(i.get("source_id") or i.get("source")), str(i.get("ref"))) for i in parsed
            if isinstance(i, dict) and (i.get("source_id") or i.get("source")) and i.get("ref")]


def paginate(items: list[Row], page: int, page_size: int) -> dict[str, Any]:
    start = (page - 1) * page_size
    return {"items": items[start:start + page_size], "total": len(items), "page": page, "page_size": page_size}


# -- search -----------------------------------------------------------------
@cache
def name_variants() -> dict[str, frozenset[str]]:
    """Folded name -> its folded variants (both directions, grouped by name)."""
    groups: dict[str, set[str]] = {}
    text = resources.files("toex.resolve").joinpath("data/name_variants.csv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        parts = line.split(",")
        if len(parts) < 2:
            continue
        a, b = fold(parts[0]), fold(parts[1])
        if not a or not b:
            continue
        merged = groups.get(a, {a}) | groups.get(b, {b})
        for key in merged:
            groups[key] = merged
    return {k: frozenset(v) for k, v in groups.items()}


def _dob_filter(dob: str | None) -> tuple[str, list[Any]]:
    if not dob:
        return "", []
    parts = [p for p in dob.replace("/", "-").split("-") if p]
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        return "", []
    if len(nums) >= 3:
        return " AND (s.dob = make_date(?, ?, ?) OR (s.dob IS NULL AND s.dob_year = ?))", [nums[0], nums[1], nums[2], nums[0]]
    if len(nums) == 2:
        return " AND s.dob_year = ? AND (s.dob_month IS NULL OR s.dob_month = ?)", [nums[0], nums[1]]
    if len(nums) == 1:
        return " AND s.dob_year = ?", [nums[0]]
    return "", []


#: (store file, part, name key) -> similar keys: names recur across searches; cleared when the index is rebuilt.
_SIMILAR: dict[tuple[str, str, str], dict[str, float]] = {}
_SIMILAR_MAX = 20_000


def _similar_keys(store: Store, part: str, key: str) -> dict[str, float]:
    if store.path is None:
        return _similar_keys_sql(store, part, key)
    cache_key = (str(store.path), part, key)
    found = _SIMILAR.get(cache_key)
    if found is None:
        found = _similar_keys_sql(store, part, key)
        if len(_SIMILAR) >= _SIMILAR_MAX:
            _SIMILAR.clear()
        _SIMILAR[cache_key] = found
    return dict(found)


def _similar_keys_sql(store: Store, part: str, key: str, threshold: float = 0.88, limit: int = 60) -> dict[str, float]:
    variants = name_variants().get(key, frozenset({key}))
    rows = store.fetchall(
        """SELECT name_key, CASE WHEN name_key IN (SELECT unnest(?::VARCHAR[])) THEN 1.0
                                 ELSE jaro_winkler_similarity(name_key, ?) END AS sim
        FROM api_name_keys WHERE part = ?
          AND (name_key IN (SELECT unnest(?::VARCHAR[])) OR jaro_winkler_similarity(name_key, ?) >= ?)
        ORDER BY sim DESC LIMIT ?""",
        [sorted(variants), key, part, sorted(variants), key, threshold, limit],
    )
    out = {str(k): float(s) for k, s in rows}
    for v in variants:  # exact variants score just under the name itself
        if v in out and v != key:
            out[v] = min(out[v], 0.95)
    return out


def search_person(store: Store, user: User, q: str, dob: str | None, limit: int) -> list[Row]:
    """Fuzzy person search: name variants and misspellings (Jaro-Winkler), partial date of birth."""
    tokens = fold(q.replace(",", " ")).split()
    if not tokens:
        return []
    if "," in q:  # "Surname, Forename"
        tokens = tokens[1:] + tokens[:1]
    pred, params = record_visible(user, "s")
    dob_sql, dob_params = _dob_filter(dob)
    combos: list[tuple[dict[str, float], dict[str, float]]] = []
    if len(tokens) == 1:
        combos.append(({}, _similar_keys(store, "sn", tokens[0])))
        combos.append((_similar_keys(store, "fn", tokens[0]), {}))
    else:
        fn, sn = tokens[0], tokens[-1]
        combos.append((_similar_keys(store, "fn", fn), _similar_keys(store, "sn", sn)))
        combos.append((_similar_keys(store, "fn", sn), _similar_keys(store, "sn", fn)))  # swapped names
    scored: dict[tuple[str, str], float] = {}
    found: dict[tuple[str, str], tuple[Any, ...]] = {}
    for fns, sns in combos:
        if not fns and not sns:
            continue
        # the table is sorted by surname key: select the surname keys' rows first (a few row-group
        # segments), then the forename keys, date of birth and scope on those rows only
        first, then = (("s.sn_key", sorted(sns)), ("s.fn_key", sorted(fns))) if sns else \
            (("s.fn_key", sorted(fns)), ("s.sn_key", []))
        more = f" AND {then[0]} IN {ph(then[1])}" if then[1] else ""
        rows = store.fetchall(
            f"""WITH s AS MATERIALIZED (SELECT * FROM api_person_search s WHERE {first[0]} IN {ph(first[1])})
            SELECT s.source_id, s.ref, s.fn_key, s.sn_key, coalesce(s.entity_id, 'R:' || s.source_id || ':' || s.ref),
                   s.forenames, s.surname, s.dob, s.dob_year
            FROM s WHERE true{more}{dob_sql} AND {pred} LIMIT 5000""",
            [*first[1], *then[1], *dob_params, *params],
        )
        for source_id, ref, fk, sk, *rest in rows:
            parts = ([fns.get(str(fk), 0.0)] if fns else []) + ([sns.get(str(sk), 0.0)] if sns else [])
            score = sum(parts) / len(parts)
            key = (str(source_id), str(ref))
            scored[key] = max(scored.get(key, 0.0), score)
            found[key] = (source_id, ref, *rest)
    if not scored:
        return []
    rows = list(found.values())
    best: dict[str, Row] = {}
    names: dict[str, Counter[str]] = {}
    for source_id, ref, eid, fns_, sns_, dob_, year in rows:
        score = scored[(str(source_id), str(ref))] + (0.05 if dob and (dob_ or year) else 0.0)
        names.setdefault(eid, Counter())[f"{fns_ or ''} {sns_ or ''}".strip()] += 1
        hit = best.get(eid)
        born = _iso(dob_) or (str(year) if year else None)
        if hit is None:
            best[eid] = {"entity_id": eid, "kind": "person", "score": score, "born": born, "records": 1}
        else:
            hit["records"] += 1
            hit["score"] = max(hit["score"], score)
            hit["born"] = hit["born"] or born
    out = []
    for eid, hit in best.items():
        detail = ", ".join(x for x in (f"born {hit['born']}" if hit["born"] else "", f"{hit['records']} record{'' if hit['records'] == 1 else 's'}") if x)
        out.append({"entity_id": eid, "kind": "person", "label": names[eid].most_common(1)[0][0] or eid,
                    "detail": detail, "score": round(min(1.0, hit["score"]), 3)})
    out.sort(key=lambda h: (-h["score"], h["label"]))
    return out[:limit]


def _record_search(store: Store, user: User, kind: str, table: str, where: str, args: list[Any], label: str,
                   detail: str, limit: int, score: str = "1.0") -> list[Row]:
    """Records of ``table`` matching ``where``, then the visible ones, grouped by entity (best first).

    Two steps: the matching records first (a scan of one table), then their access rows by the
    indexed ref (a constant list), rather than a join of the table with every record's access row.
    """
    found = store.fetchall(
        f"SELECT t.source_id, t.ref, {label}, {detail}, {score} FROM {table} t WHERE {where} LIMIT 20000", args)
    if not found:
        return []
    access = _visible_access(store, user, kind, [(str(r[0]), str(r[1])) for r in found])
    groups: dict[str, tuple[Counter[str], Counter[str], list[float]]] = {}
    for source_id, ref, lab, det, sc in found:
        eid = access.get((str(source_id), str(ref)), False)
        if eid is False:
            continue
        key = str(eid) if eid is not None else f"R:{source_id}:{ref}"
        labels_, details, scores = groups.setdefault(key, (Counter(), Counter(), []))
        if lab is not None:
            labels_[str(lab)] += 1
        if det is not None:
            details[str(det)] += 1
        scores.append(float(sc))
    best = sorted(((round(max(scores), 3), e) for e, (_l, _d, scores) in groups.items()), key=lambda x: (-x[0], x[1]))
    return [{"entity_id": e, "kind": kind, "label": _most_common(groups[e][0]) or e,
             "detail": _most_common(groups[e][1]) or "", "score": sc} for sc, e in best[:limit]]


def _most_common(counts: Counter[str]) -> str | None:
    """The most frequent value; ties go to the smallest (deterministic)."""
    if not counts:
        return None
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def _visible_access(store: Store, user: User, kind: str, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """(source_id, ref) -> entity id (None when unresolved) of the visible records of ``kind`` among ``pairs``."""
    wanted = set(pairs)
    sources = sorted({p[0] for p in wanted})
    refs = sorted({p[1] for p in wanted})
    pred, params = record_visible(user, "r")
    rows = store.fetchall(
        f"""WITH r AS MATERIALIZED (SELECT * FROM api_record_access WHERE ref IN {ph(refs)})
        SELECT r.source_id, r.ref, r.entity_id FROM r WHERE r.kind = ? AND r.source_id IN {ph(sources)} AND {pred}""",
        [*refs, kind, *sources, *params],
    )
    return {(str(s), str(r)): (None if e is None else str(e)) for s, r, e in rows if (str(s), str(r)) in wanted}


def search_phone(store: Store, user: User, q: str, limit: int) -> list[Row]:
    value = to_e164(q)
    if value is None:
        return []
    return _record_search(store, user, "object", "objects", "t.kind = 'phone' AND t.value = ?", [value],
                          "t.value", "'phone'", limit)


def search_vehicle(store: Store, user: User, q: str, limit: int) -> list[Row]:
    vrm = "".join(c for c in q.upper() if c.isalnum())
    if not vrm:
        return []
    return _record_search(store, user, "object", "objects", "t.kind = 'vehicle' AND t.value = ?", [vrm],
                          "t.value", "coalesce(t.description, 'vehicle')", limit)


def search_postcode(store: Store, user: User, q: str, limit: int) -> list[Row]:
    compact = "".join(c for c in q.upper() if c.isalnum())
    if len(compact) < 2:
        return []
    full = f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else None
    where = "(t.postcode = ? OR starts_with(t.postcode, ?))"
    return _record_search(store, user, "location", "locations", where, [full or compact, compact + " "],
                          "concat_ws(', ', t.address, t.town, t.postcode)", "coalesce(t.kind, 'location')", limit,
                          score=f"CASE WHEN t.postcode = {_lit(full or '')} THEN 1.0 ELSE 0.8 END")


def search_address(store: Store, user: User, q: str, limit: int) -> list[Row]:
    words = [w for w in fold(q).split() if w]
    if not words:
        return []
    where = " AND ".join(["lower(concat_ws(' ', t.address, t.town)) LIKE ?"] * len(words))
    return _record_search(store, user, "location", "locations", where, [f"%{w}%" for w in words],
                          "concat_ws(', ', t.address, t.town, t.postcode)", "coalesce(t.kind, 'location')", limit, "0.9")


def search_company(store: Store, user: User, q: str, limit: int) -> list[Row]:
    key = fold(q)
    number = q.strip().upper()
    if not key and not number:
        return []
    where = "(t.company_number = ? OR t.name_norm LIKE ? OR jaro_winkler_similarity(t.name_norm, ?) >= 0.9)"
    return _record_search(store, user, "organisation", "organisations", where, [number, f"%{key}%", key],
                          "t.name", "concat_ws(' ', t.kind, t.company_number)", limit,
                          "jaro_winkler_similarity(coalesce(t.name_norm, ''), " + _lit(key) + ")")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- records and entities ----------------------------------------------------
_KIND_TABLE = {"person": "persons", "location": "locations", "object": "objects", "organisation": "organisations",
               "event": "events"}


#: Up to this many records, :func:`_records` looks each (source_id, ref) up by equality (3-5 ms on the medium
#: store, against 8-18 ms for the IN lists, which read more row groups); above it the IN lists are cheaper.
_FEW_PAIRS = 8


def _source_info(store: Store) -> dict[str, Row]:
    """source id -> its name, owner, kind and classification (cached per data version)."""
    info: dict[str, Row] = per_build(store, "sources", (), lambda: {str(r["source_id"]): r for r in _rows(
        store, "SELECT source_id, name AS source_name, owner, kind AS source_kind, classification FROM sources")})
    return info


def _records(store: Store, kind: str, pairs: list[tuple[str, str]]) -> list[Row]:
    if not pairs:
        return []
    wanted = set(pairs)
    if len(wanted) <= _FEW_PAIRS:  # a few records (most entities): one zone-map probe per pair
        ordered = sorted(wanted)
        where = " OR ".join(["(t.source_id = ? AND t.ref = ?)"] * len(ordered))
        args: list[Any] = [x for pair in ordered for x in pair]
    else:
        sources = sorted({p[0] for p in wanted})
        refs = sorted({p[1] for p in wanted})
        where = f"t.source_id IN {ph(sources)} AND t.ref IN {ph(refs)}"
        args = [*sources, *refs]
    rows = [r for r in _rows(store, f"""SELECT t.* FROM {_KIND_TABLE[kind]} t WHERE {where}
        ORDER BY t.source_id, t.ref""", args) if (r["source_id"], r["ref"]) in wanted]
    info = _source_info(store)
    out = []
    for row in rows:
        src = info.get(str(row["source_id"]), {})
        fields = {k: _plain(v) for k, v in row.items() if k not in _HIDDEN_FIELDS and v is not None}
        attrs = _json(row.get("attributes"))
        if isinstance(attrs, dict) and attrs:
            fields["attributes"] = attrs
        out.append({"source_id": row["source_id"], "ref": row["ref"], "kind": kind,
                    "source_name": src.get("source_name"), "owner": src.get("owner"),
                    "source_kind": src.get("source_kind"), "classification": src.get("classification"),
                    "grading": row.get("grading"), "handling": row.get("handling"), "fields": fields})
    return out


def record(store: Store, user: User, source_id: str, ref: str) -> Row | None:
    """One visible source record with provenance (events first if refs collide)."""
    pred, params = record_visible(user, "r")
    rows = store.fetchall(
        f"""WITH r AS MATERIALIZED (SELECT * FROM api_record_access WHERE ref = ?)
        SELECT r.kind, r.entity_id FROM r WHERE r.source_id = ? AND {pred} ORDER BY r.kind = 'event' DESC""",
        [ref, source_id, *params],
    )
    if not rows:
        return None
    kind, eid = str(rows[0][0]), rows[0][1]
    found = _records(store, kind, [(source_id, ref)])
    if not found:
        return None
    return {**found[0], "entity_id": eid}


def _mode(values: Iterable[Any]) -> Any:
    counted = Counter(v for v in values if v not in (None, ""))
    return counted.most_common(1)[0][0] if counted else None


def _attributes(kind: str, recs: list[Row]) -> tuple[str, Row]:
    f = [r["fields"] for r in recs]
    if kind == "person":
        attrs = {"forenames": _mode(x.get("forenames") for x in f), "surname": _mode(x.get("surname") for x in f),
                 "dob": _mode(x.get("dob") for x in f), "dob_year": _mode(x.get("dob_year") for x in f),
                 "sex": _mode(x.get("sex") for x in f), "pnc_id": _mode(x.get("pnc_id") for x in f),
                 "aliases": sorted({str(x["aliases"]) for x in f if x.get("aliases")})}
        label = " ".join(str(v) for v in (attrs["forenames"], attrs["surname"]) if v)
    elif kind == "location":
        attrs = {k: _mode(x.get(k) for x in f) for k in ("address", "town", "postcode", "kind", "latitude", "longitude", "uprn")}
        label = ", ".join(str(attrs[k]) for k in ("address", "town", "postcode") if attrs.get(k))
    elif kind == "object":
        attrs = {"kind": _mode(x.get("kind") for x in f), "value": _mode(x.get("value") or x.get("value_raw") for x in f),
                 "description": _mode(x.get("description") for x in f)}
        label = str(attrs["value"] or "")
    elif kind == "organisation":
        attrs = {k: _mode(x.get(k) for x in f) for k in ("name", "company_number", "kind", "sic_code", "incorporated", "dissolved")}
        label = str(attrs["name"] or "")
    else:
        attrs = {k: _mode(x.get(k) for x in f) for k in ("kind", "occurred_from", "occurred_to", "force", "offence_code",
                                                         "category", "description", "grading", "outcome")}
        label = " ".join(str(v) for v in (attrs["kind"], attrs["category"] or attrs["offence_code"],
                                          str(attrs["occurred_from"] or "")[:10]) if v)
    return label, attrs


def _visible_records(store: Store, user: User, entity_id: str) -> list[tuple[str, str, str]]:
    pred, params = record_visible(user, "r")
    return [(str(k), str(s), str(r)) for k, s, r in store.fetchall(
        f"""WITH r AS MATERIALIZED (SELECT * FROM api_record_access WHERE entity_id = ?)
        SELECT r.kind, r.source_id, r.ref FROM r WHERE {pred} ORDER BY 2, 3""",
        [entity_id, *params])]


def _edge_visible_sql(user: User, alias: str = "e") -> tuple[str, list[Any]]:
    """The SQL part of edge visibility (handling C grades); :func:`_visible_edges` checks the provenance."""
    c = "true" if user.handling_c else f"NOT coalesce(upper(trim({alias}.grading)) LIKE '% C', false)"
    return c, []


def _visible_edges(store: Store, user: User, edges: list[Row]) -> list[Row]:
    """Edges whose provenance record (when they have one) the user may see."""
    ok = visible_refs(store, user, [(str(e["source_id"]), str(e["ref"])) for e in edges if e.get("source_id")])
    return [e for e in edges if not e.get("source_id") or (str(e["source_id"]), str(e["ref"])) in ok]


def entity_links(store: Store, user: User, entity_id: str, limit: int = 500) -> list[Row]:
    if not table_ready(store, "graph_edges"):
        return []
    evis, eparams = _edge_visible_sql(user, "e")
    rows = _rows(store, f"""WITH e AS MATERIALIZED (SELECT * FROM api_adjacency WHERE node = ?)
        SELECT e.other AS other_id, e.source, e.target, e.type, e.since, e.until, e.grading, e.source_id, e.ref
        FROM e WHERE {evis}
        ORDER BY e.type, other_id LIMIT ?""", [entity_id, *eparams, limit * 4])
    # the edges' provenance records and the other ends, with their labels, in one look-up
    acc = access_lookup(store, user, [(str(r["source_id"]), str(r["ref"])) for r in rows if r.get("source_id")],
                        [r["other_id"] for r in rows])
    rows = [r for r in rows if (not r.get("source_id") or (str(r["source_id"]), str(r["ref"])) in acc.refs)
            and r["other_id"] in acc.labels][:limit]
    names = acc.labels
    return [{**{k: _plain(v) for k, v in r.items()}, "other_label": names.get(r["other_id"], r["other_id"])} for r in rows]


def entity_profile(store: Store, user: User, entity_id: str) -> Row | None:
    """The profile of an entity (or event node) built from the user's visible records only."""
    recs = _visible_records(store, user, entity_id)
    if not recs:
        return None
    kind = recs[0][0]
    records = _records(store, kind, [(s, r) for _k, s, r in recs if _k == kind])
    label, attrs = _attributes(kind, records)
    links = entity_links(store, user, entity_id)
    event_ids = [lk["other_id"] for lk in links if str(lk["other_id"]).startswith(EVENT_PREFIX)]
    events = _events(store, user, event_ids, checked=True)
    places = _places(store, user, [lk["other_id"] for lk in links], events,
                     names={lk["other_id"]: lk["other_label"] for lk in links})
    if kind == "location" and attrs.get("latitude") is not None:
        places.insert(0, {"latitude": attrs["latitude"], "longitude": attrs["longitude"], "label": label,
                          "kind": attrs.get("kind") or "location", "when": None})
    indicators: list[Row] = []
    if table_ready(store, "person_indicators"):
        rows = _rows(store, "SELECT indicator, weight, evidence, threat FROM person_indicators WHERE entity_id = ? "
                     "ORDER BY weight DESC", [entity_id])
        ok = visible_refs(store, user, [p for r in rows for p in _evidence_pairs(r["evidence"])])
        for row in rows:
            raw = _json(row["evidence"])
            ev = filter_evidence(store, user, raw, ok)
            if isinstance(raw, list) and raw and not ev:
                continue  # resting only on records out of scope
            indicators.append({"indicator": row["indicator"], "code": row["indicator"], "weight": row["weight"],
                               "threat": row["threat"], "evidence": ev})
    networks: list[Row] = []
    safeguarding: Row | None = None
    if table_ready(store, "network_members"):
        for row in _rows(store, "SELECT network_id, role, age, safeguarding FROM network_members WHERE entity_id = ? "
                         "ORDER BY network_id", [entity_id]):
            networks.append({"network_id": row["network_id"], "role": row["role"]})
            if row["safeguarding"]:
                safeguarding = {"route": row["safeguarding"], "age": row["age"]}
    return {"entity_id": entity_id, "kind": kind, "label": label or entity_id, "attributes": attrs,
            "records": records, "events": events, "links": links, "indicators": indicators,
            "networks": networks, "places": places, "safeguarding": safeguarding}


def _events(store: Store, user: User, event_ids: list[str], checked: bool = False) -> list[Row]:
    """The events of event node ids; ``checked``: the ids are of visible event nodes already (their one record)."""
    pairs = []
    for eid in event_ids:
        parts = eid.split(":", 2)
        if len(parts) == 3:
            pairs.append((parts[1], parts[2]))
    ok = set(pairs) if checked else visible_refs(store, user, pairs)
    recs = _records(store, "event", sorted(ok))
    out = []
    for r in recs:
        f = r["fields"]
        out.append({"event_id": f"{EVENT_PREFIX}{r['source_id']}:{r['ref']}", "when": f.get("occurred_from"),
                    "kind": f.get("kind"), "label": f.get("category") or f.get("offence_code") or f.get("description"),
                    "force": f.get("force"), "grading": f.get("grading"), "source_id": r["source_id"], "ref": r["ref"],
                    "latitude": f.get("latitude"), "longitude": f.get("longitude")})
    out.sort(key=lambda e: str(e["when"] or ""))
    return out


def _places(store: Store, user: User, ids: list[str], events: list[Row], names: dict[str, str] | None = None) -> list[Row]:
    """Map points: the located places among ``ids`` (``names``: their labels, when already made) and the events."""
    locs = [i for i in ids if i.startswith("L-")]
    out: list[Row] = []
    if locs:
        if names is None or any(i not in names for i in locs):
            names = labels(store, user, locs)
        for row in _rows(store, "SELECT entity_id, latitude, longitude, kind FROM location_entities "
                         "WHERE entity_id IN (SELECT unnest(?::VARCHAR[])) AND latitude IS NOT NULL", [sorted(set(locs))]):
            if row["entity_id"] in names:
                out.append({"latitude": row["latitude"], "longitude": row["longitude"], "label": names[row["entity_id"]],
                            "kind": row["kind"] or "location", "when": None, "entity_id": row["entity_id"]})
    for e in events:
        if e.get("latitude") is not None:
            out.append({"latitude": e["latitude"], "longitude": e["longitude"], "label": e.get("label") or e["event_id"],
                        "kind": e.get("kind") or "event", "when": e.get("when"), "event_id": e["event_id"]})
    return out


# -- explain ----------------------------------------------------------------
def explain(store: Store, user: User, left: tuple[str, str], right: tuple[str, str]) -> Row | None:
    # the format resolve writes; imported here, as resolve loads Splink
    from toex.resolve.pairs import parse_explanation

    ok = visible_refs(store, user, [left, right])
    if left not in ok or right not in ok or not table_ready(store, "person_match_pairs"):
        return None
    rows = _rows(store, """SELECT * FROM person_match_pairs
        WHERE (source_id_l = ? AND ref_l = ? AND source_id_r = ? AND ref_r = ?)
           OR (source_id_l = ? AND ref_l = ? AND source_id_r = ? AND ref_r = ?) LIMIT 1""",
                 [*left, *right, *right, *left])
    ents = dict(store.fetchall(
        "SELECT source_id || ':' || ref, entity_id FROM entity_records WHERE kind = 'person' AND "
        "((source_id = ? AND ref = ?) OR (source_id = ? AND ref = ?))", [*left, *right]))
    base = {"left": f"{left[0]}:{left[1]}", "right": f"{right[0]}:{right[1]}",
            "left_entity": ents.get(f"{left[0]}:{left[1]}"), "right_entity": ents.get(f"{right[0]}:{right[1]}")}
    base["same_entity"] = base["left_entity"] is not None and base["left_entity"] == base["right_entity"]
    if not rows:
        return {**base, "scored": False, "match_weight": None, "match_probability": None, "linked": base["same_entity"],
                "comparisons": [], "explanation": "this pair was not scored (below the review floor or not a candidate)"}
    row = rows[0]
    comparisons = [{"comparison": name, "level": level, "weight": weight}
                   for name, level, weight in parse_explanation(row.get("explanation"))]
    return {**base, "scored": True, "match_weight": row.get("match_weight"), "match_probability": row.get("match_probability"),
            "linked": row.get("linked"), "contradiction": row.get("contradiction"), "cut": row.get("cut"),
            "comparisons": comparisons, "explanation": row.get("explanation")}


# -- graph ------------------------------------------------------------------
def _graph(store: Store, user: User, node_ids: set[str], edges: list[Row], roles: dict[str, str] | None = None,
           known: Access | None = None) -> Row:
    """Nodes (label, kind, role) and edges; ``known``: an :func:`access_lookup` of visible ``node_ids`` already made."""
    names: dict[str, str]
    kinds: dict[Any, Any]
    if known is not None and node_ids <= known.entities:
        names, kinds = known.labels, known.kinds
    else:
        names = labels(store, user, node_ids)
        ordered = sorted(node_ids)
        kinds = dict(store.fetchall(f"""WITH r AS MATERIALIZED (SELECT * FROM api_record_access WHERE entity_id IN {ph(ordered)})
            SELECT DISTINCT entity_id, kind FROM r""", ordered)) if node_ids else {}
    nodes: list[Row] = [{"id": n, "kind": kinds.get(n, "event" if n.startswith(EVENT_PREFIX) else "entity"), "label": names.get(n, n),
              "role": (roles or {}).get(n), "attributes": {}} for n in sorted(node_ids)]
    return {"nodes": nodes, "edges": [{k: _plain(v) for k, v in e.items()} for e in edges]}


def _edges_between(store: Store, user: User, frontier: list[str], types: list[str] | None, limit: int) -> list[Row]:
    evis, eparams = _edge_visible_sql(user, "e")
    tsql = f" AND e.type IN {ph(types)}" if types else ""
    nodes = sorted(set(frontier))
    return _visible_edges(store, user, _rows(
        store, f"""WITH e AS MATERIALIZED (SELECT * FROM api_adjacency WHERE node IN {ph(nodes)})
        SELECT DISTINCT e.source, e.target, e.type, e.since, e.until, e.grading, e.source_id, e.ref
        FROM e WHERE true{tsql} AND {evis} LIMIT ?""",
        [*nodes, *(types or []), *eparams, limit]))


def neighbourhood(store: Store, user: User, entity_id: str, hops: int, types: list[str] | None,
                  max_nodes: int = 400) -> Row | None:
    if not visible_entities(store, user, [entity_id]):
        return None
    if not table_ready(store, "graph_edges"):
        return {"nodes": [], "edges": []}
    seen = {entity_id}
    frontier = [entity_id]
    kept: dict[tuple[Any, ...], Row] = {}
    for _ in range(hops):
        if not frontier or len(seen) >= max_nodes:
            break
        edges = _edges_between(store, user, frontier, types, max_nodes * 4)
        others = {e["target"] if e["source"] in frontier else e["source"] for e in edges}
        ok = visible_entities(store, user, others - seen) | (others & seen)
        nxt = []
        for e in edges:
            if e["source"] in ok | seen and e["target"] in ok | seen:
                for n in (e["source"], e["target"]):
                    if n not in seen and len(seen) < max_nodes:
                        seen.add(n)
                        nxt.append(n)
                if e["source"] in seen and e["target"] in seen:
                    kept[(e["source"], e["target"], e["type"], e["source_id"], e["ref"])] = e
        frontier = nxt
    return _graph(store, user, seen, list(kept.values()))


def shortest_path(store: Store, user: User, a: str, b: str, max_hops: int = 6) -> Row | None:
    """Breadth-first over the visible graph from both ends; None when either end is not visible."""
    if visible_entities(store, user, [a, b]) != {a, b}:
        return None
    if a == b or not table_ready(store, "graph_edges"):
        return _graph(store, user, {a}, [])
    parents: dict[str, tuple[str | None, Row | None]] = {a: (None, None)}
    frontier = [a]
    for _ in range(max_hops):
        edges = _edges_between(store, user, frontier, None, 20000)
        step: dict[str, tuple[str, Row]] = {}
        fs = set(frontier)
        for e in edges:
            for x, y in ((e["source"], e["target"]), (e["target"], e["source"])):
                if x in fs and y not in parents and y not in step:
                    step[y] = (x, e)
        ok = visible_entities(store, user, step)
        for y, (x, e) in step.items():
            if y in ok:
                parents[y] = (x, e)
        if b in parents:
            break
        frontier = [y for y in step if y in ok][:5000]
        if not frontier:
            break
    if b not in parents:
        return {"nodes": [], "edges": [], "found": False}
    nodes, path_edges = set(), []
    cur: str | None = b
    while cur is not None:
        nodes.add(cur)
        prev, edge = parents[cur]
        if edge is not None:
            path_edges.append(edge)
        cur = prev
    return {**_graph(store, user, nodes, list(reversed(path_edges))), "found": True}


# -- networks ---------------------------------------------------------------
def _network_rows(store: Store, network_id: str | None = None) -> list[Row]:
    if not table_ready(store, "networks"):
        return []
    scores = table_ready(store, "network_scores")
    owners = table_ready(store, "network_owners")
    return _rows(store, f"""SELECT n.network_id, {'s.rank, s.score, s.breakdown, s.summary AS score_summary' if scores else
        'NULL AS rank, NULL AS score, NULL AS breakdown, NULL AS score_summary'},
        n.threats, n.forces, n.regions, n.summary, n.evidence,
        {'o.owner_level, o.owner_unit' if owners else 'NULL AS owner_level, NULL AS owner_unit'}
        FROM networks n {'LEFT JOIN network_scores s USING (network_id)' if scores else ''}
        {'LEFT JOIN network_owners o USING (network_id)' if owners else ''}
        WHERE ? IS NULL OR n.network_id = ?
        ORDER BY {'s.rank NULLS LAST, ' if scores else ''}n.network_id""", [network_id, network_id])


class MemberCounts(NamedTuple):
    """Members of a network a user sees, of all its members, and why the others are withheld."""

    visible: int
    total: int
    handling_c: int = 0  # in scope and clearance, known only from handling code C intelligence
    above_clearance: int = 0  # in scope, known only from records above the user's clearance

    @property
    def outside_scope(self) -> int:
        return self.total - self.visible - self.handling_c - self.above_clearance

    @property
    def complete(self) -> bool:
        return self.visible == self.total

    def withheld(self) -> dict[str, int]:
        return {"outside_scope": self.outside_scope, "handling_c": self.handling_c,
                "above_clearance": self.above_clearance}


def _member_visibility(store: Store, user: User, network_ids: list[str] | None = None) -> dict[str, MemberCounts]:
    """network -> its :class:`MemberCounts` for the user (every network's, cached per data version and access)."""
    counts: dict[str, MemberCounts] = per_build(store, "members", access_key(user),
                                                lambda: _member_visibility_sql(store, user))
    if network_ids is None:
        return dict(counts)
    return {n: counts[n] for n in network_ids if n in counts}


def _member_visibility_sql(store: Store, user: User, network_ids: list[str] | None = None) -> dict[str, MemberCounts]:
    pred, params = record_visible(user, "r")
    cleared = replace(user, handling_c=True)
    pred_c, params_c = record_visible(cleared, "r")
    pred_s, params_s = record_visible(replace(cleared, clearance=max(CLASS_RANKS, key=CLASS_RANKS.__getitem__)), "r")
    where = f"WHERE m.network_id IN {ph(network_ids)}" if network_ids is not None else ""
    rows = store.fetchall(
        f"""WITH vis AS (SELECT r.network_id, r.entity_id, bool_or({pred}) AS v, bool_or({pred_c}) AS vc,
                                bool_or({pred_s}) AS vs
                         FROM api_member_records r GROUP BY 1, 2)
        SELECT m.network_id, count(DISTINCT m.entity_id) FILTER (WHERE v.v),
               count(DISTINCT m.entity_id),
               count(DISTINCT m.entity_id) FILTER (WHERE v.vc AND NOT v.v),
               count(DISTINCT m.entity_id) FILTER (WHERE v.vs AND NOT v.vc)
        FROM network_members m
        LEFT JOIN vis v ON v.network_id = m.network_id AND v.entity_id = m.entity_id {where} GROUP BY 1""",
        [*params, *params_c, *params_s, *(network_ids or [])],
    )
    return {str(n): MemberCounts(int(v), int(t), int(c), int(k)) for n, v, t, c, k in rows}


def withheld_text(counts: MemberCounts, what: str = "network") -> str:
    """What of a partly visible network is withheld, and why, in words."""
    def n(count: int) -> str:
        return f"{count} member{'s' if count != 1 else ''}"

    reasons = []
    if counts.outside_scope:
        reasons.append(f"{n(counts.outside_scope)} outside your scope")
    if counts.handling_c:
        reasons.append(f"{n(counts.handling_c)} known only from handling code C intelligence, "
                       "which you are not cleared to see")
    if counts.above_clearance:
        reasons.append(f"{n(counts.above_clearance)} known only from records above your clearance")
    listed = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return f"Part of this {what} is withheld from you: {listed}. Its summary is withheld; the members you may see are shown."


def _network_summary(user: User, row: Row, counts: MemberCounts) -> Row:
    full = counts.complete
    return {"network_id": row["network_id"], "rank": row["rank"], "score": row["score"],
            "threats": list(row["threats"] or []),
            "forces": list(row["forces"] or []) if user.national else visible_forces(user, row["forces"]),
            "regions": list(row["regions"] or []) if user.national or full else
            [r for r in (row["regions"] or []) if r in user.region_ids],
            "owner": {"level": row["owner_level"], "unit": row["owner_unit"]} if row["owner_level"] else None,
            "summary": (row["score_summary"] or row["summary"]) if full else withheld_text(counts),
            "members_count": counts.visible, "complete": full,
            "withheld": None if full else counts.withheld()}


def networks(store: Store, user: User, counts: dict[str, MemberCounts] | None = None) -> list[Row]:
    rows = _network_rows(store)
    counts = _member_visibility(store, user) if counts is None else counts
    return [_network_summary(user, r, counts[r["network_id"]]) for r in rows
            if counts.get(r["network_id"], (0, 0))[0] > 0]


def network_visible(store: Store, user: User, network_id: str) -> MemberCounts | None:
    if not table_ready(store, "network_members"):
        return None
    counts = _member_visibility(store, user, [network_id]).get(network_id)
    return counts if counts and counts[0] > 0 else None


#: The indicator the detectors set from an NRM referral record (toex.detect.indicators).
NRM_INDICATOR = "NRM_REFERRAL"


def _nrm_referrals(store: Store, entity_ids: list[str]) -> dict[str, list[Any]]:
    """entity -> the evidence lists of its NRM referral indicators (unfiltered; callers keep the visible)."""
    if not entity_ids or not table_ready(store, "person_indicators"):
        return {}
    out: dict[str, list[Any]] = {}
    for eid, evidence in store.fetchall(
            "SELECT entity_id, evidence FROM person_indicators WHERE indicator = ? "
            "AND entity_id IN (SELECT unnest(?::VARCHAR[]))", [NRM_INDICATOR, sorted(set(entity_ids))]):
        out.setdefault(str(eid), []).append(evidence)
    return out


def network_detail(store: Store, user: User, network_id: str) -> Row | None:
    counts = network_visible(store, user, network_id)
    rows = _network_rows(store, network_id)
    if counts is None or not rows:
        return None
    row = rows[0]
    summary = _network_summary(user, row, counts)
    pred, params = record_visible(user, "r")
    members = _rows(store, f"""SELECT m.entity_id, m.kind, m.role, m.age, m.evidence, m.safeguarding
        FROM network_members m WHERE m.network_id = ? AND m.entity_id IN (
            SELECT r.entity_id FROM api_member_records r WHERE r.network_id = ? AND {pred})
        ORDER BY m.role, m.entity_id""", [network_id, network_id, *params])
    referrals = _nrm_referrals(store, [m["entity_id"] for m in members])
    ids = {m["entity_id"] for m in members}
    edges: list[Row] = []
    if ids and table_ready(store, "api_network_edges"):  # precomputed with the index: edges between members
        evis, eparams = _edge_visible_sql(user, "e")
        edges = _rows(store, f"""SELECT e.source, e.target, e.type, e.since, e.until, e.grading, e.source_id, e.ref
            FROM api_network_edges e WHERE e.network_id = ? AND list_contains(?::VARCHAR[], e.source)
              AND list_contains(?::VARCHAR[], e.target) AND {evis} LIMIT 5000""",
                      [network_id, sorted(ids), sorted(ids), *eparams])
    elif ids and table_ready(store, "graph_edges"):
        evis, eparams = _edge_visible_sql(user, "e")
        members_sorted = sorted(ids)
        edges = _rows(store, f"""WITH e AS MATERIALIZED (SELECT * FROM api_adjacency WHERE node IN {ph(members_sorted)})
            SELECT e.source, e.target, e.type, e.since, e.until, e.grading, e.source_id, e.ref
            FROM e WHERE e.node = e.source AND e.other IN {ph(members_sorted)} AND {evis} LIMIT 5000""",
                      [*members_sorted, *members_sorted, *eparams])
    found = _network_evidence_rows(store, network_id)
    # every record the page cites (evidence, referrals, edge provenance, events) and the members' labels: one look-up
    acc = access_lookup(store, user, [p for m in members for p in _evidence_pairs(m["evidence"])]
                        + _evidence_pairs(row["evidence"]) + [p for evs in referrals.values() for ev in evs for p in _evidence_pairs(ev)]
                        + [(str(e["source_id"]), str(e["ref"])) for e in edges if e.get("source_id")]
                        + [(str(r["source_id"]), str(r["ref"])) for r in found], ids)
    ok, names = acc.refs, acc.labels
    out_members = [{"entity_id": m["entity_id"], "kind": m["kind"], "label": names.get(m["entity_id"], m["entity_id"]),
                    "role": m["role"], "age": m["age"], "safeguarding": m["safeguarding"],
                    "nrm": any(bool(filter_evidence(store, user, ev, ok)) for ev in referrals.get(m["entity_id"], [])),
                    "evidence": filter_evidence(store, user, m["evidence"], ok)} for m in members]
    edges = [e for e in edges if not e.get("source_id") or (str(e["source_id"]), str(e["ref"])) in ok]
    graph = _graph(store, user, ids, edges, {m["entity_id"]: m["role"] for m in members}, known=acc)
    evidence = [r for r in found if (str(r["source_id"]), str(r["ref"])) in ok][:2000]
    places = [{"latitude": e["latitude"], "longitude": e["longitude"], "label": f"{e['kind'] or 'event'} {e['category'] or ''}".strip(),
               "kind": e["kind"], "when": _iso(e["occurred_from"])} for e in evidence if e["latitude"] is not None]
    timeline = [{"when": _iso(e["occurred_from"]), "kind": e["kind"], "label": e["category"] or e["offence_code"] or e["kind"],
                 "force": e["force"], "event_id": f"{EVENT_PREFIX}{e['source_id']}:{e['ref']}", "entity_id": e["entity_id"]}
                for e in evidence]
    breakdown = _json(row["breakdown"]) if counts[0] == counts[1] or user.national else None
    return {**summary, "members": out_members, "score_breakdown": breakdown if isinstance(breakdown, dict) else None,
            "actions": tasks(store, user, network_id=network_id), "graph": graph, "places": places,
            "timeline": sorted(timeline, key=lambda t: str(t["when"] or "")),
            "evidence": filter_evidence(store, user, row["evidence"], ok)}


def _network_evidence_rows(store: Store, network_id: str) -> list[Row]:
    """A network's evidence events (unfiltered; callers keep the visible)."""
    if not table_ready(store, "network_evidence"):
        return []
    return _rows(store, """SELECT DISTINCT ne.entity_id, ne.source_id, ne.ref, ne.kind, ne.occurred_from, ne.force,
               ne.offence_code, ne.category, ne.latitude, ne.longitude
        FROM network_evidence ne WHERE ne.network_id = ? ORDER BY ne.occurred_from LIMIT 5000""", [network_id])


def network_evidence(store: Store, user: User, network_id: str) -> list[Row]:
    rows = _network_evidence_rows(store, network_id)
    if not rows:
        return []
    ok = visible_refs(store, user, [(str(r["source_id"]), str(r["ref"])) for r in rows])
    return [r for r in rows if (str(r["source_id"]), str(r["ref"])) in ok][:2000]


# -- safeguarding, alerts, picture --------------------------------------------
def safeguarding(store: Store, user: User, page: int = 1, page_size: int = 100,
                 counts: dict[str, MemberCounts] | None = None) -> dict[str, Any]:
    """One page of the people to safeguard in scope (labels are made for that page only)."""
    if not table_ready(store, "safeguarding_list"):
        return paginate([], page, page_size)
    rows = _safeguarding_rows(store, user)
    total = len(rows)
    rows = rows[(page - 1) * page_size:page * page_size]
    names = labels(store, user, [r["entity_id"] for r in rows])
    if counts is None:
        counts = _member_visibility(store, user) if table_ready(store, "network_members") else {}
    out = []
    for r in rows:
        net_ok = r["network_id"] is None or counts.get(str(r["network_id"]), (0, 0))[0] > 0
        out.append({"rank": r["rank"], "entity_id": r["entity_id"], "label": names.get(r["entity_id"], r["entity_id"]),
                    "score": r["score"], "age": r["age"], "network_id": r["network_id"] if net_ok else None,
                    "indicators": [i for i in str(r["indicators"] or "").split(";") if i],
                    "route": r["route"] or ("children's services (MASH)" if r["is_child"] else None),
                    "is_child": r["is_child"], "nrm_referred": r["nrm_referred"],
                    "home_force": r["home_force"] if user.in_scope_force(r["home_force"]) else None,
                    "home_area": r["home_area"] if user.in_scope_force(r["home_force"]) else None})
    return {"items": out, "total": total, "page": page, "page_size": page_size}


def _safeguarding_rows(store: Store, user: User) -> list[Row]:
    """The safeguarding list in the user's scope, by rank (cached per data version and access; do not change)."""
    def compute() -> list[Row]:
        pred, params = record_visible(user, "r")
        return _rows(store, f"""WITH v AS (SELECT DISTINCT r.entity_id FROM api_record_access r
                      WHERE r.entity_id IN (SELECT entity_id FROM safeguarding_list) AND {pred}),
                 routes AS (SELECT network_id, entity_id, any_value(safeguarding) AS route FROM network_members GROUP BY 1, 2)
            SELECT s.rank, s.entity_id, s.score, s.age, s.network_id, s.indicators, s.is_child,
                   s.nrm_referred, s.home_force, s.home_area, routes.route
            FROM safeguarding_list s JOIN v USING (entity_id)
            LEFT JOIN routes ON routes.network_id = s.network_id AND routes.entity_id = s.entity_id
            ORDER BY s.rank""", params)

    rows: list[Row] = per_build(store, "safeguarding", access_key(user), compute)
    return rows


def partly(counts: MemberCounts) -> str:
    """Why part of a group is hidden, as the end of "... partly ___"."""
    if counts.outside_scope:
        return "outside your scope"
    reasons = (["handling code C intelligence"] if counts.handling_c else []) + \
        (["records above your clearance"] if counts.above_clearance else [])
    return "withheld from you (known only from " + " and ".join(reasons) + ")"


def _partly_hidden(store: Store, user: User, hidden: set[str]) -> str:
    cleared = replace(user, handling_c=True)
    with_c = visible_entities(store, cleared, hidden)
    in_scope = visible_entities(store, replace(cleared, clearance=max(CLASS_RANKS, key=CLASS_RANKS.__getitem__)), hidden)
    return partly(MemberCounts(0, len(hidden), len(with_c), len(in_scope - with_c)))


def alerts(store: Store, user: User, all_counts: dict[str, MemberCounts] | None = None) -> list[Row]:
    if not table_ready(store, "alerts"):
        return []
    out = []
    rows = _rows(store, "SELECT alert_id, kind, score, summary, detail FROM alerts ORDER BY score DESC, alert_id")
    for r in rows:
        r["detail"] = _json(r["detail"])
    wanted: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for r in rows:
        d = r["detail"] if isinstance(r["detail"], dict) else {}
        wanted.update(str(m) for m in d.get("members") or [])
        if d.get("entity_id"):
            wanted.add(str(d["entity_id"]))
        pairs += _evidence_pairs(d.get("evidence"))
    acc = access_lookup(store, user, pairs, wanted)
    seen, ok_refs = acc.entities, acc.refs
    if all_counts is None:
        all_counts = _member_visibility(store, user) if table_ready(store, "network_members") else {}
    for r in rows:
        d = r["detail"]
        detail: dict[str, Any] = d if isinstance(d, dict) else {}
        if r["kind"] == "emerging-trend":
            if not user.in_scope_force(detail.get("force")):
                continue
            out.append({**r, "detail": detail})
            continue
        if r["kind"] == "travelling-group":
            members = [str(m) for m in detail.get("members") or []]
            ok = {m for m in members if m in seen}
            if not ok:
                continue
            full = len(ok) == len(members)
            detail = {**detail, "members": [m for m in members if m in ok],
                      "forces": detail.get("forces") if user.national else visible_forces(user, detail.get("forces"))}
            out.append({**r, "summary": r["summary"] if full else
                        f"Travelling group partly {_partly_hidden(store, user, set(members) - ok)}.", "detail": detail})
            continue
        eid, nid = detail.get("entity_id"), detail.get("network_id")
        if eid and str(eid) not in seen:
            continue
        counts = all_counts.get(str(nid)) if nid else None
        if nid and (counts is None or counts[0] == 0):
            continue
        if not eid and not nid and not user.national:
            continue
        full = counts is None or counts[0] == counts[1]
        clean = {k: v for k, v in detail.items() if k not in ("evidence", "member_evidence")}
        if "force" in clean and not user.in_scope_force(clean.get("force")):
            clean.pop("force")
        clean["evidence"] = filter_evidence(store, user, detail.get("evidence"), ok_refs)
        out.append({**r, "summary": r["summary"] if full or counts is None else
                    f"Change in a network partly {partly(counts)}.", "detail": clean})
    return out


def forces(store: Store) -> list[Row]:
    rows: list[Row] = per_build(store, "forces", (), lambda: [{k: _plain(v) for k, v in r.items()} for r in _rows(
        store, "SELECT force_id, name, short_name, region_id, CAST(latitude AS DOUBLE) AS latitude, "
        "CAST(longitude AS DOUBLE) AS longitude FROM ref_forces ORDER BY force_id")])
    return [dict(r) for r in rows]


def regions(store: Store) -> list[Row]:
    return _rows(store, "SELECT region_id, name, unit_name, kind FROM ref_regions ORDER BY region_id")


def districts(store: Store) -> list[Row]:
    from toex.reference import table_paths

    return _rows(store, """SELECT district, force_id, CAST(latitude AS DOUBLE) AS latitude, CAST(longitude AS DOUBLE) AS longitude
        FROM read_csv(?, header=true, all_varchar=true) WHERE force_id IS NOT NULL AND force_id <> ''
        ORDER BY district""", [str(table_paths()["postcode_districts"])])


def picture(store: Store, user: User) -> Row:
    counts = _member_visibility(store, user) if table_ready(store, "network_members") else {}
    all_nets = networks(store, user, counts)
    nets = all_nets[:10]
    safe = safeguarding(store, user, 1, 10, counts)["items"]
    alts = alerts(store, user, counts)
    per_force: dict[str, Counter[str]] = {}
    for n in all_nets:
        for f in n["forces"]:
            per_force.setdefault(f, Counter())["networks"] += 1
    for a in alts:
        d = a.get("detail") or {}
        for f in ([d.get("force")] if d.get("force") else []) + list(d.get("forces") or []):
            per_force.setdefault(str(f), Counter())["alerts"] += 1
    if table_ready(store, "safeguarding_list"):
        for force, count in Counter(r["home_force"] for r in _safeguarding_rows(store, user)).items():
            if force and user.in_scope_force(str(force)):
                per_force.setdefault(str(force), Counter())["safeguarding"] += int(count)
    fs = [f for f in forces(store) if user.in_scope_force(f["force_id"])]
    return {"networks": nets, "safeguarding": safe, "alerts": alts[:10],
            "forces": [{"force_id": f["force_id"], "name": f["name"], "region_id": f["region_id"],
                        "networks": per_force.get(f["force_id"], Counter())["networks"],
                        "alerts": per_force.get(f["force_id"], Counter())["alerts"],
                        "safeguarding": per_force.get(f["force_id"], Counter())["safeguarding"],
                        "latitude": f["latitude"], "longitude": f["longitude"]} for f in fs]}


# -- tasks ------------------------------------------------------------------
def tasks(store: Store, user: User, *, status: str | None = None, owner_unit: str | None = None,
          network_id: str | None = None, task_id: str | None = None) -> list[Row]:
    if not table_ready(store, "tasks"):
        return []
    rows = _rows(store, """SELECT task_id, network_id, strand, action, kind, subject, owner_level, owner_unit, status, due,
               approved_by, approved_at, assignee, outcome, outcome_note, created_at, updated_at FROM tasks
        WHERE (? IS NULL OR status = ?) AND (? IS NULL OR owner_unit = ?) AND (? IS NULL OR network_id = ?)
          AND (? IS NULL OR task_id = ?)
        ORDER BY network_id, strand, task_id""",
                 [status, status, owner_unit, owner_unit, network_id, network_id, task_id, task_id])
    netvis: dict[str, bool] = {}
    nets = sorted({str(r["network_id"]) for r in rows})
    all_counts = _member_visibility(store, user, nets) if nets and not user.national and \
        table_ready(store, "network_members") else {}
    out = []
    for r in rows:
        nid = str(r["network_id"])
        if nid not in netvis:
            counts = all_counts.get(nid)
            netvis[nid] = counts is not None and counts[0] == counts[1]
        # a task's text may name anyone in its network: owner unit in scope, or the whole network visible
        if not (user.national or user.in_scope_unit(r["owner_unit"]) or netvis[nid]):
            continue
        out.append({k: _plain(v) for k, v in r.items()})
    subjects = visible_entities(store, user, [str(t["subject"]) for t in out if t.get("subject")])
    for t in out:
        if t.get("subject") and str(t["subject"]) not in subjects:
            t["subject"] = None
    if out:
        hist = _rows(store, """SELECT task_id, seq, changed_at AS "at", actor, from_status, to_status, note FROM task_history
            WHERE task_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY task_id, seq""", [[t["task_id"] for t in out]])
        by: dict[str, list[Row]] = {}
        for h in hist:
            by.setdefault(str(h["task_id"]), []).append({k: _plain(v) for k, v in h.items() if k != "task_id"})
        for t in out:
            t["history"] = by.get(str(t["task_id"]), [])
    return out


# -- audit ------------------------------------------------------------------
def audit_entries(store: Store, user: User, actors: list[str] | None, page: int, page_size: int,
                  action: str | None = None) -> tuple[list[Row], int]:
    """Entries (newest first) by the given actors (None: every actor)."""
    where = "WHERE (?::VARCHAR[] IS NULL OR actor IN (SELECT unnest(?::VARCHAR[]))) AND (? IS NULL OR action = ?)"
    args = [actors, actors, action, action]
    total = int(store.scalar(f"SELECT count(*) FROM audit {where}", args))
    rows = _rows(store, f"""SELECT seq, logged_at, actor, action, target, detail, purpose, hash FROM audit {where}
        ORDER BY seq DESC LIMIT ? OFFSET ?""", [*args, page_size, (page - 1) * page_size])
    return [{**{k: _plain(v) for k, v in r.items()}, "detail": _json(r["detail"])} for r in rows], total


def users_in_scope(store: Store, user: User) -> list[str] | None:
    """Usernames whose scope lies inside ``user``'s (None: every actor, for national users)."""
    if user.national:
        return None
    rows = store.fetchall("SELECT u.username, u.scope_kind, u.scope_id, f.region_id FROM users u "
                          "LEFT JOIN ref_forces f ON f.force_id = u.scope_id")
    out = []
    for name, kind, sid, region in rows:
        if kind == "force" and sid in user.forces or kind == "region" and sid in user.region_ids or kind == "force" and region in user.region_ids:
            out.append(str(name))
    return out
