"""The person comparisons, as data: each a small function returning Splink levels.

Every comparison is a list of levels, most specific first; each level is a SQL
condition over the two records (``_l``/``_r``) and a label the analyst sees in
``toex explain``. The first level is the null level (no evidence either way)
and the last is ``ELSE``. Splink learns each level's m and u probabilities
(unsupervised); the match weight of a pair is the sum of the levels' weights.

A level named in :data:`CONTRADICTION_REASONS` is strong evidence against a
match: clustering refuses to put two records with that level in one entity,
whatever the rest of the evidence says (different PNC ids, different sex, dates
of birth two or more years apart, forenames that share nothing), except that an
identity document held by both outweighs one of the last two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a comparison: when it applies, and what the analyst reads."""

    label: str
    sql: str
    tf: str | None = None
    neutral: bool = False  # fixed weight 0: evidence already counted by another comparison


@dataclass(frozen=True, slots=True)
class PersonComparison:
    """A named comparison: a null condition, then the levels most specific first, then 'different'."""

    name: str
    description: str
    null: str
    levels: tuple[Level, ...]
    else_label: str = "different"

    def gamma_labels(self) -> dict[int, str]:
        """Splink's comparison vector value of each level -> its label (-1 null, 0 else)."""
        out = {-1: "no data", 0: self.else_label}
        n = len(self.levels)
        for i, level in enumerate(self.levels):
            out[n - i] = level.label
        return out

    def to_splink(self) -> dict[str, Any]:
        """The Splink comparison dictionary."""
        levels: list[dict[str, Any]] = [{"sql_condition": self.null, "label_for_charts": "no data", "is_null_level": True}]
        for level in self.levels:
            entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
            if level.neutral:
                entry.update(m_probability=0.01, u_probability=0.01, fix_m_probability=True, fix_u_probability=True)
            if level.tf:
                entry["tf_adjustment_column"] = level.tf
                entry["tf_adjustment_weight"] = 1.0
                # Adjust from this level's own u. Splink otherwise takes the u of the comparison's exact-match level
                # on the term-frequency column ('fn1_l = fn1_r', the middle-name-dropped level, whose u is tiny),
                # so a shared common forename scored below no evidence at all (FEBRL4 'joshua'/'joshua': -2.9).
                entry["disable_tf_exact_match_detection"] = True
            levels.append(entry)
        levels.append({"sql_condition": "ELSE", "label_for_charts": self.else_label})
        return {"output_column_name": self.name, "comparison_description": self.description, "comparison_levels": levels}


def _jw(col: str, at: float) -> str:
    return f"jaro_winkler_similarity({col}_l, {col}_r) >= {at}"


def forenames() -> PersonComparison:
    """Forenames: all the same; first the same (middle name dropped); a variant (nickname,
    transliteration, spelling, alias, middle name used); close spelling; swapped with the surname;
    one of them only an initial."""
    return PersonComparison("forenames", "Forenames", "fn1_l IS NULL OR fn1_r IS NULL", (
        Level("all forenames the same", "fn_l = fn_r", "fn1"),
        Level("first forename the same", "fn1_l = fn1_r", "fn1"),
        Level("name variant (nickname, transliteration, alias, middle name)", "list_has_any(fn_keys_l, fn_keys_r)"),
        Level("similar spelling (Jaro-Winkler >= 0.88)", _jw("fn1", 0.88)),
        # no term-frequency adjustment: the two records' first forenames differ (one is the other's surname), so
        # the frequency of either says nothing about how common the swapped name is
        Level("forenames and surname swapped",
              "list_has_any(fn_keys_l, sn_keys_r) AND list_has_any(sn_keys_l, fn_keys_r)"),
        Level("initial only, the same letter", "(length(fn1_l) = 1 OR length(fn1_r) = 1) AND left(fn1_l, 1) = left(fn1_r, 1)"),
    ), else_label="different forenames")


def surname() -> PersonComparison:
    """Surname: the same; a variant (transliteration, spelling, a word of a double-barrelled name,
    alias); close spelling; swapped with the forenames; loosely similar."""
    return PersonComparison("surname", "Surname", "sn_l IS NULL OR sn_r IS NULL", (
        Level("the same", "sn_l = sn_r", "sn"),
        # before the variant level: a swapped pair whose surnames are also variants of each other ('Ali Khan' /
        # 'Khan Ali Khan') is one piece of evidence, already counted under forenames
        Level("forenames and surname swapped (counted under forenames)",
              "list_has_any(sn_keys_l, fn_keys_r) AND list_has_any(fn_keys_l, sn_keys_r)", neutral=True),
        Level("name variant (transliteration, spelling, part, alias)", "list_has_any(sn_keys_l, sn_keys_r)"),
        Level("similar spelling (Jaro-Winkler >= 0.92)", _jw("sn", 0.92)),
        Level("loosely similar (Jaro-Winkler >= 0.8)", _jw("sn", 0.8)),
    ), else_label="different surname")


def date_of_birth() -> PersonComparison:
    """Date of birth: the same; day and month transposed; one partial and agreeing; one digit
    different or two digits transposed (1943/1934); year off by one; same year; a year apart. Two or more
    years apart contradicts."""
    full = "dob_l IS NOT NULL AND dob_r IS NOT NULL"
    return PersonComparison("dob", "Date of birth", "dob_year_l IS NULL OR dob_year_r IS NULL", (
        Level("the same", "dob_l = dob_r"),
        Level("day and month transposed",
              "dob_year_l = dob_year_r AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r"),
        Level("partial date, year and month agreeing",
              "(dob_l IS NULL OR dob_r IS NULL) AND dob_year_l = dob_year_r AND dob_month_l = dob_month_r"),
        Level("partial date, year agreeing",
              "(dob_l IS NULL OR dob_r IS NULL) AND dob_year_l = dob_year_r "
              "AND (dob_month_l IS NULL OR dob_month_r IS NULL)"),
        Level("one digit different or two digits transposed",
              f"{full} AND damerau_levenshtein(CAST(dob_l AS VARCHAR), CAST(dob_r AS VARCHAR)) <= 1"),
        Level("year off by one, day and month the same",
              "abs(dob_year_l - dob_year_r) = 1 AND coalesce(dob_month_l = dob_month_r, TRUE) "
              "AND coalesce(dob_day_l = dob_day_r, TRUE)"),
        Level("same year", "dob_year_l = dob_year_r"),
        Level("a year apart", "abs(dob_year_l - dob_year_r) = 1"),
    ), else_label="two or more years apart")


def sex() -> PersonComparison:
    """Sex (M/F as recorded): the same, or different (a contradiction)."""
    return PersonComparison("sex", "Sex", "sex_l IS NULL OR sex_r IS NULL", (
        Level("the same", "sex_l = sex_r"),
    ))


def pnc() -> PersonComparison:
    """PNC id: the same (near-proof), or different (a contradiction: one PNC id per person)."""
    return PersonComparison("pnc", "PNC id", "pnc_l IS NULL OR pnc_r IS NULL", (
        Level("the same", "pnc_l = pnc_r"),
    ))


def phone() -> PersonComparison:
    """Phones the records are linked to (uses, keeper, holds): one shared, or none shared."""
    return PersonComparison("phone", "Shared phone", "len(phones_l) = 0 OR len(phones_r) = 0", (
        Level("a phone shared", "list_has_any(phones_l, phones_r)"),
    ), else_label="no phone shared")


#: Two document numbers one character apart (a typo, or two digits transposed): number lists are short (one or two
#: documents a record), so the nested comparison is cheap.
_DOCUMENT_TYPO = ("len(list_filter(documents_l, lambda x: len(list_filter(documents_r, "
                  "lambda y: damerau_levenshtein(x, y) <= 1)) > 0)) > 0")


#: Two document numbers with two adjacent characters transposed (*2062273* / *2026273*): one character apart, the
#: same length and the same characters, so no character was changed. A typing slip: consecutive numbers (twins'
#: passports issued together) differ in a changed character, never by a transposition.
_DOCUMENT_TRANSPOSED = (
    "len(list_filter(documents_l, lambda x: len(list_filter(documents_r, lambda y: damerau_levenshtein(x, y) = 1 "
    "AND length(x) = length(y) AND list_sort(string_split(x, '')) = list_sort(string_split(y, '')))) > 0)) > 0"
)


def document() -> PersonComparison:
    """Identity documents the records hold (passport, identity card, residence permit): one shared; two numbers with
    two adjacent characters transposed (a typing slip); one number a character away from the other's (a typo, or a
    consecutive number); or none shared (a person may hold several documents, so two different numbers are weak
    evidence; Splink learns how weak)."""
    return PersonComparison("document", "Identity document", "len(documents_l) = 0 OR len(documents_r) = 0", (
        Level("a document shared", "list_has_any(documents_l, documents_r)"),
        Level("document numbers with two characters transposed", _DOCUMENT_TRANSPOSED),
        Level("document numbers one character apart", _DOCUMENT_TYPO),
    ), else_label="no document shared")


#: A record with a home address to compare: a postcode (UK or abroad) or a street address (number, street, town).
_HOME = "(len(postcodes_{s}) > 0 OR len(postcodes_abroad_{s}) > 0 OR len(streets_{s}) > 0)"
#: The home (building or street address) of one record is the place of an event of the other.
_HOME_IS_EVENT_PLACE = (
    "list_has_any(buildings_l, event_places_r) OR list_has_any(streets_l, event_places_r) "
    "OR list_has_any(event_places_l, buildings_r) OR list_has_any(event_places_l, streets_r)"
)
#: No data: not both records have a home, and neither's home is where an event of the other happened (an event
#: elsewhere says nothing: most events do not happen at the people's homes).
_ADDRESS_NULL = f"NOT ({_HOME.format(s='l')} AND {_HOME.format(s='r')}) AND NOT coalesce({_HOME_IS_EVENT_PLACE}, FALSE)"


def address() -> PersonComparison:
    """Home addresses (resides-at, stays-at): same building (postcode + number/name), same postcode, same street
    address (number, street and town) when one record has no (UK) postcode (two postcodes that differ say two
    streets of one name, as in the many High Streets of a city); the same postcode abroad (its own level: a
    postcode of another country's system covers another number of homes); then the home of one record is
    where an event of the other happened (the event place of a suspect, victim, witness...); or none shared."""
    return PersonComparison("address", "Shared address", _ADDRESS_NULL, (
        Level("same building", "list_has_any(buildings_l, buildings_r)"),
        Level("same postcode", "list_has_any(postcodes_l, postcodes_r)"),
        Level("same street address (number, street, town), no postcode to compare",
              "list_has_any(streets_l, streets_r) AND (len(postcodes_l) = 0 OR len(postcodes_r) = 0)"),
        Level("same postcode abroad (not a UK postcode)", "list_has_any(postcodes_abroad_l, postcodes_abroad_r)"),
        Level("the home of one is where an event of the other happened", _HOME_IS_EVENT_PLACE),
    ), else_label="no address shared")


def all_comparisons() -> tuple[PersonComparison, ...]:
    """Every person comparison, in the order Splink scores them."""
    return (forenames(), surname(), date_of_birth(), sex(), pnc(), document(), phone(), address())



def _on_aliases(sql: str, left: str, right: str) -> str:
    """Rewrite Splink's ``x_l``/``x_r`` column names as ``left.x``/``right.x``."""
    sql = re.sub(r"\b([a-z0-9_]+?)_l\b", rf"{left}.\1", sql)
    return re.sub(r"\b([a-z0-9_]+?)_r\b", rf"{right}.\1", sql)


def gamma_sql(comparison: PersonComparison, left: str = "l", right: str = "r") -> str:
    """SQL giving the comparison's Splink level value (-1 null, 0 else) for two aliased feature rows."""
    n = len(comparison.levels)
    whens = [f"WHEN {_on_aliases(comparison.null, left, right)} THEN -1"]
    whens += [f"WHEN coalesce({_on_aliases(level.sql, left, right)}, FALSE) THEN {n - i}"
              for i, level in enumerate(comparison.levels)]
    return "CASE " + " ".join(whens) + " ELSE 0 END"


def label_sql(comparison: PersonComparison, gamma: str) -> str:
    """SQL turning a level value into the level's label."""
    cases = " ".join(f"WHEN {g} THEN '{label}'" for g, label in comparison.gamma_labels().items())
    return f"CASE {gamma} {cases} END"


#: Used by the contradiction only, not as a comparison level: as a level it gained nothing measurable on the
#: synthetic data and cost a nested loop over every blocked pair.
#: A forename word of one record within one edit (Damerau-Levenshtein: a typo or two letters transposed) of a
#: name variant of the other's: a nickname with a typo ('Jimsy'/'James' via 'jimmy'), a short name with two
#: letters swapped ('Lna'/'Lan'). Names under five letters count only a transposition (the same letters): one
#: letter changed makes another name ('Ana'/'Ava', 'Tom'/'Tim'); words under three letters are left out.
VARIANT_TYPO = (
    "len(list_filter(fn_keys_l, lambda x: length(x) >= 3 AND len(list_filter(fn_keys_r, "
    "lambda y: length(y) >= 3 AND damerau_levenshtein(x, y) <= 1 AND (least(length(x), length(y)) >= 5 "
    "OR list_sort(string_split(x, '')) = list_sort(string_split(y, ''))))) > 0)) > 0"
)

#: Forenames and surname swapped with a typo in one of them ('Morris Nicola'/'Nicola Moris'): one crossed pair
#: agrees closely.
SWAP_LOOSE = "jaro_winkler_similarity(fn1_l, sn_r) >= 0.88 OR jaro_winkler_similarity(sn_l, fn1_r) >= 0.88"

#: Forenames at the 'different' level contradict only when not even loosely alike: a typo in a
#: nickname ('Davve'/'David', 'Jimsy'/'James'), a short form ('Em'/'Emily') or a swap with a typo
#: ('Morris Nicola'/'Nicola Moris') is not evidence of two people.
_FORENAMES_UNRELATED = (
    "jaro_winkler_similarity(fn1_l, fn1_r) < 0.8 AND NOT starts_with(fn1_l, fn1_r) AND NOT starts_with(fn1_r, fn1_l)"
    f" AND NOT coalesce({VARIANT_TYPO}, FALSE) AND NOT coalesce({SWAP_LOOSE}, FALSE)"
)

#: Why a contradiction refuses a link, by comparison.
CONTRADICTION_REASONS: dict[str, str] = {
    "pnc": "different PNC ids",
    "sex": "different sex",
    "dob": "dates of birth two or more years apart",
    "forenames": "forenames share nothing",
}

#: Level values (Splink's gamma) of :func:`document`, :func:`date_of_birth` and :func:`forenames` read by the
#: identity-document exception below: a document shared, or its number with two characters transposed; a date of
#: birth a year out with day and month the same, or closer; forenames swapped with the surname, or closer.
_DOCUMENT_SHARED = 2
_DOB_AGREES = 3
_FORENAMES_AGREE = 2

#: A shared identity document outweighs one contradiction, not two: with a document held by both records (or its
#: number with two characters transposed, a typing slip), forenames that share nothing do not refuse the link when
#: the dates of birth agree (a name recorded wrongly, or another name given), and dates of birth far apart do not
#: when the forenames agree (a date recorded wrongly, or a false age: a trafficked child may be given an adult's
#: date of birth). Twins hold different documents (consecutive numbers at most: one character changed); a
#: controller holding a victim's passport has another name *and* another date of birth, so stays apart.
_EXCEPTED_BY_DOCUMENT: dict[str, str] = {
    "forenames": f"gamma_dob >= {_DOB_AGREES}",
    "dob": f"gamma_forenames >= {_FORENAMES_AGREE}",
}


def _gamma_refs(sql: str, gammas: dict[str, str]) -> str:
    """Replace ``gamma_<name>`` in ``sql`` with the given SQL of each comparison's level value."""
    return re.sub(r"\bgamma_([a-z]+)\b", lambda m: f"({gammas[m.group(1)]})", sql)


#: Every contradiction refuses a link unless the run's configuration allows it (``ResolveConfig.refuse``).
REFUSE_ALL: tuple[str, ...] = tuple(CONTRADICTION_REASONS)


def _contradiction_case(gammas: dict[str, str], unrelated: str, refuse: tuple[str, ...]) -> str:
    """The contradiction CASE over each comparison's level value (``gammas``: name -> SQL), for the contradictions
    in ``refuse`` (NULL for every pair when none)."""
    extra = {"forenames": unrelated}
    whens = []
    for name, reason in CONTRADICTION_REASONS.items():
        if name not in refuse:
            continue
        cond = f"({gammas[name]}) = 0 AND {extra.get(name, 'TRUE')}"
        if name in _EXCEPTED_BY_DOCUMENT:
            excepted = _gamma_refs(f"gamma_document >= {_DOCUMENT_SHARED} AND {_EXCEPTED_BY_DOCUMENT[name]}", gammas)
            cond += f" AND NOT ({excepted})"
        whens.append(f"WHEN {cond} THEN '{reason}'")
    return f"CASE {' '.join(whens)} END" if whens else "CAST(NULL AS VARCHAR)"


def contradiction_sql(left: str = "l", right: str = "r", refuse: tuple[str, ...] = REFUSE_ALL) -> str:
    """SQL naming the first contradiction (of those in ``refuse``) between two aliased feature rows, NULL when
    none."""
    gammas = {c.name: gamma_sql(c, left, right) for c in all_comparisons()}
    return _contradiction_case(gammas, _on_aliases(_FORENAMES_UNRELATED, left, right), refuse)


def contradiction_from_gammas(prefix: str = "", refuse: tuple[str, ...] = REFUSE_ALL) -> str:
    """The same as :func:`contradiction_sql`, read from Splink's comparison vector (``gamma_*``) and the
    retained name columns (``fn1_l``, ``fn_keys_r``, ``sn_l``...) of a predictions row: no second pass over the
    features."""
    unrelated = re.sub(r"\b([a-z0-9_]+_[lr])\b", rf"{prefix}\1", _FORENAMES_UNRELATED)
    gammas = {c.name: f"{prefix}gamma_{c.name}" for c in all_comparisons()}
    return _contradiction_case(gammas, unrelated, refuse)


#: Reason given when a pair above the threshold agrees on names alone.
NAMES_ONLY = "names only: no date of birth, PNC id, phone or address to confirm"


def names_only_from_gammas(prefix: str = "") -> str:
    """SQL: TRUE when a pair has no evidence beyond names (and sex): no date of birth on one side and no shared
    PNC id, identity document, phone or address. Common names recur (people named alike are not rare), so such a
    pair is linked only when ``ResolveConfig.names_alone`` allows it; otherwise it goes to review."""
    return f"({prefix}gamma_dob = -1 AND " + " AND ".join(
        f"{prefix}gamma_{name} < {at}" for name, at in _CONFIRMING.items()) + ")"


#: The comparisons that confirm a pair agreeing on names, and the lowest level value (gamma) that does.
_CONFIRMING: dict[str, int] = {"pnc": 1, "document": _DOCUMENT_SHARED, "phone": 1, "address": 1}


def names_only_from_explanation(expr: str) -> str:
    """:func:`names_only_from_gammas` read back from a stored explanation (pairs reused by an incremental run)."""
    by_name = {c.name: c for c in all_comparisons()}
    conds = [f"contains({expr}, 'dob: {by_name['dob'].gamma_labels()[-1]} (')"]
    for name, at in _CONFIRMING.items():
        conds += [f"NOT contains({expr}, '{name}: {label} (')"
                  for gamma, label in by_name[name].gamma_labels().items() if gamma >= at]
    return "(" + " AND ".join(conds) + ")"
