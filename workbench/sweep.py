"""Sweeps and sensitivity (敏感性分析): which lever or assumption moves the five-haves goal most.

:func:`sweep` draws a Latin hypercube over the chosen factors — each a dotted scenario field such as
``"allocation.budget"``, ``"succession.training_slots"`` or
``"succession_assumptions.attrition_applicant"`` with a ``[low, high]`` range — and runs the scenario
once per sample (few runs each). Every sample uses the same seed (common random numbers), so the
differences between samples come from the factors, not from chance. Whole-number levers are
rounded; an uncertain assumption is fixed at the sampled value (its range becomes ``(x, x)``).

Two outcomes are recorded per sample, in the calendar year ``year`` (default: the horizon's last):

- ``p_all``: the share of runs in which every community meets all five haves that year;
- ``mean_met``: the mean over runs of the number of (community, have) pairs met that year.

:class:`Sweep` then says which factor matters: :meth:`~Sweep.ranking` (partial rank correlation and
standardised regression coefficients), :meth:`~Sweep.tornado` (the outcome with each factor in the
lowest and highest quarter of its range, for :func:`workbench.plots.tornado`) and
:meth:`~Sweep.worst_ranges` (scenario discovery, light: the range of each factor among the samples
that do worst).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import qmc, rankdata

from . import parallel
from ._errors import ScenarioError
from .i18n import t
from .ledger import Ledger
from .ledger_io import read_ledger
from .runner import run
from .scenario import Scenario, load_scenario
from .settings import RULES, Rules

OUTCOMES = ("p_all", "mean_met")

Evaluate = Callable[..., tuple[float, float]]
"""``evaluate(scenario, *, ledger, runs, seed, year, rules) -> (p_all, mean_met)``."""


@dataclass(frozen=True)
class Factor:
    """A scenario field swept over ``[low, high]``; ``name`` is ``group.field``."""

    name: str
    low: float
    high: float

    @property
    def group(self) -> str:
        return self.name.partition(".")[0]

    @property
    def field(self) -> str:
        return self.name.partition(".")[2]


@dataclass(frozen=True)
class Sweep:
    """A finished sweep. ``samples``: one row per sample, a column per factor (the values the
    scenario ran with) and one per outcome of :data:`OUTCOMES`."""

    scenario: Scenario
    factors: tuple[Factor, ...]
    year: int
    runs: int
    seed: int
    samples: pd.DataFrame

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.factors]

    def ranking(self, outcome: str = "mean_met") -> pd.DataFrame:
        """Factors, most influential first: ``factor, prcc, src, rank``.

        ``prcc``: partial rank correlation of the factor with ``outcome`` (other factors' ranks
        regressed out), robust to monotone non-linear effects; ``src``: standardised regression
        coefficient (change of the outcome, in standard deviations, per standard deviation of the
        factor). Both are 0 when the outcome does not vary.
        """
        y = self._outcome(outcome)
        x = self.samples[self.names].to_numpy(dtype=float)
        prcc = _prcc(rankdata(x, axis=0), rankdata(y))
        src = _src(x, y)
        table = pd.DataFrame({"factor": self.names, "prcc": prcc, "src": src})
        table = table.iloc[np.argsort(-np.abs(prcc), kind="stable")].reset_index(drop=True)
        return table.assign(rank=np.arange(1, len(table) + 1))

    def tornado(self, outcome: str = "mean_met", *, lang: str | None = None) -> pd.DataFrame:
        """``factor, low, high``: the mean ``outcome`` over the samples whose factor lies in the
        lowest (``low``) and highest (``high``) quarter of its range — the input of
        :func:`workbench.plots.tornado`. With ``lang`` the factors are labelled in that language."""
        y = self._outcome(outcome)
        rows = []
        for f in self.factors:
            position = _position(self.samples[f.name].to_numpy(dtype=float), f)
            rows.append((f.name, y[position <= 0.25].mean(), y[position >= 0.75].mean()))
        table = pd.DataFrame(rows, columns=["factor", "low", "high"])
        if lang is not None:
            table["factor"] = [factor_label(name, lang) for name in table["factor"]]
        return table

    def baseline(self, outcome: str = "mean_met") -> float:
        """The mean ``outcome`` over every sample (where a tornado's bars start)."""
        return float(self._outcome(outcome).mean())

    def worst_ranges(self, outcome: str = "mean_met", *, share: float = 0.25) -> pd.DataFrame:
        """Where the goal is mostly missed: for each factor, the range (``worst_low`` …
        ``worst_high``) it spans among the ``share`` of samples with the lowest ``outcome``, beside
        its swept range, and ``narrowing`` = 1 − worst width / swept width (0: the worst samples
        are spread over the whole range; near 1: they crowd at one end)."""
        y = self._outcome(outcome)
        worst = y <= np.quantile(y, share)
        rows = []
        for f in self.factors:
            values = self.samples[f.name].to_numpy(dtype=float)[worst]
            low, high = float(values.min()), float(values.max())
            width = f.high - f.low
            rows.append((f.name, f.low, f.high, low, high, 1 - (high - low) / width if width else 0.0))
        columns = ["factor", "low", "high", "worst_low", "worst_high", "narrowing"]
        return pd.DataFrame(rows, columns=columns).sort_values("narrowing", ascending=False, kind="stable")

    def _outcome(self, outcome: str) -> np.ndarray:
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
        return self.samples[outcome].to_numpy(dtype=float)


def factor_label(name: str, lang: str = "zh") -> str:
    """The label of a factor (``sweep.factor.<name>``), the name itself when it has none."""
    try:
        return t(f"sweep.factor.{name}", lang)
    except KeyError:
        return name


def design(factors: Sequence[Factor], *, samples: int, seed: int) -> np.ndarray:
    """A Latin hypercube of ``samples`` points, scaled to the factors' ranges: array[sample, factor]."""
    unit = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(seed)).random(samples)
    lows = np.array([f.low for f in factors])
    highs = np.array([f.high for f in factors])
    return lows + unit * (highs - lows)


def apply(scenario: Scenario, factors: Sequence[Factor], values: Sequence[float]) -> Scenario:
    """``scenario`` with each factor set to its value: whole-number fields rounded, flags true from
    0.5, uncertain assumptions fixed at ``(x, x)``."""
    changes: dict[str, object] = {}
    for f, value in zip(factors, values, strict=True):
        kind = _kind(scenario, f)
        if kind == "bool":
            changes[f.name] = bool(value >= 0.5)
        elif kind == "range":
            changes[f.name] = (float(value), float(value))
        elif kind == "int":
            changes[f.name] = round(float(value))
        else:
            changes[f.name] = float(value)
    return scenario.with_changes(**changes)


def sweep(
    scenario: Scenario | str,
    factors: Sequence[Factor | tuple[str, float, float]],
    *,
    samples: int = 32,
    runs: int = 20,
    year: int | None = None,
    seed: int = 0,
    executor: str | object = "auto",
    ledger: Ledger | None = None,
    progress: bool = True,
    evaluate: Evaluate | None = None,
    rules: Rules = RULES,
) -> Sweep:
    """Run ``scenario`` at ``samples`` Latin-hypercube points over ``factors`` (each a
    :class:`Factor` or ``(name, low, high)``), ``runs`` runs each, and record the outcomes in
    calendar ``year`` (default: the last of the horizon).

    ``executor`` spreads the samples as in :func:`workbench.parallel.map_chunks` (a progress bar
    shows past two seconds unless ``progress=False``); ``evaluate``
    replaces the projection (for tests; see :data:`Evaluate`). Raises ScenarioError naming a
    factor that is not a numeric scenario field or has low above high.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    factors = tuple(f if isinstance(f, Factor) else Factor(f[0], float(f[1]), float(f[2])) for f in factors)
    _check(scenario, factors)
    if samples < 2:
        raise ValueError(f"a sweep needs at least 2 samples, got {samples}")
    if ledger is None:
        ledger = read_ledger(scenario.ledger_path())
    year = _year(scenario, ledger.year, year)
    evaluate = evaluate or evaluate_outcomes
    values = design(factors, samples=samples, seed=seed)
    variants = [apply(scenario, factors, row) for row in values]
    items = parallel.chunks(samples, seed, size=1)  # one task per sample
    if executor == "auto" and not _worth_processes(factors, samples * runs, ledger, evaluate):
        executor = "serial"
    measured = parallel.map_chunks(
        _sample,
        (evaluate, variants, ledger, runs, seed, year, rules),
        items,
        executor=executor,
        progress=progress,
        description=scenario.name,
    )
    table = pd.DataFrame(
        {f.name: [_plain(getattr(getattr(v, f.group), f.field)) for v in variants] for f in factors}
    )
    table[list(OUTCOMES)] = np.array(measured, dtype=float)
    return Sweep(scenario, factors, year, runs, seed, table)


def evaluate_outcomes(
    scenario: Scenario, *, ledger: Ledger, runs: int, seed: int, year: int, rules: Rules = RULES
) -> tuple[float, float]:
    """The two outcomes of one projection of ``scenario`` (run serially)."""
    result = run(
        scenario, ledger=ledger, runs=runs, seed=seed, executor="serial", progress=False, rules=rules
    )
    return outcomes(result.scores, result.rubric.haves, year)


def outcomes(scores: pd.DataFrame, haves: Sequence[str], year: int) -> tuple[float, float]:
    """``(p_all, mean_met)`` in ``year`` from scores indexed by (run, year, community)."""
    at = scores.xs(year, level="year")
    p_all = at["all_met"].astype(bool).groupby(level="run").all().mean()
    met = at[[f"{h}_met" for h in haves]].astype(float).sum(axis=1).groupby(level="run").sum()
    return float(p_all), float(met.mean())


def _worth_processes(factors: Sequence[Factor], runs: int, ledger: Ledger | None, evaluate) -> bool:
    """Processes pay off when every sample solves its own spending plan (an allocation factor) or
    the runs are many; an injected ``evaluate`` runs here."""
    if evaluate is not evaluate_outcomes:
        return False
    return (
        any(f.group == "allocation" for f in factors) or runs * len(ledger.members) >= parallel.SERIAL_BELOW
    )


def _sample(
    evaluate, variants, ledger, runs, seed, year, rules, chunk: parallel.Chunk
) -> tuple[float, float]:
    return evaluate(variants[chunk.start], ledger=ledger, runs=runs, seed=seed, year=year, rules=rules)


def _check(scenario: Scenario, factors: Sequence[Factor]) -> None:
    if not factors:
        raise ScenarioError("a sweep needs at least one factor")
    for f in factors:
        group = getattr(scenario, f.group, None) if f.group else None
        if not dataclasses.is_dataclass(group) or f.field not in {x.name for x in dataclasses.fields(group)}:
            raise ScenarioError(
                f"factor {f.name}: not a scenario field (group.field, e.g. allocation.budget)"
            )
        if _kind(scenario, f) is None:
            raise ScenarioError(f"factor {f.name}: not a numeric field")
        if not f.low <= f.high:
            raise ScenarioError(f"factor {f.name}: low {f.low} is above high {f.high}")
    names = [f.name for f in factors]
    if len(set(names)) < len(names):
        raise ScenarioError("a factor is named twice")


def _kind(scenario: Scenario, f: Factor) -> str | None:
    """How a field takes a sampled number: "bool", "range" (an uncertain assumption), "int",
    "float", or None when it takes none (text)."""
    current = getattr(getattr(scenario, f.group), f.field)
    declared = {x.name: str(x.type) for x in dataclasses.fields(getattr(scenario, f.group))}[f.field]
    if isinstance(current, bool):
        return "bool"
    if isinstance(current, tuple):
        return "range"
    for kind in ("int", "float"):
        if isinstance(current, int if kind == "int" else float) or declared.startswith(kind):
            return kind
    return None


def _year(scenario: Scenario, ledger_year: int, year: int | None) -> int:
    last = ledger_year + scenario.horizon
    if year is None:
        return last
    if not ledger_year < year <= last:
        raise ScenarioError(f"year {year}: expected a year from {ledger_year + 1} to {last}")
    return year


def _position(values: np.ndarray, f: Factor) -> np.ndarray:
    """Where each value lies in the factor's range, 0 … 1."""
    width = f.high - f.low
    return (values - f.low) / width if width else np.full(len(values), 0.5)


def _plain(value: object) -> float:
    return float(value[0] if isinstance(value, tuple) else value)


def _residuals(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    design_ = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design_, y, rcond=None)
    return y - design_ @ coef


def _prcc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Partial correlation of each column of ``x`` with ``y`` given the other columns."""
    out = np.zeros(x.shape[1])
    for j in range(x.shape[1]):
        others = np.delete(x, j, axis=1)
        rx, ry = _residuals(x[:, j], others), _residuals(y, others)
        scale = np.sqrt((rx @ rx) * (ry @ ry))
        out[j] = rx @ ry / scale if scale > 1e-12 else 0.0
    return out


def _src(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Standardised regression coefficients of ``y`` on the columns of ``x``."""
    sx, sy = x.std(axis=0), y.std()
    if sy == 0:
        return np.zeros(x.shape[1])
    z = np.where(sx > 0, (x - x.mean(axis=0)) / np.where(sx > 0, sx, 1), 0.0)
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(y)), z]), (y - y.mean()) / sy, rcond=None)
    return coef[1:]
