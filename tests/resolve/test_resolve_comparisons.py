"""Each person comparison on hand-written hard cases (SQL levels, no model needed)."""

from __future__ import annotations

import copy

import pytest

from toex.resolve import features
from toex.resolve.comparisons import all_comparisons, contradiction_sql, gamma_sql, label_sql
from toex.store import Store

ROWS = [
    # ref, forenames, surname, dob, sex, pnc, aliases
    ("ionut-1", "Ionuț", "Popescu", "2009-07-03", "M", "", ""),
    ("ionut-2", "Ionut", "POPESCU", "2009-07-03", "M", "", ""),
    ("ionut-3", "POPESCU", "Ionut", "", "M", "", ""),
    ("nguyen-1", "Thi Lan", "Nguyễn", "1990-05-04", "F", "", ""),
    ("nguyen-2", "Thi Lan", "Nguyen", "1990-04-05", "F", "", ""),
    ("mo-1", "Mohammed", "Khan", "2000-03-14", "M", "", ""),
    ("mo-2", "Muhammad", "Khan", "1999-03-14", "M", "", ""),
    ("mid-1", "Ionut Marian", "Popa", "1999-01-20", "M", "", ""),
    ("mid-2", "Ionut", "Popa", "1999-01", "M", "", ""),
    ("nick-1", "William", "Jones", "1985-06-01", "M", "", ""),
    ("nick-2", "Billy", "Jones", "1985-06-01", "M", "", ""),
    ("twin-1", "Amira", "Hassan", "2010-02-02", "F", "", ""),
    ("twin-2", "Aisha", "Hassan", "2010-02-02", "F", "", ""),
    ("pnc-1", "John", "Smith", "1980-01-01", "M", "80/12345A", ""),
    ("pnc-2", "John", "Smith", "1980-01-01", "M", "81/99999Z", ""),
    ("sex-1", "Sam", "Taylor", "1995-09-09", "M", "", ""),
    ("sex-2", "Sam", "Taylor", "1995-09-09", "F", "", ""),
    ("typo-1", "Davve", "Baker", "1976-11-16", "M", "", ""),
    ("typo-2", "David", "Baker", "1976-11-16", "M", "", ""),
    ("nicktypo-1", "James Archie", "Green", "1994-01-25", "M", "", ""),
    ("nicktypo-2", "Jimsy", "Green", "1994-01-25", "M", "", ""),
    ("short-1", "Lan", "Tran", "1983-06-26", "F", "", ""),
    ("short-2", "Lna", "Tran", "1983-06-26", "F", "", ""),
    ("swaptypo-1", "Nicola", "Moris", "1948-10-05", "F", "", ""),
    ("swaptypo-2", "Morris", "Nicola", "1948-10-05", "F", "", ""),
    ("triplet-1", "Ana", "Popa", "2012-04-04", "F", "", ""),
    ("triplet-2", "Ava", "Popa", "2012-04-04", "F", "", ""),
    ("year-typo-1", "Brooke", "Reid", "1943-12-27", "F", "", ""),
    ("year-typo-2", "Brooke", "Reid", "1934-12-27", "F", "", ""),
    ("daughter", "Brooke", "Reid", "1968-05-02", "F", "", ""),
]


@pytest.fixture
def featured(store: Store) -> Store:
    for ref, fore, sur, dob, sex, pnc, aliases in ROWS:
        parts: list[int | None] = [int(x) for x in dob.split("-")] if dob else []
        parts = (parts + [None, None, None])[:3]
        store.execute(
            "INSERT INTO persons (source_id, ref, load_id, forenames, surname, dob, dob_year, dob_month, dob_day, sex, "
            "pnc_id, aliases, nationality) VALUES ('t', ?, 'x', ?, ?, TRY_CAST(NULLIF(?, '') AS DATE), ?, ?, ?, NULLIF(?, ''), "
            "NULLIF(?, ''), NULLIF(?, ''), 'Romanian')",
            [ref, fore, sur, dob, parts[0], parts[1], parts[2], sex, pnc, aliases])
    features.build_features(store)
    return store


def levels(store: Store, a: str, b: str) -> dict[str, str]:
    cols = ", ".join(f"{label_sql(c, gamma_sql(c))} AS {c.name}" for c in all_comparisons())
    cur = store.execute(
        f"SELECT {cols}, {contradiction_sql()} AS contradiction FROM person_features l, person_features r "
        "WHERE l.ref = ? AND r.ref = ?", [a, b])
    row = cur.fetchall()[0]
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def test_transliteration_folds_to_the_same_name(featured: Store) -> None:
    got = levels(featured, "ionut-1", "ionut-2")
    assert got["forenames"] == "all forenames the same"
    assert got["surname"] == "the same"
    assert got["dob"] == "the same"
    assert levels(featured, "nguyen-1", "nguyen-2")["surname"] == "the same"


def test_variant_table_links_mohammed_and_muhammad(featured: Store) -> None:
    got = levels(featured, "mo-1", "mo-2")
    assert got["forenames"].startswith("name variant")
    assert got["dob"] == "year off by one, day and month the same"
    assert got["contradiction"] is None


def test_nickname(featured: Store) -> None:
    assert levels(featured, "nick-1", "nick-2")["forenames"].startswith("name variant")


def test_forename_surname_swap(featured: Store) -> None:
    got = levels(featured, "ionut-1", "ionut-3")
    assert got["forenames"] == "forenames and surname swapped"
    assert got["surname"].startswith("forenames and surname swapped")
    assert got["contradiction"] is None


def test_day_month_transposition(featured: Store) -> None:
    assert levels(featured, "nguyen-1", "nguyen-2")["dob"] == "day and month transposed"


def test_dropped_middle_name_and_partial_dob(featured: Store) -> None:
    got = levels(featured, "mid-1", "mid-2")
    assert got["forenames"] == "first forename the same"
    assert got["dob"] == "partial date, year and month agreeing"


def test_twins_contradict_on_forenames(featured: Store) -> None:
    got = levels(featured, "twin-1", "twin-2")
    assert got["forenames"] == "different forenames"
    assert got["contradiction"] == "forenames share nothing"


def test_typo_in_forename_is_not_a_contradiction(featured: Store) -> None:
    assert levels(featured, "typo-1", "typo-2")["contradiction"] is None


def test_nickname_with_a_typo_is_not_a_contradiction(featured: Store) -> None:
    got = levels(featured, "nicktypo-1", "nicktypo-2")  # Jimsy: Jimmy (a nickname of James) with a typo
    assert got["forenames"] == "different forenames"
    assert got["contradiction"] is None
    got = levels(featured, "short-1", "short-2")  # two letters transposed in a short name
    assert got["forenames"] == "different forenames"
    assert got["contradiction"] is None


def test_swap_with_a_typo_is_not_a_contradiction(featured: Store) -> None:
    got = levels(featured, "swaptypo-1", "swaptypo-2")
    assert got["forenames"] == "different forenames"  # not scored as a swap (the keys do not cross exactly)...
    assert got["contradiction"] is None  # ...but not evidence of two people either


def test_short_names_one_letter_apart_are_not_variants(featured: Store) -> None:
    got = levels(featured, "triplet-1", "triplet-2")  # Ana and Ava Popa, born the same day
    assert got["forenames"] == "different forenames"
    assert got["contradiction"] == "forenames share nothing"


def test_different_pnc_and_sex_contradict(featured: Store) -> None:
    assert levels(featured, "pnc-1", "pnc-2")["contradiction"] == "different PNC ids"
    assert levels(featured, "sex-1", "sex-2")["contradiction"] == "different sex"


def test_features_never_carry_nationality(featured: Store) -> None:
    columns = {row[0] for row in featured.fetchall("DESCRIBE person_features")}
    assert not any("national" in c for c in columns)


def test_a_model_trained_with_other_comparisons_is_not_reused() -> None:
    from toex.resolve import people
    from toex.resolve.config import ResolveConfig

    fresh = people.settings(ResolveConfig())
    assert people.same_comparisons(fresh)
    older = copy.deepcopy(fresh)
    older["comparisons"][0]["comparison_levels"].pop(-2)  # another version, without one forenames level
    assert not people.same_comparisons(older)


def test_two_year_digits_transposed_are_a_typo_not_another_person(featured: Store) -> None:
    got = levels(featured, "year-typo-1", "year-typo-2")
    assert got["dob"] == "one digit different or two digits transposed"
    assert got["contradiction"] is None
    got = levels(featured, "year-typo-1", "daughter")
    assert got["dob"] == "two or more years apart"
    assert got["contradiction"] == "dates of birth two or more years apart"


def test_every_contradiction_is_refused_unless_the_run_allows_it(featured: Store) -> None:
    from toex.resolve.comparisons import REFUSE_ALL
    from toex.resolve.config import ResolveConfig

    assert ResolveConfig().refuse == REFUSE_ALL
    allowed = contradiction_sql(refuse=("pnc", "sex", "dob"))
    row = featured.fetchall(f"SELECT {allowed}, {contradiction_sql(refuse=())} FROM person_features l, person_features r "
                            "WHERE l.ref = 'twin-1' AND r.ref = 'twin-2'")[0]
    assert row == (None, None)  # the twins' forenames are left to the model's weights
    assert featured.fetchall(f"SELECT {allowed} FROM person_features l, person_features r "
                             "WHERE l.ref = 'sex-1' AND r.ref = 'sex-2'")[0][0] == "different sex"
