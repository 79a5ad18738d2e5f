"""The server's audit chain: cached head, many threads, entries inside transactions that commit or roll back."""

from __future__ import annotations

import threading
import time

from tests.api.world import World

from toex.api.access import User
from toex.api.audit_log import log
from toex.store import audit
from toex.store.audit import ChainedStore

ANALYST = User("suffolk", "Suffolk analyst", "analyst", "force", "suffolk", "OFFICIAL-SENSITIVE", False, ("suffolk",))


def _count(w: World) -> int:
    return int(w.db.store.scalar("SELECT count(*) FROM audit"))


def test_many_threads_one_chain(fresh_world: World) -> None:
    w = fresh_world
    before = _count(w)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(20):
                log(w.db, ANALYST, "consultation", f"probe:{i}:{j}", f"thread {i}", [f"P-{j:06d}"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _count(w) == before + 160
    targets = {str(r[0]) for r in w.db.store.fetchall("SELECT target FROM audit WHERE target LIKE 'probe:%'")}
    assert targets == {f"probe:{i}:{j}" for i in range(8) for j in range(20)}
    result = audit.verify(w.db.store)
    assert result.ok, result.reason
    # the cached head is the table's last entry
    assert w.db.chain.head == audit.head_now(w.db.store)


def _open_transaction_entry(w: World, commit: bool, waited: dict[str, float]) -> None:
    """An entry written inside a transaction (as a load writes its collection entry) while others log."""
    cur = w.db.store.con.cursor()
    store = ChainedStore(cur, w.db.store.path, w.db.chain)
    other = threading.Thread(target=lambda: _timed_log(w, waited))
    try:
        with store.transaction():
            audit.record(store, "loader", "collection", "source:probe", {"rows": 1})
            other.start()
            time.sleep(0.3)  # the consultation must wait: it may not link to an entry that could roll back
            assert "done" not in waited
            if not commit:
                raise RuntimeError("the load fails after its entry")
    except RuntimeError:
        pass
    finally:
        cur.close()
    other.join()


def _timed_log(w: World, waited: dict[str, float]) -> None:
    start = time.perf_counter()
    log(w.db, ANALYST, "consultation", "probe:during-load", None, [])
    waited["done"] = time.perf_counter() - start


def test_entry_in_a_transaction_holds_the_chain_until_commit(fresh_world: World) -> None:
    w = fresh_world
    waited: dict[str, float] = {}
    _open_transaction_entry(w, True, waited)
    assert waited["done"] >= 0.25
    rows = w.db.store.fetchall("SELECT target FROM audit ORDER BY seq DESC LIMIT 2")
    assert [r[0] for r in rows] == ["probe:during-load", "source:probe"]
    assert audit.verify(w.db.store).ok


def test_rolled_back_entry_leaves_no_gap(fresh_world: World) -> None:
    w = fresh_world
    waited: dict[str, float] = {}
    _open_transaction_entry(w, False, waited)
    targets = [str(r[0]) for r in w.db.store.fetchall("SELECT target FROM audit")]
    assert "source:probe" not in targets and "probe:during-load" in targets
    result = audit.verify(w.db.store)
    assert result.ok, result.reason
    log(w.db, ANALYST, "consultation", "probe:after", None, [])
    assert audit.verify(w.db.store).ok
