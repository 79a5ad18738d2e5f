"""``toex user`` and ``toex audit export``: accounts from the command line, the trail as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from toex.cli.main import app
from toex.store import audit, open_store

runner = CliRunner()
PASSWORD = "a long enough password"


def test_user_add_list_disable_policy_and_audit_export(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    base = ["--store", str(store)]
    r = runner.invoke(app, ["user", "add", "jane.doe", "--role", "supervisor", "--scope", "region",
                            "--scope-id", "ersou", "--name", "Jane Doe", *base], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "bad", "--scope", "force", "--scope-id", "atlantis", *base],
                      input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 1
    listed = runner.invoke(app, ["user", "list", *base])
    assert listed.exit_code == 0 and "jane" in listed.output and "argon2" not in listed.output
    assert runner.invoke(app, ["user", "disable", "jane.doe", *base]).exit_code == 0
    r = runner.invoke(app, ["user", "policy", "--purpose-required", "person_search,export", *base])
    assert r.exit_code == 0 and "export, person_search" in r.output
    assert runner.invoke(app, ["user", "policy", "--purpose-required", "nonsense", *base]).exit_code == 1
    out = tmp_path / "audit.csv"
    assert runner.invoke(app, ["audit", "export", "--out", str(out), *base]).exit_code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][0] == "seq" and any(r[4] == "user:jane.doe" for r in rows[1:])
    assert PASSWORD not in out.read_text(encoding="utf-8")
    handle = open_store(store)
    assert handle.scalar("SELECT disabled FROM users WHERE username = 'jane.doe'") is True
    assert audit.verify(handle).ok
    handle.close()
    assert runner.invoke(app, ["serve", "--help"]).exit_code == 0
