"""Scenarios (情景) as data: the levers of all three engines and the uncertain assumptions.

A scenario file is YAML (``data/scenarios/*.yaml``)::

    name: remedies
    title: {zh: 种子报告的对策, en: The seed's remedies}
    description: {zh: …, en: …}
    ledger: sample            # or a path, relative to the scenario file
    rubric: seed_2003         # a built-in rubric name or a path
    horizon: 10               # years projected after the ledger year
    runs: 200
    seed: 1
    policies:
      guidance_committee_year: 2004   # the street sets up its guidance committee that year
    levers:
      coverage:   {instructors: 4, recruitment_drive: 2}       # CoverageLevers fields
      succession: {recruitment_drive: 6, training_slots: 4}    # SuccessionLevers fields
      allocation: {budget: 30000, cobuilding: true}            # AllocationLevers fields
    assumptions:
      coverage:   {npe_arrival: [0.04, 0.10]}                  # CoverageAssumptions: [low, high]
      succession: {attrition_applicant: [0.3, 0.5]}            # SuccessionAssumptions

Every field is checked on loading; a wrong one raises ScenarioError naming it
(``levers.coverage.instructor: unknown field; expected one of …``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import paths
from ._errors import ScenarioError
from .engines.coverage import CoverageAssumptions, CoverageLevers
from .engines.succession import SuccessionAssumptions, SuccessionLevers
from .i18n import LANGS

SCENARIOS = paths.DATA / "scenarios"
SAMPLE = "sample"


@dataclass(frozen=True)
class AllocationLevers:
    """How the street spends: ``budget`` yuan a year of its own money, co-building pledges
    (``cobuilding``), extra higher-level ``grant`` yuan a year, the ``objective`` of the optimiser
    and the cost ``catalogue``."""

    budget: float = 0.0
    cobuilding: bool = False
    grant: float = 0.0
    objective: str = "score"
    catalogue: str = "default"
    carry_over: bool = True


@dataclass(frozen=True)
class Policies:
    """Street-level decisions that are not engine levers."""

    guidance_committee_year: int | None = None  # the year the guidance committee is set up


@dataclass(frozen=True)
class Scenario:
    """A complete, validated scenario."""

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    ledger: str = SAMPLE
    rubric: str = "seed_2003"
    horizon: int = 10
    runs: int = 200
    seed: int = 0
    policies: Policies = field(default_factory=Policies)
    coverage: CoverageLevers = field(default_factory=CoverageLevers)
    succession: SuccessionLevers = field(default_factory=SuccessionLevers)
    allocation: AllocationLevers = field(default_factory=AllocationLevers)
    coverage_assumptions: CoverageAssumptions = field(default_factory=CoverageAssumptions)
    succession_assumptions: SuccessionAssumptions = field(default_factory=SuccessionAssumptions)

    def ledger_path(self) -> Path:
        """The base ledger's file (the bundled sample street for ``sample``)."""
        return paths.SAMPLE_LEDGER if self.ledger == SAMPLE else Path(self.ledger)

    def label(self, lang: str = "zh") -> str:
        return self.title.get(lang) or self.name

    def with_changes(self, **changes: object) -> Scenario:
        """A copy with fields replaced; engine levers by ``"coverage.instructors"``-style keys."""
        groups: dict[str, dict[str, object]] = {}
        top = {}
        for key, value in changes.items():
            group, _, name = key.partition(".")
            if name:
                groups.setdefault(group, {})[name] = value
            else:
                top[key] = value
        for group, values in groups.items():
            top[group] = _build(type(getattr(self, group)), {**_plain(getattr(self, group)), **values}, group)
        return dataclasses.replace(self, **top)

    def to_dict(self) -> dict:
        """The scenario as plain data, the same shape as its YAML file."""
        return {
            "name": self.name,
            "title": dict(self.title),
            "description": dict(self.description),
            "ledger": self.ledger,
            "rubric": self.rubric,
            "horizon": self.horizon,
            "runs": self.runs,
            "seed": self.seed,
            "policies": _plain(self.policies),
            "levers": {g: _plain(getattr(self, g)) for g in _LEVERS},
            "assumptions": {g: _plain(getattr(self, f"{g}_assumptions")) for g in _ASSUMPTIONS},
        }


_LEVERS = {"coverage": CoverageLevers, "succession": SuccessionLevers, "allocation": AllocationLevers}
_ASSUMPTIONS = {"coverage": CoverageAssumptions, "succession": SuccessionAssumptions}
_TOP = (
    "name",
    "title",
    "description",
    "ledger",
    "rubric",
    "horizon",
    "runs",
    "seed",
    "policies",
    "levers",
    "assumptions",
)


def builtin_scenarios() -> tuple[str, ...]:
    """Names of the scenarios shipped in ``data/scenarios``."""
    return tuple(sorted(p.stem for p in SCENARIOS.glob("*.yaml")))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A scenario from a built-in name (``as_is``, ``remedies``, ``ambitious``) or a YAML path."""
    path = Path(name_or_path)
    if not path.suffix and (SCENARIOS / f"{name_or_path}.yaml").exists():
        path = SCENARIOS / f"{name_or_path}.yaml"
    if not path.exists():
        raise ScenarioError(f"no scenario {str(name_or_path)!r}; built-in: {', '.join(builtin_scenarios())}")
    try:
        data = paths.read_yaml(path)
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path.name}: not valid YAML: {error}") from error
    scenario = scenario_from_dict(data, where=path.name)
    if scenario.ledger != SAMPLE and not Path(scenario.ledger).is_absolute():
        scenario = dataclasses.replace(scenario, ledger=str((path.parent / scenario.ledger).resolve()))
    return scenario


def scenario_from_dict(data: object, *, where: str = "scenario") -> Scenario:
    """Validate plain data (as read from YAML) into a :class:`Scenario`."""
    data = _mapping(data, where)
    _known(data, _TOP, where)
    if "name" not in data:
        raise ScenarioError(f"{where}: name: required")
    levers = _mapping(data.get("levers", {}), f"{where}: levers")
    assumptions = _mapping(data.get("assumptions", {}), f"{where}: assumptions")
    _known(levers, tuple(_LEVERS), f"{where}: levers")
    _known(assumptions, tuple(_ASSUMPTIONS), f"{where}: assumptions")
    fields = {
        "name": _text(data["name"], f"{where}: name"),
        "title": _labels(data.get("title", {"zh": data["name"], "en": data["name"]}), f"{where}: title"),
        "description": _labels(data.get("description", {}), f"{where}: description", required=False),
        "ledger": _text(data.get("ledger", SAMPLE), f"{where}: ledger"),
        "rubric": _text(data.get("rubric", "seed_2003"), f"{where}: rubric"),
        "horizon": _whole(data.get("horizon", 10), f"{where}: horizon", low=1, high=50),
        "runs": _whole(data.get("runs", 200), f"{where}: runs", low=1, high=100_000),
        "seed": _whole(data.get("seed", 0), f"{where}: seed", low=0, high=2**63 - 1),
        "policies": _build(Policies, data.get("policies", {}), f"{where}: policies"),
    }
    for group, cls in _LEVERS.items():
        fields[group] = _build(cls, levers.get(group, {}), f"{where}: levers.{group}")
    for group, cls in _ASSUMPTIONS.items():
        fields[f"{group}_assumptions"] = _build(
            cls, assumptions.get(group, {}), f"{where}: assumptions.{group}"
        )
    return Scenario(**fields)


def save_scenario(scenario: Scenario, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``scenario`` as YAML; refuses to replace an existing file unless ``overwrite``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.write_text(yaml.safe_dump(scenario.to_dict(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- validation helpers ---------------------------------------------------------------------------


def _mapping(value: object, where: str) -> dict:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{where}: expected a mapping (key: value), got {value!r}")
    return dict(value)


def _known(data: Mapping, allowed: tuple[str, ...], where: str) -> None:
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise ScenarioError(f"{where}.{unknown[0]}: unknown field; expected one of {', '.join(allowed)}")


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}: expected text, got {value!r}")
    return value.strip()


def _whole(value: object, where: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ScenarioError(f"{where}: expected a whole number from {low} to {high}, got {value!r}")
    return value


def _labels(value: object, where: str, *, required: bool = True) -> dict[str, str]:
    labels = _mapping(value, where)
    _known(labels, LANGS, where)
    missing = [lang for lang in LANGS if lang not in labels]
    if required and missing:
        raise ScenarioError(f"{where}: missing the {missing[0]} text")
    return {lang: _text(text, f"{where}.{lang}") for lang, text in labels.items()}


def _plain(obj: object) -> dict:
    """A dataclass's fields as YAML-friendly data (ranges as lists)."""

    def convert(value):
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    return {f.name: convert(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _build(cls: type, values: object, where: str):
    """``cls(**values)`` with every field checked against the default's type."""
    values = _mapping(values, where)
    defaults = cls()
    names = tuple(f.name for f in dataclasses.fields(cls))
    _known(values, names, where)
    checked = {
        name: _value(getattr(defaults, name), value, f"{where}.{name}") for name, value in values.items()
    }
    try:
        return cls(**checked)
    except (TypeError, ValueError) as error:
        raise ScenarioError(f"{where}: {error}") from error


def _value(default: object, value: object, where: str) -> object:
    """``value`` converted to the kind of ``default`` (ranges, numbers, flags, text, mappings)."""
    if isinstance(default, bool) or isinstance(value, bool):
        if not isinstance(value, bool):
            raise ScenarioError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, dict):
        mapping = _mapping(value, where)
        _known(mapping, tuple(default), where)
        return {**default, **{k: _value(default[k], v, f"{where}.{k}") for k, v in mapping.items()}}
    if isinstance(default, tuple) or (isinstance(value, list | tuple) and default is not None):
        if isinstance(value, (int, float)):
            return float(value)
        if not (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(isinstance(v, (int, float)) for v in value)
        ):
            raise ScenarioError(f"{where}: expected a number or a range [low, high], got {value!r}")
        low, high = (float(v) for v in value)
        if low > high:
            raise ScenarioError(f"{where}: range [{low}, {high}] has low above high")
        return (low, high)
    if isinstance(default, str):
        return _text(value, where)
    if isinstance(value, (int, float)) and (default is None or isinstance(default, (int, float))):
        if value < 0:
            raise ScenarioError(f"{where}: expected a number ≥ 0, got {value!r}")
        if isinstance(default, float):
            return float(value)
        return value if default is None else _whole(value, where, low=0, high=10**9)
    if value is None and default is None:
        return None
    raise ScenarioError(f"{where}: unexpected value {value!r}")
