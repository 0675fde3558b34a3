"""Running a scenario: the coupled projection over many runs, and what it says.

``run(scenario)`` returns a :class:`ScenarioResult`: the figures of every (run, year, community),
their scores, the allocation plan, and summaries — the probability that each community meets each
have in each year, the median year it first does, and the cost by source.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import parallel, results
from .engines.allocation import Plan
from .ledger import Ledger
from .ledger_io import read_ledger
from .projection import allocation_plan, prepare, project_runs, varying
from .rubric import Rubric, load_rubric
from .scenario import Scenario, load_scenario
from .scorecard import score_figures
from .settings import RULES, Rules
from .store import ScenarioStore, StoredRun, code_version


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's projection. ``figures``: figure → array[run, year, community] (read-only views
    for the figures no engine moves)."""

    scenario: Scenario
    rubric: Rubric
    years: np.ndarray
    communities: np.ndarray
    names: pd.Series  # community id → name
    figures: dict[str, np.ndarray]
    plan: Plan
    provenance: dict = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return next(iter(self.figures.values())).shape[0]

    @cached_property
    def scores(self) -> pd.DataFrame:
        """:func:`score_figures` of every (run, year, community)."""
        index = pd.MultiIndex.from_product(
            [range(self.runs), self.years, self.communities], names=["run", "year", "community"]
        )
        read = dict.fromkeys(i.figure for i in self.rubric.indicators)  # only what the rubric reads
        wide = pd.DataFrame({name: self.figures[name].reshape(-1) for name in read}, index=index)
        return score_figures(wide, self.rubric)

    @cached_property
    def table(self) -> pd.DataFrame:
        """The long results table: every figure, plus ``met.<have>``, ``score`` and ``all_met``."""
        shape = (self.runs, len(self.years), len(self.communities))
        scored = {f"met.{h}": self.scores[f"{h}_met"] for h in self.rubric.haves}
        scored |= {"score": self.scores["score"], "all_met": self.scores["all_met"]}
        arrays = self.figures | {k: v.to_numpy(dtype=float).reshape(shape) for k, v in scored.items()}
        return results.long_table(
            arrays, years=self.years, communities=self.communities, scenario=self.scenario.name
        )

    def probability_met(self) -> pd.DataFrame:
        """Long table: community, community_name, have (incl. ``all``), year, probability."""
        columns = {h: f"{h}_met" for h in self.rubric.haves} | {"all": "all_met"}
        met = self.scores[list(columns.values())].rename(columns={v: k for k, v in columns.items()})
        probability = met.groupby(level=["year", "community"]).mean().stack()
        out = probability.rename("probability").reset_index().rename(columns={"level_2": "have"})
        return out.assign(community_name=out["community"].map(self.names))[
            ["community", "community_name", "have", "year", "probability"]
        ]

    def when_met(self) -> pd.DataFrame:
        """Community × have (and ``all``): the median year first met (NaN if in fewer than half
        the runs) and the probability of being met in the last year."""
        columns = {h: f"{h}_met" for h in self.rubric.haves} | {"all": "all_met"}
        shape = (self.runs, len(self.years), len(self.communities))
        rows = []
        for have, column in columns.items():
            met = self.scores[column].to_numpy().reshape(shape)
            ever = met.any(axis=1)
            first = np.where(ever, self.years[met.argmax(axis=1)], np.iinfo(np.int64).max)
            median = np.median(first, axis=0)
            for c, community in enumerate(self.communities):
                rows.append(
                    (
                        community,
                        self.names.get(community, community),
                        have,
                        float(median[c]) if median[c] <= self.years[-1] else np.nan,
                        float(met[:, -1, c].mean()),
                    )
                )
        return pd.DataFrame(rows, columns=["community", "community_name", "have", "median_year", "p_final"])

    def cost_by_source(self) -> pd.DataFrame:
        """Yuan spent per year and source (from the allocation plan)."""
        return self.plan.spending()

    def summary_tables(self) -> dict[str, pd.DataFrame]:
        """The tables a dashboard or report reads, saved beside the results."""
        cost = self.cost_by_source().rename_axis(columns=None).reset_index()
        return {
            "when_met": self.when_met(),
            "probability": self.probability_met(),
            "cost": cost,
            "plan": self.plan.table,
        }

    def save(
        self, store: ScenarioStore | None = None, *, name: str | None = None, overwrite: bool = False
    ) -> StoredRun:
        """Save the results, summaries and provenance in ``store`` (the default store if None)."""
        store = store or ScenarioStore()
        return store.save(
            name or self.scenario.name,
            table=self.table,
            spec=self.scenario.to_dict(),
            tables=self.summary_tables(),
            provenance=self.provenance,
            overwrite=overwrite,
        )


def run(
    scenario: Scenario | str | Path,
    *,
    ledger: Ledger | None = None,
    runs: int | None = None,
    seed: int | None = None,
    executor: str | object = "auto",
    progress: bool = True,
    rules: Rules = RULES,
) -> ScenarioResult:
    """Project ``scenario`` (or a scenario name/path) with ``runs`` runs from ``seed``.

    ``executor``: "auto" (serial for small jobs, else local processes), "serial", "local" or a
    ``dask.distributed.Client`` (see :func:`workbench.parallel.dask_client`). The same seed gives
    identical results on any executor.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    runs = scenario.runs if runs is None else runs
    seed = scenario.seed if seed is None else seed
    ledger = ledger if ledger is not None else read_ledger(scenario.ledger_path())
    rubric = load_rubric(scenario.rubric, rules=rules)
    plan = allocation_plan(ledger, scenario, rubric, rules=rules)
    plan0 = prepare(ledger, scenario, plan, rules=rules)
    items = parallel.chunks(runs, seed, size=parallel.chunk_runs(len(ledger.members)))
    if executor == "auto" and runs * len(ledger.members) < parallel.SERIAL_BELOW:
        executor = "serial"  # small jobs finish before process start-up would
    shape = (runs, len(plan0.years), len(plan0.communities))
    varied: dict[str, np.ndarray] = {}

    def receive(chunk: parallel.Chunk, part: dict[str, np.ndarray]) -> None:
        for name, values in part.items():  # each chunk written in place, then let go
            if name not in varied:
                varied[name] = np.empty(shape)
            varied[name][chunk.start : chunk.start + chunk.runs] = values

    parallel.each_chunk(
        _chunk,
        (scenario, plan0, rules),  # the ledger stays here: plan0 holds what the chunks need of it
        items,
        receive,
        executor=executor,
        progress=progress,
        description=scenario.name,
    )
    figures = {name: varied.get(name, np.broadcast_to(base, shape)) for name, base in plan0.base.items()}
    names = pd.Series(ledger.communities["name"].to_numpy(), index=ledger.communities["id"].to_numpy())
    return ScenarioResult(
        scenario,
        rubric,
        plan0.years,
        plan0.communities,
        names,
        figures,
        plan,
        _provenance(ledger, scenario, runs, seed, plan),
    )


def _chunk(scenario, plan0, rules, chunk: parallel.Chunk) -> dict[str, np.ndarray]:
    """The figures of one chunk that vary between runs (the rest is ``plan0.base``, not shipped)."""
    return varying(project_runs(scenario, plan0, runs=chunk.runs, seed=chunk.seed, rules=rules))


def _provenance(ledger: Ledger, scenario: Scenario, runs: int, seed: int, plan: Plan) -> dict:
    return {
        "ledger": ledger.fingerprint(),
        "rubric": scenario.rubric,
        "version": code_version(),
        "seed": seed,
        "runs": runs,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": getpass.getuser(),
        "plan_status": plan.status,  # "optimal" (to the plan's gap) or "time_limit"
        "plan_gap": plan.gap,
    }
