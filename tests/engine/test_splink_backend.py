"""Each engine hands Splink its own backend (DuckDBAPI / SparkAPI), and Splink scores the same pairs on both."""

from __future__ import annotations

import pyarrow as pa
import pytest
from splink import Linker, SettingsCreator, block_on
from splink import comparison_library as cl

from toex.engine import Engine

PEOPLE = pa.table({
    "unique_id": [1, 2, 3, 4, 5, 6],
    "first_name": ["ann", "ann", "anne", "bob", "bob", "carl"],
    "surname": ["smith", "smith", "smith", "jones", "jones", "brown"],
    "dob": ["1990-04-17", "1990-04-17", "1990-04-17", "1985-01-02", "1985-01-03", "1970-07-07"],
})


def _settings(dialect: str) -> dict[str, object]:
    creator = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.JaroWinklerAtThresholds("first_name", [0.9]), cl.ExactMatch("surname"),
                     cl.ExactMatch("dob")],
        blocking_rules_to_generate_predictions=[block_on("surname")],
        probability_two_random_records_match=0.2,
        retain_intermediate_calculation_columns=False,
    )
    return creator.create_settings_dict(dialect)


@pytest.mark.filterwarnings("ignore")
def test_same_pairs_and_weights(engine: Engine) -> None:
    engine.register("__t_people", PEOPLE)  # Splink reads the engine's own table: one connection, one session
    backend = engine.splink_backend()
    linker = Linker(backend.register("__t_people"), _settings(backend.sql_dialect.sql_dialect_str), log_level=None)
    frame = linker.inference.predict().as_pandas_dataframe()
    pairs = sorted((int(r.unique_id_l), int(r.unique_id_r), round(float(r.match_weight), 6))
                   for r in frame.itertuples())
    # surname blocks: ann/ann/anne smith (3 pairs), bob jones (1 pair); weights are the same on every engine
    assert [(a, b) for a, b, _ in pairs] == [(1, 2), (1, 3), (2, 3), (4, 5)]
    assert pairs[0][2] > pairs[3][2]
    EXPECTED.setdefault("pairs", pairs)
    assert pairs == EXPECTED["pairs"]


EXPECTED: dict[str, list[tuple[int, int, float]]] = {}
