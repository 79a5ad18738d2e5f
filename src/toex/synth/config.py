"""Every knob of the synthetic dataset generator, as one pydantic model.

A :class:`SynthConfig` is built from a scale preset (:func:`preset`) and may be
overridden from a YAML file (:func:`load_config`): any field left out of the
file keeps the preset's value. ``docs/synthetic-data.md`` documents each knob.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from toex.errors import ConfigError

Scale = Literal["tiny", "small", "medium", "national"]
SCALES: tuple[str, ...] = ("tiny", "small", "medium", "national")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoiseConfig(_Model):
    """Rates (0..1) at which a rendered record departs from the true entity."""

    typo: float = Field(0.03, ge=0, le=1, description="Person record with one character edit in a name.")
    transliteration: float = Field(0.35, ge=0, le=1, description="Name with a transliteration/spelling variant (when one exists) written in that form.")
    nickname: float = Field(0.08, ge=0, le=1, description="Forename with a nickname (when one exists) written as the nickname.")
    swap_names: float = Field(0.02, ge=0, le=1, description="Forename and surname swapped.")
    drop_middle: float = Field(0.5, ge=0, le=1, description="Middle name left out (of people who have one).")
    dob_swap: float = Field(0.02, ge=0, le=1, description="Day and month of the date of birth swapped (only where the day is 1-12).")
    dob_partial: float = Field(0.04, ge=0, le=1, description="Date of birth given as year or year-month only.")
    dob_missing: float = Field(0.07, ge=0, le=1, description="Date of birth left empty.")
    alias: float = Field(0.04, ge=0, le=1, description="Person record carrying an alias.")
    sex_missing: float = Field(0.02, ge=0, le=1, description="Sex left empty.")
    address_variant: float = Field(0.3, ge=0, le=1, description="Address written differently (abbreviations, flat dropped, case, punctuation).")
    postcode_variant: float = Field(0.25, ge=0, le=1, description="Postcode written without its space or in lower case.")
    postcode_missing: float = Field(0.05, ge=0, le=1, description="Postcode left empty.")
    phone_international: float = Field(0.3, ge=0, le=1, description="Phone written +44... or 44... instead of 07...")
    vrm_variant: float = Field(0.4, ge=0, le=1, description="Vehicle registration without its space or in lower case.")
    company_name_variant: float = Field(0.5, ge=0, le=1, description="Company name written differently outside the register (Ltd/Limited, case, punctuation).")
    document_variant: float = Field(0.2, ge=0, le=1, description="Identity document number written with spaces or in lower case.")
    document_typo: float = Field(0.02, ge=0, le=1, description="Identity document number with one character changed or two adjacent characters transposed.")
    duplicate_record: float = Field(0.01, ge=0, le=1, description="A person who gets a second record in the same source.")


class VolumeConfig(_Model):
    """How many records the background (haystack) has."""

    events: int = Field(60_000, ge=100, description="Target number of events across all sources.")
    offence_share: float = Field(0.62, ge=0, le=1, description="Share of events that are offences in the crime sources.")
    custody_share: float = Field(0.12, ge=0, le=1, description="Share of events that are custody records.")
    intelligence_share: float = Field(0.1, ge=0, le=1, description="Share of events that are intelligence reports.")
    stop_search_share: float = Field(0.1, ge=0, le=1, description="Share of events that are stop-searches.")
    missing_share: float = Field(0.055, ge=0, le=1, description="Share of events that are missing episodes.")
    nrm_share: float = Field(0.004, ge=0, le=1, description="Share of events that are NRM referrals (background).")
    companies_per_1000_offences: float = Field(25.0, ge=0, description="Background companies in the register per 1,000 offences.")
    population_per_offence: float = Field(0.9, gt=0, description="True people in a force's population per offence.")
    suspect_identified: float = Field(0.38, ge=0, le=1, description="Share of offences with at least one suspect.")
    offender_share: float = Field(0.22, ge=0, le=1, description="Share of people aged 10+ who ever offend.")


#: A share from 0 to 1.
Rate = Annotated[float, Field(ge=0, le=1)]
#: A rate for foreign nationals and one for British nationals.
Rates = tuple[Rate, Rate]


class DocumentConfig(_Model):
    """Who holds identity documents, and how often each kind of source records one.

    Recording rates are pairs (foreign national, British national) per document a person
    in that source holds; a source records nothing else about documents. Crime records
    and the companies register never record them.
    """

    passport_foreign: float = Field(0.85, ge=0, le=1, description="Foreign nationals (nationality not GBR) holding a passport of their nationality.")
    identity_card_eu: float = Field(0.6, ge=0, le=1, description="EU nationals whose country issues national identity cards (POL, ROU, LTU) holding one.")
    passport_british_adult: float = Field(0.5, ge=0, le=1, description="British adults (18+) holding a UK passport.")
    passport_british_child: float = Field(0.25, ge=0, le=1, description="British children holding a UK passport.")
    custody: Rates = Field((0.75, 0.08), description="Custody record notes the detainee's document (foreign, British).")
    nrm: Rates = Field((0.7, 0.3), description="NRM referral notes the potential victim's document, when known (foreign, British).")
    stop_search: Rates = Field((0.12, 0.02), description="Stop-search notes a document shown as identification (foreign, British).")
    intelligence: Rates = Field((0.08, 0.02), description="Intelligence report subject's document (foreign, British).")
    missing: Rates = Field((0.1, 0.02), description="Missing person report notes the person's document (a port alert) (foreign, British).")
    kept_by_controller: float = Field(0.4, ge=0, le=1, description="Share of labour exploitation / trafficking victims' documents that also appear held by a controller.")


class ScenarioCounts(_Model):
    """How many of each planted scenario; 0 disables it."""

    case_study: int = Field(1, ge=0, description="Travelling child shoplifting group (the case study).")
    county_lines: int = Field(1, ge=0, description="County lines networks.")
    labour_exploitation: int = Field(1, ge=0, description="Labour exploitation networks (HMO, cash businesses, shared account).")
    cse: int = Field(1, ge=0, description="Group-based child sexual exploitation networks.")
    decoy_burglary_crew: int = Field(1, ge=0, description="Decoy: adult burglary crew across a force border.")
    decoy_large_family: int = Field(1, ge=0, description="Decoy: large family at one address.")
    decoy_care_home: int = Field(1, ge=0, description="Decoy: children's care home with many missing episodes.")
    decoy_employer: int = Field(1, ge=0, description="Decoy: large legitimate employer at one address.")
    decoy_prolific_shoplifters: int = Field(1, ge=0, description="Decoy: adult prolific shoplifters.")


class CaseStudyConfig(_Model):
    """Shape of the travelling child shoplifting group."""

    children: tuple[int, int] = Field((6, 10), description="Range of the number of exploited children.")
    organisers: tuple[int, int] = Field((2, 3), description="Range of the number of adult organisers.")
    forces_visited: tuple[int, int] = Field((4, 6), description="Range of the number of forces visited (besides home).")
    sprees: tuple[int, int] = Field((8, 14), description="Range of the number of out-of-area shoplifting trips before the surge.")
    surge_offences: int = Field(24, ge=0, description="Juvenile shoplifting offences the group adds in the surge force in the surge months (scaled by volume).")
    surge_months: int = Field(3, ge=1, le=12, description="Length of the surge, ending at the dataset end date.")
    surge_force: str | None = Field(None, description="Force id of the surge (default: chosen by seed).")
    home_force: str | None = Field(None, description="Force id of the group's home (default: chosen by seed).")


class SynthConfig(_Model):
    """All knobs of ``toex synth``."""

    scale: Scale = "small"
    end_date: date = Field(date(2024, 6, 30), description="Last day covered; also every source's extracted date.")
    years: int = Field(4, ge=1, le=10, description="Years of background offending before end_date.")
    seasonality: float = Field(0.12, ge=0, lt=1, description="Amplitude of the yearly seasonal curve (summer peak).")
    volume: VolumeConfig = VolumeConfig()
    noise: NoiseConfig = NoiseConfig()
    documents: DocumentConfig = DocumentConfig()
    scenarios: ScenarioCounts = ScenarioCounts()
    case_study: CaseStudyConfig = CaseStudyConfig()
    forces: tuple[str, ...] | None = Field(None, description="Restrict the background to these forces (default: all 44).")
    origin_mix: dict[str, float] | None = Field(None, description="Override of the name-origin mix (origin -> weight); default data/origins.csv.")
    urban_forces: tuple[str, ...] = Field(
        ("metropolitan", "city-of-london", "west-midlands", "greater-manchester", "west-yorkshire", "merseyside", "btp"),
        description="Forces whose population uses the urban origin mix.",
    )


_PRESETS: dict[str, dict[str, Any]] = {
    "tiny": {"volume": {"events": 6_000}, "years": 2},
    "small": {"volume": {"events": 60_000}},
    "medium": {
        "volume": {"events": 600_000},
        "scenarios": {
            "case_study": 2, "county_lines": 6, "labour_exploitation": 4, "cse": 4,
            "decoy_burglary_crew": 4, "decoy_large_family": 5, "decoy_care_home": 4,
            "decoy_employer": 4, "decoy_prolific_shoplifters": 5,
        },
    },
    "national": {
        "volume": {"events": 6_000_000},
        "years": 2,
        "scenarios": {
            "case_study": 3, "county_lines": 25, "labour_exploitation": 12, "cse": 12,
            "decoy_burglary_crew": 12, "decoy_large_family": 20, "decoy_care_home": 15,
            "decoy_employer": 15, "decoy_prolific_shoplifters": 20,
        },
    },
}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def preset(scale: str, **overrides: Any) -> SynthConfig:
    """The configuration of a scale preset, with optional nested overrides."""
    if scale not in _PRESETS:
        raise ConfigError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    data = _merge({"scale": scale, **_PRESETS[scale]}, overrides)
    return SynthConfig.model_validate(data)


def load_config(path: Path, scale: str | None = None) -> SynthConfig:
    """Read a YAML file of overrides on top of its ``scale`` preset (or ``scale``)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read synth config ({exc})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a synth config must be a YAML mapping of knobs")
    chosen = scale or str(raw.pop("scale", "small"))
    raw.pop("scale", None)
    try:
        return preset(chosen, **raw)
    except ValueError as exc:
        raise ConfigError(f"{path}: invalid synth config: {exc}") from exc
