"""Backups of a store: a consistent copy of the file, with a checksum beside it.

``backup`` checkpoints the store (so the copy holds every committed
transaction and no write-ahead log is needed), copies the file and writes
``<backup>.sha256``. ``restore`` checks the checksum and that the file is a
toex store before it puts it in place, and never overwrites an existing store
unless told to.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from toex.errors import StoreError
from toex.store.store import open_store


@dataclass(frozen=True)
class BackupInfo:
    """A backup file and its checksum."""

    path: Path
    sha256: str
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(store_path: Path, target: Path, *, overwrite: bool = False) -> BackupInfo:
    """Write a consistent copy of ``store_path`` to ``target`` (and ``target.sha256``)."""
    if not store_path.is_file():
        raise StoreError(f"{store_path}: no store to back up")
    if target.exists() and not overwrite:
        raise StoreError(f"{target}: already exists; choose another name or pass --overwrite")
    with open_store(store_path) as store:
        store.execute("CHECKPOINT")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(store_path, partial)
    partial.replace(target)
    checksum = _sha256(target)
    target.with_name(target.name + ".sha256").write_text(f"{checksum}  {target.name}\n", encoding="utf-8")
    return BackupInfo(target, checksum, target.stat().st_size)


def restore(source: Path, store_path: Path, *, overwrite: bool = False) -> BackupInfo:
    """Put a backup in place as ``store_path`` after checking its checksum and that it is a toex store."""
    if not source.is_file():
        raise StoreError(f"{source}: no such backup file")
    checksum_file = source.with_name(source.name + ".sha256")
    checksum = _sha256(source)
    if checksum_file.is_file():
        expected = checksum_file.read_text(encoding="utf-8").split()[0]
        if expected != checksum:
            raise StoreError(f"{source}: checksum does not match {checksum_file.name}; the backup is damaged")
    if store_path.exists() and not overwrite:
        raise StoreError(f"{store_path}: a store is already there; pass --overwrite to replace it")
    staging = store_path.with_name(store_path.name + ".restoring")
    shutil.copyfile(source, staging)
    try:
        with open_store(staging, read_only=True):
            pass  # refuses a foreign or newer file before anything is replaced
    except StoreError:
        staging.unlink(missing_ok=True)
        raise
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    wal = store_path.with_name(store_path.name + ".wal")
    wal.unlink(missing_ok=True)
    staging.replace(store_path)
    return BackupInfo(store_path, checksum, store_path.stat().st_size)
