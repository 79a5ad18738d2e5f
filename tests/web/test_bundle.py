"""The committed web bundle (src/toex/api/static/) must be built from the sources in web/.

`npm run build` records a content hash of web/ (sources, lockfile, config) in
static/build-info.json; this test recomputes it with the same algorithm as
web/scripts/source-hash.mjs, so a change to web/ without a rebuild fails here
(no node needed). When node and web/node_modules are present the bundle is also
rebuilt into a temporary folder and compared file by file (Vite's output is
deterministic).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = ROOT / "src" / "toex" / "api" / "static"
HASHED_FILES = ["index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts"]
HASHED_DIRS = ["src", "public"]


def source_hash(web: Path) -> str:
    files = [web / f for f in HASHED_FILES]
    for d in HASHED_DIRS:
        if (web / d).is_dir():
            files.extend(p for p in (web / d).rglob("*") if p.is_file())
    rel = sorted(p.relative_to(web).as_posix() for p in files)
    h = hashlib.sha256()
    for r in rel:
        h.update(r.encode() + b"\0")
        h.update((web / r).read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_bundle_matches_sources() -> None:
    info = json.loads((STATIC / "build-info.json").read_text(encoding="utf-8"))
    assert info["source_sha256"] == source_hash(WEB), (
        "src/toex/api/static/ is stale: run `cd web && npm ci && npm run build` and commit the result"
    )


def test_index_references_existing_assets() -> None:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="/(assets/[^"]+)"', html)
    assert refs, "index.html references no assets"
    for ref in refs:
        assert (STATIC / ref).is_file(), ref
    # offline: no network fetches from the page
    assert "http://" not in html and "https://" not in html


def test_bundle_has_no_remote_urls_loaded_at_run_time() -> None:
    for p in (STATIC / "assets").glob("*.css"):
        css = p.read_text(encoding="utf-8")
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css), p
        assert not re.search(r"url\(\s*['\"]?https?:", css), p


@pytest.mark.skipif(
    shutil.which("npm") is None or not (WEB / "node_modules" / ".bin" / "vite").exists(),
    reason="node or web/node_modules missing (run `cd web && npm ci`)",
)
def test_rebuild_is_identical(tmp_path: Path) -> None:
    out = tmp_path / "static"
    env = {**os.environ, "TOEX_WEB_OUT": str(out)}
    subprocess.run(
        [str(WEB / "node_modules" / ".bin" / "vite"), "build", "--logLevel", "error"],
        cwd=WEB, env=env, check=True, capture_output=True, timeout=300,
    )
    assert tree_digest(out) == tree_digest(STATIC), "rebuilding web/ gives a different bundle: rebuild and commit"
