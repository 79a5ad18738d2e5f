"""Normalisation on the way in, as SQL expressions over a text column.

Each function takes a SQL expression and returns a SQL expression, so the
work runs inside the engine in bulk; the raw value is always kept beside the
normalised one. Phone numbers that the SQL fast path cannot place are
normalised afterwards with the ``phonenumbers`` library over their distinct
values (see :func:`toex.ingest.phones.normalise_remaining_phones`).

Functions whose SQL differs between engines take the engine's dialect
(``d=engine.dialect``); the default is DuckDB's.
"""

from __future__ import annotations

from toex.engine.base import Dialect, DuckDBDialect

#: The dialect used when a caller gives none (the default engine's).
DUCKDB: Dialect = DuckDBDialect()

#: UK postcode shape once spaces are removed: outward code (2-4) + inward code (3).
POSTCODE_COMPACT = "[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"

#: Years accepted in a date; anything outside is "out of range" and quarantined.
MIN_YEAR, MAX_YEAR = 1900, 2100


def blank(expr: str) -> str:
    """NULL for an empty or all-space value, else the trimmed value."""
    return f"NULLIF(trim({expr}), '')"


def postcode(expr: str, d: Dialect = DUCKDB) -> str:
    """'ip11aa', 'IP1  1AA' -> 'IP1 1AA'; NULL when the value is not a UK postcode."""
    compact = d.regexp_replace_all(f"upper({expr})", "[^A-Z0-9]", "")
    return (
        f"CASE WHEN {d.regexp_full_match(compact, POSTCODE_COMPACT)} "
        f"THEN left({compact}, length({compact}) - 3) || ' ' || right({compact}, 3) END"
    )


def name_key(expr: str, d: Dialect = DUCKDB) -> str:
    """Case and accents folded, apostrophes dropped, other punctuation to single spaces."""
    folded = f"lower({d.strip_accents(expr)})"
    no_apostrophes = d.regexp_replace_all(folded, "['’`]", "")
    return f"NULLIF(trim({d.regexp_replace_all(no_apostrophes, '[^a-z]+', ' ')}), '')"


#: UK phone number shapes (digits and '+' only) and how each becomes E.164.
_PHONE_FORMS: tuple[tuple[str, str], ...] = (
    (r"\+44[1-9][0-9]{8,9}", "{d}"),
    (r"0044[1-9][0-9]{8,9}", "'+' || substr({d}, 3)"),
    (r"44[1-9][0-9]{8,9}", "'+' || {d}"),
    (r"\+440[1-9][0-9]{8,9}", "'+44' || substr({d}, 5)"),
    (r"0[1-9][0-9]{8,9}", "'+44' || substr({d}, 2)"),
)


def phone_uk(expr: str, d: Dialect = DUCKDB) -> str:
    """UK numbers in 07.., +44.., 0044.. or 44.. forms -> E.164; NULL when not one of them."""
    digits = d.regexp_replace_all(expr, "[^0-9+]", "")
    whens = " ".join(f"WHEN {d.regexp_full_match(digits, pattern)} THEN {result.format(d=digits)}"
                     for pattern, result in _PHONE_FORMS)
    return f"CASE {whens} END"


def vrm(expr: str, d: Dialect = DUCKDB) -> str:
    """Vehicle registration mark: upper case, no spaces or punctuation."""
    return f"NULLIF({d.regexp_replace_all(f'upper({expr})', '[^A-Z0-9]', '')}, '')"


def document_number(expr: str, d: Dialect = DUCKDB) -> str:
    """Identity document number (passport, identity card, residence permit, national insurance number): upper case,
    no spaces or punctuation ('ab 12 34 56 c' and 'AB123456C' are one document)."""
    return f"NULLIF({d.regexp_replace_all(f'upper({expr})', '[^A-Z0-9]', '')}, '')"


def bank_account(expr: str, d: Dialect = DUCKDB) -> str:
    """Sort code + account number as 'SSSSSS-AAAAAAAA' when 14 digits, else the digits."""
    digits = d.regexp_replace_all(expr, "[^0-9]", "")
    return (
        f"CASE WHEN length({digits}) = 14 THEN left({digits}, 6) || '-' || right({digits}, 8) "
        f"ELSE NULLIF({digits}, '') END"
    )


_SPACES = r"\s+"
#: ISO 8601 date (a date-time's date part is accepted), a UTC offset, a date or date-time.
_ISO_DATE = r"\d{4}-\d{2}-\d{2}([T ].*)?"
_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"
_ISO_DATETIME = r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"


def object_value(kind: str, expr: str, d: Dialect = DUCKDB) -> str:
    """The normalised value of an object by its kind (phones: UK fast path only)."""
    return (
        f"CASE {kind} WHEN 'phone' THEN {phone_uk(expr, d)} "
        f"WHEN 'vehicle' THEN {vrm(expr, d)} "
        f"WHEN 'bank-account' THEN {bank_account(expr, d)} "
        f"WHEN 'document' THEN {document_number(expr, d)} "
        f"WHEN 'email' THEN lower(trim({expr})) "
        f"ELSE NULLIF(upper(trim({d.regexp_replace_all(expr, _SPACES, ' ')})), '') END"
    )


def date_value(expr: str) -> str:
    """An ISO 8601 date (a date-time's date part is accepted); NULL when unparseable."""
    return f"TRY_CAST(left({expr}, 10) AS DATE)"


def date_ok(expr: str, d: Dialect = DUCKDB) -> str:
    """Whether a non-empty value parses as a date within the accepted years."""
    return (
        f"({d.regexp_full_match(expr, _ISO_DATE)} AND {date_value(expr)} IS NOT NULL "
        f"AND year({date_value(expr)}) BETWEEN {MIN_YEAR} AND {MAX_YEAR})"
    )


#: Where the wall-clock time of a date-time with a UTC offset is taken (toex stores UK local time).
LOCAL_ZONE = "Europe/London"


def timestamp_value(expr: str, d: Dialect = DUCKDB) -> str:
    """ISO 8601 date or date-time; with an offset it is converted to UK local time."""
    return (
        f"CASE WHEN {d.regexp_matches(expr, _OFFSET)} "
        f"THEN {d.local_timestamp(expr, LOCAL_ZONE)} "
        f"ELSE TRY_CAST(replace({expr}, 'T', ' ') AS TIMESTAMP) END"
    )


def timestamp_ok(expr: str, d: Dialect = DUCKDB) -> str:
    """Whether a non-empty value parses as a date-time within the accepted years."""
    return (
        f"({d.regexp_full_match(expr, _ISO_DATETIME)} AND {timestamp_value(expr, d)} IS NOT NULL "
        f"AND year({timestamp_value(expr, d)}) BETWEEN {MIN_YEAR} AND {MAX_YEAR})"
    )


def dob_parts(expr: str, d: Dialect = DUCKDB) -> dict[str, str]:
    """Full or partial date of birth ('1990', '1990-04', '1990-04-17') -> SQL for each part."""
    full = d.regexp_full_match(expr, r"\d{4}-\d{2}-\d{2}")
    month = d.regexp_full_match(expr, r"\d{4}-\d{2}")
    year_only = d.regexp_full_match(expr, r"\d{4}")
    return {
        "dob": f"CASE WHEN {full} THEN TRY_CAST({expr} AS DATE) END",
        "dob_year": f"CASE WHEN {full} OR {month} OR {year_only} THEN TRY_CAST(left({expr}, 4) AS SMALLINT) END",
        "dob_month": f"CASE WHEN {full} OR {month} THEN TRY_CAST(substr({expr}, 6, 2) AS TINYINT) END",
        "dob_day": f"CASE WHEN {full} THEN TRY_CAST(substr({expr}, 9, 2) AS TINYINT) END",
        "ok": (
            f"(({full} AND TRY_CAST({expr} AS DATE) IS NOT NULL) "
            f"OR ({month} AND TRY_CAST(substr({expr}, 6, 2) AS INTEGER) BETWEEN 1 AND 12) OR {year_only}) "
            f"AND TRY_CAST(left({expr}, 4) AS INTEGER) BETWEEN {MIN_YEAR} AND {MAX_YEAR}"
        ),
    }
