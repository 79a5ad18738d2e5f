"""Text keys as SQL expressions: names and addresses folded the same way everywhere.

Each function takes a SQL expression and returns a SQL expression, so the work
runs inside the engine in bulk (the same vocabulary as ``toex.ingest``'s
normalisers, but owned by resolve so both sides of a comparison fold alike).
"""

from __future__ import annotations

#: Letters that ``strip_accents`` leaves alone but that have a plain Latin reading.
_PLAIN_LETTERS: tuple[tuple[str, str], ...] = (
    ("đ", "d"), ("ð", "d"), ("ø", "o"), ("ł", "l"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ı", "i"), ("þ", "th"),
)

#: Street-type words and their abbreviations; dropped from the street key so
#: 'Victoria St' and 'VICTORIA STREET' agree.
STREET_WORDS: tuple[str, ...] = (
    "street", "st", "road", "rd", "avenue", "ave", "av", "lane", "ln", "close", "cl", "drive", "dr", "court", "ct",
    "crescent", "cres", "gardens", "gdns", "place", "pl", "square", "sq", "terrace", "tce", "terr", "grove", "gr",
    "way", "walk", "hill", "park", "pk", "row", "mews", "parade", "pde", "green", "grn", "view", "rise", "vale",
)

#: Company legal forms ignored when names are compared.
LEGAL_SUFFIXES: tuple[str, ...] = (
    "limited", "ltd", "plc", "llp", "llc", "lp", "co", "company", "cic", "inc", "incorporated", "corp",
    "corporation", "group", "holdings", "uk", "the", "and",
)


def fold(expr: str) -> str:
    """'Ionuț-Marian O'Neill' -> 'ionut marian oneill': lower case, accents and apostrophes dropped."""
    lowered = f"lower({expr})"
    for src, dst in _PLAIN_LETTERS:
        lowered = f"replace({lowered}, '{src}', '{dst}')"
    stripped = f"regexp_replace(strip_accents({lowered}), '[''’`]', '', 'g')"
    return f"NULLIF(trim(regexp_replace({stripped}, '[^a-z]+', ' ', 'g')), '')"


def tokens(expr: str) -> str:
    """The words of a folded text as a list (empty list for NULL)."""
    return f"coalesce(list_filter(string_split({expr}, ' '), lambda t: t <> ''), [])"


def address_text(expr: str) -> str:
    """Address folded to lower-case words and numbers ('3/27' kept as one token)."""
    lowered = f"lower(strip_accents({expr}))"
    return f"NULLIF(trim(regexp_replace(regexp_replace({lowered}, '[^a-z0-9/]+', ' ', 'g'), '\\s+', ' ', 'g')), '')"


def flat_of(addr: str) -> str:
    """The flat/unit number of a folded address ('flat 3 ...' or '3/27 ...'), else NULL."""
    return (
        f"coalesce(NULLIF(regexp_extract({addr}, '(?:^| )(?:flat|apartment|apt|unit|room) ([0-9]+[a-z]?)', 1), ''), "
        f"NULLIF(regexp_extract({addr}, '^([0-9]+[a-z]?)/[0-9]+', 1), ''))"
    )


def _without_flat(addr: str) -> str:
    return (
        f"regexp_replace(regexp_replace({addr}, '(?:^| )(?:flat|apartment|apt|unit|room) [0-9]+[a-z]?', ' ', 'g'), "
        f"'^[0-9]+[a-z]?/', '')"
    )


def number_of(addr: str) -> str:
    """The building number (first number once the flat is removed), else NULL."""
    return f"NULLIF(regexp_extract({_without_flat(addr)}, '(?:^| )([0-9]+[a-z]?)(?: |$)', 1), '')"


def street_key_of(addr: str) -> str:
    """First word of the street (after the number), street-type words dropped: 'victoria'."""
    after = f"regexp_extract({_without_flat(addr)}, '[0-9]+[a-z]? ([a-z ]+)$', 1)"
    words = f"list_filter(string_split({after}, ' '), lambda w: w <> '' AND NOT list_contains({list(STREET_WORDS)!r}, w))"
    return f"NULLIF({words}[1], '')"


def building_name_of(addr: str) -> str:
    """First word of the address when it starts with a name, not a number ('rosewood court ...' -> 'rosewood')."""
    rest = f"trim({_without_flat(addr)})"
    return f"CASE WHEN regexp_matches({rest}, '^[a-z]') THEN NULLIF(string_split({rest}, ' ')[1], '') END"


def building_key(addr: str, postcode: str) -> str:
    """'IP1 1AA|27' (postcode + building number, or building name): the building a flat is in."""
    part = f"coalesce({number_of(addr)}, {building_name_of(addr)})"
    return f"CASE WHEN {postcode} IS NOT NULL AND {part} IS NOT NULL THEN {postcode} || '|' || {part} END"


def street_address_key(addr: str, town: str) -> str:
    """'27|victoria|ipswich' (building number + first street word + folded town) from a folded address and a raw
    town: the same street address with no postcode to compare (an intelligence report, an address abroad).
    NULL unless all three are known (a number and a street with no town recur across the country)."""
    town_key = f"NULLIF(replace({fold(town)}, ' ', ''), '')"
    number, street = number_of(addr), street_key_of(addr)
    return (f"CASE WHEN {number} IS NOT NULL AND {street} IS NOT NULL AND {town_key} IS NOT NULL "
            f"THEN {number} || '|' || {street} || '|' || {town_key} END")


def company_name_key(expr: str) -> str:
    """Company name without legal form, punctuation or 'the'/'and': 'The Acme Cars Ltd.' -> 'acme cars'."""
    words = f"list_filter({tokens(fold(expr))}, lambda w: NOT list_contains({list(LEGAL_SUFFIXES)!r}, w))"
    return f"NULLIF(array_to_string({words}, ' '), '')"


#: Sound classes (Soundex-like): letters that sound alike share a digit, vowels are '0'; h and w are dropped.
_SOUND_CLASSES: dict[str, str] = {
    **dict.fromkeys("aeiouy", "0"), **dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6",
}


def sound(expr: str) -> str:
    """A phonetic key of a folded name: sound classes, repeats collapsed, vowels and spaces dropped
    ('rehman' and 'rahman' -> '655', 'alice'/'alcie' -> '42', 'catherine'/'kathryn' -> '2365').
    Catches a typo, a transposition or a vowel spelling variant; used for blocking only."""
    letters = "".join(_SOUND_CLASSES) + "hw "
    key = f"translate({expr}, '{letters}', '{''.join(_SOUND_CLASSES.values())}')"
    for digit in "0123456":
        key = f"regexp_replace({key}, '{digit}+', '{digit}', 'g')"
    return f"NULLIF(replace({key}, '0', ''), '')"
