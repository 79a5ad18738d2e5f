from __future__ import annotations

from toex.synth import SynthSummary


def test_dataset_ingests_cleanly(tiny: SynthSummary) -> None:
    from toex.ingest import ingest, plan
    from toex.store.store import open_store

    store = open_store(None)
    items = plan([tiny.dataset_dir])
    assert len(items) == 222
    results = ingest(store, items)
    assert len(results) == 222
    assert sum(r.quarantined for r in results) == 0, [r.reasons for r in results if r.quarantined][:3]
