"""Phone numbers the SQL fast path could not place, normalised with ``phonenumbers``.

Runs over the distinct raw values of one load (not row by row), in bulk: the
numbers are read once, parsed, and written back through a join.
"""

from __future__ import annotations

import phonenumbers
import pyarrow as pa

from toex.store import Store

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


def normalise_remaining_phones(store: Store, load_id: str) -> int:
    """Fill ``objects.value`` for phones of ``load_id`` still without one; return how many were set."""
    raws = [r[0] for r in store.fetchall(
        "SELECT DISTINCT value_raw FROM objects WHERE load_id = ? AND kind = 'phone' AND value IS NULL "
        "AND value_raw IS NOT NULL", [load_id])]
    if not raws:
        return 0
    pairs = [(raw, e164) for raw in raws if (e164 := to_e164(raw)) is not None]
    if not pairs:
        return 0
    table = pa.table({"raw": [p[0] for p in pairs], "e164": [p[1] for p in pairs]})
    store.con.register("__toex_phone_map", table)
    try:
        store.execute(
            "UPDATE objects SET value = m.e164 FROM __toex_phone_map m "
            "WHERE objects.load_id = ? AND objects.kind = 'phone' AND objects.value IS NULL AND objects.value_raw = m.raw",
            [load_id],
        )
    finally:
        store.con.unregister("__toex_phone_map")
    return len(pairs)
