"""A source: one extract from one contributing organisation (source.yaml)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from toex import reference
from toex.errors import SourceSpecError
from toex.ingest import pole_format as fmt

SOURCE_ID = re.compile(r"^[a-z0-9-]+$")


class SourceSpec(BaseModel):
    """The fields of source.yaml (shared/spec/pole-exchange.md)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str
    name: str
    owner: str
    kind: str
    extracted: date | None = None
    classification: str = "OFFICIAL-SENSITIVE"

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not SOURCE_ID.match(value):
            raise ValueError(f"source id {value!r} must match [a-z0-9-]+")
        return value

    @field_validator("owner")
    @classmethod
    def _owner(cls, value: str) -> str:
        if value in reference.force_ids() or value in fmt.AGENCY_OWNERS or value.startswith("local-authority:"):
            return value
        raise ValueError(
            f"owner {value!r} is not a force id or an agency id (nca, home-office, companies-register, "
            "local-authority:<name>)"
        )

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in fmt.SOURCE_KINDS:
            raise ValueError(f"kind {value!r} is not one of {', '.join(fmt.SOURCE_KINDS)}")
        return value

    @field_validator("classification")
    @classmethod
    def _classification(cls, value: str) -> str:
        if value not in fmt.CLASSIFICATIONS:
            raise ValueError(f"classification {value!r} is not one of {', '.join(fmt.CLASSIFICATIONS)}")
        return value


def spec_from_mapping(data: object, path: Path) -> SourceSpec:
    """Validate a parsed mapping as a source spec; errors name the file and field."""
    if not isinstance(data, dict):
        raise SourceSpecError(path, "must be a YAML mapping with id, name, owner, kind")
    try:
        return SourceSpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise SourceSpecError(path, problems) from exc


def read_source_yaml(folder: Path) -> SourceSpec:
    """Read and validate ``folder/source.yaml``."""
    path = folder / "source.yaml"
    if not path.is_file():
        raise SourceSpecError(path, "missing: a POLE source folder needs a source.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceSpecError(path, f"not valid YAML ({str(exc).splitlines()[0]})") from exc
    return spec_from_mapping(data, path)
