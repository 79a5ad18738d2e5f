from __future__ import annotations

from pathlib import Path

from toex.synth import generate, preset
from toex.synth.generate import RUN_FILE


def _files(root: Path) -> dict[str, bytes]:
    """Every output file except run.json (generation time), manifest.json included."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != RUN_FILE}


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    cfg = preset("tiny", forces=("suffolk", "norfolk", "essex"), volume={"events": 1500})
    a = generate(tmp_path / "a", seed=3, config=cfg)
    b = generate(tmp_path / "b", seed=3, config=cfg)
    c = generate(tmp_path / "c", seed=4, config=cfg)
    fa, fb, fc = _files(a.out_dir), _files(b.out_dir), _files(c.out_dir)
    assert fa.keys() == fb.keys()
    assert "truth/manifest.json" in fa
    assert fa == fb
    objects = b"".join(v for k, v in fa.items() if k.endswith("objects.csv"))
    assert b'"document"' in objects  # identity documents are part of what must repeat
    assert (a.truth_dir / RUN_FILE).is_file()
    assert fa["dataset/suffolk-crime/events.csv"] != fc["dataset/suffolk-crime/events.csv"]
