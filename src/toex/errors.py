"""The exception tree of toex.

    ToexError
    ├── ConfigError            bad configuration or option
    ├── StoreError             the store cannot be opened or used
    │   ├── ForeignStoreError  the file is not a toex store (never overwritten)
    │   └── StoreVersionError  the store was written by a newer toex
    └── IngestError            an input cannot be loaded
        ├── UnreadableFileError  a file cannot be read at all (fails its source)
        ├── SourceSpecError      source.yaml is missing or invalid
        └── MappingError         a force-export mapping file is invalid

Every message names the file (and row, where there is one) and the reason,
and says what to do next where that is not obvious.
"""

from __future__ import annotations

from pathlib import Path


class ToexError(Exception):
    """Base class of every error toex raises on purpose."""


class ConfigError(ToexError):
    """A configuration value or command option is invalid."""


class StoreError(ToexError):
    """The store cannot be opened, migrated or written."""


class ForeignStoreError(StoreError):
    """The file exists but is not a toex store; toex refuses to touch it."""


class StoreVersionError(StoreError):
    """The store's schema is newer than this version of toex understands."""


class IngestError(ToexError):
    """An input could not be loaded."""


class UnreadableFileError(IngestError):
    """A file cannot be read at all: its whole source fails and the store is unchanged."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class SourceSpecError(IngestError):
    """A source folder's source.yaml is missing or invalid."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class MappingError(IngestError):
    """A force-export mapping file is invalid."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
