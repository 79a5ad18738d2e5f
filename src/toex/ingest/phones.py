"""Phone numbers the SQL fast path could not place, normalised with ``phonenumbers``.

Runs over the distinct raw values of one load (not row by row), in bulk: the
numbers are read once, parsed, and written back through a join.
"""

from __future__ import annotations

import phonenumbers
import pyarrow as pa

from toex.engine import Engine, as_engine
from toex.store import Store
from toex.store.sql import quote_ident

#: Region assumed for numbers written without a country code.
DEFAULT_REGION = "GB"


def to_e164(raw: str) -> str | None:
    """E.164 form of a phone number, or None when it is not a possible number."""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalise_remaining_phones(store: Store | Engine, load_id: str) -> int:
    """Fill ``objects.value`` for phones of ``load_id`` still without one; return how many were set.

    The load's object rows are rewritten (DELETE + INSERT through a join), not
    updated in place, so the same statements run on engines without UPDATE.
    """
    engine = as_engine(store)
    raws = [r[0] for r in engine.fetchall(
        "SELECT DISTINCT value_raw FROM objects WHERE load_id = ? AND kind = 'phone' AND value IS NULL "
        "AND value_raw IS NOT NULL", [load_id])]
    pairs = [(raw, e164) for raw in raws if (e164 := to_e164(raw)) is not None]
    if not pairs:
        return 0
    engine.register("__toex_phone_map", pa.table({"raw": [p[0] for p in pairs], "e164": [p[1] for p in pairs]}))
    try:
        columns = engine.columns("objects")
        picks = ", ".join("COALESCE(o.value, m.e164) AS value" if c == "value" else f"o.{quote_ident(c)}"
                          for c in columns)
        engine.create_table("__toex_phone_objects", f"""SELECT {picks} FROM objects o
            LEFT JOIN __toex_phone_map m ON o.kind = 'phone' AND o.value IS NULL AND o.value_raw = m.raw
            WHERE o.load_id = ?""", [load_id])
        engine.execute("DELETE FROM objects WHERE load_id = ?", [load_id])
        engine.execute("INSERT INTO objects SELECT * FROM __toex_phone_objects ORDER BY line")
        engine.drop_table("__toex_phone_objects")
    finally:
        engine.unregister("__toex_phone_map")
    return len(pairs)
