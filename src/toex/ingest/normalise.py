"""Normalisation on the way in, as SQL expressions over a text column.

Each function takes a SQL expression and returns a SQL expression, so the
work runs inside the engine in bulk; the raw value is always kept beside the
normalised one. Phone numbers that the SQL fast path cannot place are
normalised afterwards with the ``phonenumbers`` library over their distinct
values (see :func:`toex.ingest.phones.normalise_remaining_phones`).
"""

from __future__ import annotations

#: UK postcode shape once spaces are removed: outward code (2-4) + inward code (3).
POSTCODE_COMPACT = "[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"

#: Years accepted in a date; anything outside is "out of range" and quarantined.
MIN_YEAR, MAX_YEAR = 1900, 2100


def blank(expr: str) -> str:
    """NULL for an empty or all-space value, else the trimmed value."""
    return f"NULLIF(trim({expr}), '')"


def postcode(expr: str) -> str:
    """'ip11aa', 'IP1  1AA' -> 'IP1 1AA'; NULL when the value is not a UK postcode."""
    compact = f"regexp_replace(upper({expr}), '[^A-Z0-9]', '', 'g')"
    return (
        f"CASE WHEN regexp_full_match({compact}, '{POSTCODE_COMPACT}') "
        f"THEN left({compact}, length({compact}) - 3) || ' ' || right({compact}, 3) END"
    )


def name_key(expr: str) -> str:
    """Case and accents folded, apostrophes dropped, other punctuation to single spaces."""
    folded = f"lower(strip_accents({expr}))"
    return (
        f"NULLIF(trim(regexp_replace(regexp_replace({folded}, '[''’`]', '', 'g'), "
        f"'[^a-z]+', ' ', 'g')), '')"
    )


def phone_uk(expr: str) -> str:
    """UK numbers in 07.., +44.., 0044.. or 44.. forms -> E.164; NULL when not one of them."""
    digits = f"regexp_replace({expr}, '[^0-9+]', '', 'g')"
    return (
        f"CASE WHEN regexp_full_match({digits}, '\\+44[1-9][0-9]{{8,9}}') THEN {digits} "
        f"WHEN regexp_full_match({digits}, '0044[1-9][0-9]{{8,9}}') THEN '+' || substr({digits}, 3) "
        f"WHEN regexp_full_match({digits}, '44[1-9][0-9]{{8,9}}') THEN '+' || {digits} "
        f"WHEN regexp_full_match({digits}, '\\+440[1-9][0-9]{{8,9}}') THEN '+44' || substr({digits}, 5) "
        f"WHEN regexp_full_match({digits}, '0[1-9][0-9]{{8,9}}') THEN '+44' || substr({digits}, 2) END"
    )


def vrm(expr: str) -> str:
    """Vehicle registration mark: upper case, no spaces or punctuation."""
    return f"NULLIF(regexp_replace(upper({expr}), '[^A-Z0-9]', '', 'g'), '')"


def bank_account(expr: str) -> str:
    """Sort code + account number as 'SSSSSS-AAAAAAAA' when 14 digits, else the digits."""
    digits = f"regexp_replace({expr}, '[^0-9]', '', 'g')"
    return (
        f"CASE WHEN length({digits}) = 14 THEN left({digits}, 6) || '-' || right({digits}, 8) "
        f"ELSE NULLIF({digits}, '') END"
    )


def object_value(kind: str, expr: str) -> str:
    """The normalised value of an object by its kind (phones: UK fast path only)."""
    return (
        f"CASE {kind} WHEN 'phone' THEN {phone_uk(expr)} "
        f"WHEN 'vehicle' THEN {vrm(expr)} "
        f"WHEN 'bank-account' THEN {bank_account(expr)} "
        f"WHEN 'email' THEN lower(trim({expr})) "
        f"ELSE NULLIF(upper(trim(regexp_replace({expr}, '\\s+', ' ', 'g'))), '') END"
    )


def date_value(expr: str) -> str:
    """An ISO 8601 date (a date-time's date part is accepted); NULL when unparseable."""
    return f"TRY_CAST(left({expr}, 10) AS DATE)"


def date_ok(expr: str) -> str:
    """Whether a non-empty value parses as a date within the accepted years."""
    return (
        f"(regexp_full_match({expr}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([T ].*)?') AND {date_value(expr)} IS NOT NULL "
        f"AND year({date_value(expr)}) BETWEEN {MIN_YEAR} AND {MAX_YEAR})"
    )


def timestamp_value(expr: str) -> str:
    """ISO 8601 date or date-time; with an offset it is converted to UK local time."""
    return (
        f"CASE WHEN regexp_matches({expr}, '(Z|[+-]\\d{{2}}:?\\d{{2}})$') "
        f"THEN timezone('Europe/London', TRY_CAST({expr} AS TIMESTAMPTZ)) "
        f"ELSE TRY_CAST(replace({expr}, 'T', ' ') AS TIMESTAMP) END"
    )


def timestamp_ok(expr: str) -> str:
    """Whether a non-empty value parses as a date-time within the accepted years."""
    return (
        f"(regexp_full_match({expr}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([T ]\\d{{2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?"
        f"(Z|[+-]\\d{{2}}:?\\d{{2}})?)?') AND {timestamp_value(expr)} IS NOT NULL "
        f"AND year({timestamp_value(expr)}) BETWEEN {MIN_YEAR} AND {MAX_YEAR})"
    )


def dob_parts(expr: str) -> dict[str, str]:
    """Full or partial date of birth ('1990', '1990-04', '1990-04-17') -> SQL for each part."""
    full = f"regexp_full_match({expr}, '\\d{{4}}-\\d{{2}}-\\d{{2}}')"
    month = f"regexp_full_match({expr}, '\\d{{4}}-\\d{{2}}')"
    year_only = f"regexp_full_match({expr}, '\\d{{4}}')"
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
