"""Every parameter of ``toex analyse``, as one pydantic model.

Each field's ``description`` is the documentation (docs/detectors.md repeats
them by detector). Defaults are chosen for the synthetic national picture and
the guidance in shared/DOMAIN.md section 4; a force changes them in a YAML file
given with ``toex analyse --config FILE``.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from toex.errors import ConfigError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrendConfig(_Model):
    """Emerging-trend detector (detect/trends.py)."""

    windows: tuple[int, ...] = Field((1, 3), description="Lengths in months of the windows tested, each ending at one of the last `scan_months` months.")
    scan_months: int = Field(3, ge=1, le=24, description="How many of the most recent months a window may end at.")
    baseline_months: int = Field(36, ge=6, description="Months of history before the window used for the expected level.")
    min_baseline_months: int = Field(12, ge=3, description="A series needs at least this many months of history to be tested.")
    coverage_ratio: float = Field(0.25, gt=0, le=1, description="A force's data counts as covering a month from the first month its offences reach this share of its typical month (median of its last 12); earlier months are missing data, not zero counts.")
    min_observed: int = Field(8, ge=1, description="Smallest observed count in a window that can raise an alert (noise floor).")
    min_ratio: float = Field(1.5, ge=1.0, description="Smallest observed/expected ratio that can raise an alert.")
    fdr: float = Field(0.01, gt=0, lt=1, description="Benjamini-Hochberg false discovery rate over every cell tested in the run.")
    max_alerts: int = Field(50, ge=1, description="Alerts written at most (most significant first), after the one-per-series reduction.")
    age_bands: tuple[tuple[int, int], ...] = Field(((10, 17), (18, 24), (25, 200)), description="Age bands (inclusive, at the offence date) of the population groups.")


class TravelConfig(_Model):
    """Travelling-group detector (detect/travelling.py)."""

    spree_gap_days: int = Field(3, ge=0, description="Joint offences no more than this many days apart belong to one spree.")
    min_forces: int = Field(3, ge=2, description="A group must offend together in at least this many forces.")
    min_joint_events: int = Field(4, ge=2, description="A group must have at least this many offences with two or more members.")
    max_group_size: int = Field(40, ge=2, description="Larger co-offending components are split with Leiden before testing.")
    min_score: float = Field(0.3, ge=0, le=1, description="Smallest mobility score written.")


class IndicatorConfig(_Model):
    """Exploitation indicators (detect/indicators.py, definitions in indicators.yaml)."""

    age_gap_years: int = Field(5, ge=1, description="An adult this many years older than a child counts as 'much older'.")
    far_km: float = Field(40.0, ge=1, description="An offence or found-location at least this far from home counts as 'far from home'.")
    repeat_missing: int = Field(3, ge=2, description="Missing episodes that count as 'repeated'.")
    crowded_unrelated: int = Field(6, ge=3, description="Unrelated adults sharing one address at the same time that count as 'many'.")
    hub_persons: int = Field(25, ge=5, description="Locations with more residents/visitors than this are hubs (care homes, hostels, big sites): residence rules ignore them.")
    deal_line_drug_events: int = Field(2, ge=1, description="Drug-supply events a shared phone must be involved in to count as a deal line.")
    prior_case_codes: tuple[str, ...] = Field(("106", "71", "72", "24"), description="Offence codes of earlier trafficking or exploitation cases (modern slavery, CSE, exploitation of prostitution...).")
    drug_supply_codes: tuple[str, ...] = Field(("92A",), description="Offence codes of drug supply / production (county lines).")
    sexual_exploitation_codes: tuple[str, ...] = Field(("71", "72", "73", "88A", "17B", "19D", "19E", "19G", "19H", "20B", "21", "22B"), description="Offence codes of sexual offences against children and sexual exploitation.")


class NetworkConfig(_Model):
    """Networks, roles, fronts and threats (detect/networks.py, roles.py, fronts.py, threats.py)."""

    seed_min_weight: float = Field(1.5, ge=0, description="A person is a seed (vulnerable) when their indicator weights add up to this.")
    hops: int = Field(2, ge=1, le=4, description="How far from a seed the subgraph grows (entity hops; events are folded into person-person edges).")
    hub_degree: int = Field(25, ge=5, description="Nodes with more neighbours than this are hubs (big employers, care homes, busy places) and are not grown through.")
    leiden_resolution: float = Field(0.5, gt=0, description="Leiden resolution (RBConfiguration) on the grown subgraph.")
    leiden_seed: int = Field(42, description="Random seed for Leiden, so runs are reproducible.")
    min_exploited: int = Field(2, ge=1, description="A community needs at least this many vulnerable people to be a network.")
    min_control: float = Field(2.5, ge=0, description="Control score an adult needs to be an organiser (see roles.py).")
    min_controlled: int = Field(2, ge=1, description="Vulnerable people an organiser must directly control (two or more: one child living with an unrelated adult is a safeguarding question, not a network).")
    min_specific_controlled: int = Field(2, ge=0, description="Of those, vulnerable people an organiser must control through evidence specific to exploitation (an exploitation or sexual offence against them, employing them, sharing their phone or account, a car or phone in their records): one offence against one child is a matter for that child's safeguarding, not evidence of a network.")
    age_gap_years: int = Field(5, ge=1, description="An organiser is at least this many years older than the exploited people they control.")
    cash_sic_codes: tuple[str, ...] = Field(("45200", "96020", "96090", "56101", "56102", "56103", "55100", "55900", "47110", "47260", "81210", "81229", "01130", "10130", "96010", "93130"), description="SIC 2007 codes of cash-intensive sectors (hand car washes, nail bars, takeaways, hotels, convenience and tobacco shops, cleaning, agriculture and food processing, laundries, gyms).")


class AnalyseConfig(_Model):
    """All parameters of ``toex analyse``."""

    trends: TrendConfig = TrendConfig()
    travel: TravelConfig = TravelConfig()
    indicators: IndicatorConfig = IndicatorConfig()
    networks: NetworkConfig = NetworkConfig()


def load_analyse_config(path: Path | None) -> AnalyseConfig:
    """Read a YAML file of overrides (missing fields keep their defaults)."""
    if path is None:
        return AnalyseConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read analyse config ({exc})") from exc
    try:
        return AnalyseConfig.model_validate(raw)
    except ValueError as exc:
        raise ConfigError(f"{path}: invalid analyse config: {exc}") from exc
