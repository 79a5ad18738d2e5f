"""Identity documents as evidence (hand-written hard cases, no model needed): ingest normalises the numbers,
features collect the ones a record holds, the document comparison and a blocking rule read them, and a shared
document outweighs one contradiction (forenames or date of birth), never two."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write_source
from tests.resolve.conftest import person

from toex.ingest import ingest, plan
from toex.resolve import features
from toex.resolve.comparisons import (
    all_comparisons,
    contradiction_from_gammas,
    contradiction_sql,
    gamma_sql,
    label_sql,
    names_only_from_gammas,
)
from toex.resolve.config import DEFAULT_BLOCKING
from toex.store import Store

#: (person ref, forenames, surname, date of birth, document numbers held as written).
PEOPLE = [
    # one child: the custody record has a forename recorded wrongly, the passport is the same
    ("ionut-1", "Ionut", "Popescu", "2009-07-03", ["05 123456"]),
    ("ionut-2", "Andrei", "Popescu", "2009-07-03", ["05123456"]),
    # one child given an adult's date of birth (a false age), the same passport
    ("arben-1", "Arben", "Hoxha", "2008-01-05", ["ab1234567"]),
    ("arben-2", "Arben", "Hoxha", "1999-01-05", ["AB 123 4567"]),
    # the same two dates of birth, no document: a contradiction
    ("arben-3", "Arben", "Hoxha", "1999-01-05", []),
    # twins: passports issued together, consecutive numbers (one character apart)
    ("twin-1", "Amira", "Hassan", "2010-02-02", ["512345671"]),
    ("twin-2", "Aisha", "Hassan", "2010-02-02", ["512345672"]),
    # a mother holds her daughter's passport (as well as her own): another name and another date of birth
    ("mother", "Elena", "Rusu", "1985-03-01", ["RU7654321", "RU1111111"]),
    ("daughter", "Maria", "Rusu", "2012-06-10", ["RU1111111"]),
    # one child, the forename recorded wrongly and the passport number typed with two digits transposed
    ("mihai-1", "Mihai", "Lungu", "2011-09-14", ["062273541"]),
    ("mihai-2", "Vasile", "Lungu", "2011-09-14", ["026273541"]),
    # the same name and no date of birth on one side, confirmed by a passport only
    ("nodob-1", "Jack", "Smith", "", ["123456789"]),
    ("nodob-2", "Jack", "Smith", "1990-04-04", ["123456789"]),
]


@pytest.fixture
def held(store: Store, tmp_path: Path) -> Store:
    """Each person of :data:`PEOPLE` in one custody source, holding its documents (``holds`` links)."""
    objects, links = [], []
    for ref, *_, numbers in PEOPLE:
        for i, number in enumerate(numbers):
            objects.append({"ref": f"D-{ref}-{i}", "kind": "document", "value": number, "description": "passport"})
            links.append({"from_ref": ref, "to_ref": f"D-{ref}-{i}", "role": "holds"})
    folder = write_source(tmp_path, "suffolk-custody", kind="custody",
                          persons=[person(ref, fore, sur, dob) for ref, fore, sur, dob, _ in PEOPLE],
                          objects=objects, links=links)
    ingest(store, plan([folder]))
    features.build_features(store)
    return store


def compared(store: Store, a: str, b: str) -> dict[str, str | None]:
    """Each comparison's level label for two person records, and the contradiction (SQL over the features)."""
    cols = ", ".join(f"{label_sql(c, gamma_sql(c))} AS {c.name}" for c in all_comparisons())
    cur = store.execute(f"SELECT {cols}, {contradiction_sql()} AS contradiction FROM person_features l, "
                        "person_features r WHERE l.ref = ? AND r.ref = ?", [a, b])
    return dict(zip([d[0] for d in cur.description], cur.fetchall()[0], strict=True))


def test_document_numbers_are_normalised_and_collected(held: Store) -> None:
    got = dict(held.fetchall("SELECT ref, list_sort(documents) FROM person_features WHERE ref IN "
                             "('ionut-1', 'arben-2', 'mother', 'arben-3')"))
    assert got == {"ionut-1": ["05123456"], "arben-2": ["AB1234567"], "mother": ["RU1111111", "RU7654321"],
                   "arben-3": []}


def test_a_shared_document_outweighs_forenames_that_share_nothing(held: Store) -> None:
    got = compared(held, "ionut-1", "ionut-2")
    assert got["document"] == "a document shared"
    assert got["forenames"] == "different forenames"
    assert got["contradiction"] is None


def test_a_shared_document_outweighs_a_false_age(held: Store) -> None:
    got = compared(held, "arben-1", "arben-2")
    assert (got["document"], got["dob"], got["contradiction"]) == ("a document shared", "two or more years apart", None)
    assert compared(held, "arben-1", "arben-3")["contradiction"] == "dates of birth two or more years apart"


def test_twins_with_consecutive_passports_stay_apart(held: Store) -> None:
    got = compared(held, "twin-1", "twin-2")
    assert got["document"] == "document numbers one character apart"
    assert got["contradiction"] == "forenames share nothing"


def test_a_passport_number_with_two_digits_transposed_is_one_document_mistyped(held: Store) -> None:
    got = compared(held, "mihai-1", "mihai-2")
    assert got["document"] == "document numbers with two characters transposed"
    assert got["forenames"] == "different forenames"
    assert got["contradiction"] is None  # a typing slip, not twins' consecutive passports (one digit changed)


def test_a_mother_holding_her_daughters_passport_stays_apart(held: Store) -> None:
    got = compared(held, "mother", "daughter")
    assert got["document"] == "a document shared"
    assert (got["forenames"], got["dob"]) == ("different forenames", "two or more years apart")
    assert got["contradiction"] == "dates of birth two or more years apart"


def test_no_document_on_one_side_is_no_data(held: Store) -> None:
    assert compared(held, "arben-1", "arben-3")["document"] == "no data"
    assert compared(held, "ionut-1", "arben-1")["document"] == "no document shared"


def test_a_document_is_a_blocking_key(held: Store) -> None:
    rule = next(rule for rule in DEFAULT_BLOCKING if "doc1" in rule)
    features.build_match_table(held)
    pairs = held.fetchall(f"""SELECT l.ref, r.ref FROM {features.MATCH} l JOIN {features.MATCH} r
                              ON ({rule}) AND l.ref < r.ref ORDER BY 1""")
    # the mother's first document is her own ('RU1111111' < 'RU7654321' is her daughter's): one key per record
    assert pairs == [("arben-1", "arben-2"), ("daughter", "mother"), ("ionut-1", "ionut-2"), ("nodob-1", "nodob-2")]


def _gamma_rows(store: Store) -> str:
    """Every ordered pair of feature rows as Splink's predictions see it: ``gamma_*`` and the ``_l``/``_r`` name
    columns the contradiction reads."""
    gammas = ", ".join(f"{gamma_sql(c)} AS gamma_{c.name}" for c in all_comparisons())
    names = ", ".join(f"l.{col} AS {col}_l, r.{col} AS {col}_r" for col in ("fn1", "fn_keys", "sn", "ref"))
    return f"SELECT {gammas}, {names} FROM person_features l, person_features r WHERE l.ref < r.ref"


def test_the_contradiction_read_from_gammas_agrees_with_the_features(held: Store) -> None:
    from_features = held.fetchall(f"""SELECT l.ref, r.ref, {contradiction_sql()} FROM person_features l,
                                      person_features r WHERE l.ref < r.ref ORDER BY 1, 2""")
    from_gammas = held.fetchall(f"SELECT ref_l, ref_r, {contradiction_from_gammas()} FROM ({_gamma_rows(held)}) p "
                                "ORDER BY 1, 2")
    assert from_gammas == from_features
    assert {why for *_, why in from_features} >= {None, "forenames share nothing", "dates of birth two or more years apart"}


def test_a_shared_document_confirms_a_pair_with_no_date_of_birth(held: Store) -> None:
    got = dict(((a, b), bool(flag)) for a, b, flag in held.fetchall(
        f"SELECT ref_l, ref_r, {names_only_from_gammas()} FROM ({_gamma_rows(held)}) p"))
    assert got[("nodob-1", "nodob-2")] is False
    # a name alone, no document shared: names only
    held.execute("UPDATE person_features SET documents = [] WHERE ref = 'nodob-2'")
    got = dict(((a, b), bool(flag)) for a, b, flag in held.fetchall(
        f"SELECT ref_l, ref_r, {names_only_from_gammas()} FROM ({_gamma_rows(held)}) p"))
    assert got[("nodob-1", "nodob-2")] is True


def test_a_level_never_seen_among_random_pairs_is_strong_evidence() -> None:
    from toex.resolve.people import floor_unobserved

    model = {"comparisons": [{"comparison_levels": [
        {"is_null_level": True},
        {"label_for_charts": "a document shared", "m_probability": 0.9, "u_probability": None},
        {"label_for_charts": "initial only", "m_probability": None, "u_probability": None},
        {"label_for_charts": "same year", "m_probability": 0.001, "u_probability": 0.02},
        {"label_for_charts": "different", "m_probability": 0.1, "u_probability": 0.98},
    ]}]}
    levels = floor_unobserved(model, 1e-4, 1 / 2_000_000)["comparisons"][0]["comparison_levels"]
    # seen among the matches, never among 2M random pairs: u is at most one in 2M
    assert levels[1]["u_probability"] == pytest.approx(5e-7)
    # seen in neither: no evidence (u = m = the floor)
    assert levels[2]["m_probability"] == levels[2]["u_probability"] == 1e-4
    # estimated levels are left alone
    assert (levels[3]["m_probability"], levels[3]["u_probability"]) == (0.001, 0.02)
    assert (levels[4]["m_probability"], levels[4]["u_probability"]) == (0.1, 0.98)
