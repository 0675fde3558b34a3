"""Comparing scenarios (情景比较): two or more saved runs or fresh results side by side.

:func:`compare` takes :class:`~workbench.store.StoredRun` or :class:`~workbench.runner.ScenarioResult`
objects and reads the summary tables each one carries (``when_met``, ``probability``, ``cost``,
``plan``; :meth:`ScenarioResult.summary_tables`). A :class:`Comparison` answers three questions,
each as a long table with a ``scenario`` column:

- **by year** — the expected number of communities meeting each have (and all five) each year:
  the sum over communities of the probability of meeting it, which is the mean over runs of the
  number that meet it;
- **by community** — the median year each community first meets each have and the probability it
  meets it in the final year;
- **cost** — yuan spent by source kind (street budget, co-building units, higher-level grants),
  in all and year by year.

The ``*_table(lang)`` methods give the same answers as small wide tables with translated labels,
for printing and reports. Only aggregates appear: no member or cadre is named anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._errors import ScenarioError
from .costs import SOURCE_KINDS
from .i18n import t

if TYPE_CHECKING:
    from .runner import ScenarioResult
    from .store import StoredRun

ALL = "all"  # the pseudo-have "all five met"
SUMMARY_TABLES = ("when_met", "probability", "cost", "plan")


@dataclass(frozen=True)
class ScenarioSummary:
    """The summary tables of one scenario run, under the name it is compared by.

    ``cost`` is long: ``year, source, cost`` (yuan; ``source`` a funds id such as ``street`` or
    ``cobuilding:C01``).
    """

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    when_met: pd.DataFrame
    probability: pd.DataFrame
    cost: pd.DataFrame
    plan: pd.DataFrame
    spec: Mapping[str, Any] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def label(self, lang: str = "zh") -> str:
        """The scenario's title in ``lang`` (its name when it has none)."""
        return self.title.get(lang) or self.name


def summarise(run: StoredRun | ScenarioResult, *, lang: str = "zh") -> ScenarioSummary:
    """The :class:`ScenarioSummary` of a stored run or a fresh result.

    A stored run saved under another name than its scenario's is labelled "title (name)". Raises
    ScenarioError when a stored run lacks a summary table.
    """
    if hasattr(run, "summary_tables"):
        scenario = run.scenario
        return _summary(
            scenario.name, scenario.title, scenario.to_dict(), run.summary_tables(), run.provenance
        )
    missing = [key for key in SUMMARY_TABLES if key not in run.tables]
    if missing:
        raise ScenarioError(t("compare.missing_tables", lang, name=run.name, tables=", ".join(missing)))
    spec = run.spec or {}
    title = dict(spec.get("title") or {})
    if spec.get("name") != run.name:
        title = {code: t("compare.renamed", code, title=text, name=run.name) for code, text in title.items()}
    return _summary(run.name, title, spec, run.tables, run.provenance)


def _summary(name, title, spec, tables: Mapping[str, pd.DataFrame], provenance) -> ScenarioSummary:
    cost = tables["cost"].melt(id_vars="year", var_name="source", value_name="cost")
    return ScenarioSummary(
        name=name,
        title=dict(title),
        description=dict(spec.get("description") or {}),
        when_met=tables["when_met"],
        probability=tables["probability"],
        cost=cost.astype({"year": "int64", "source": "str", "cost": "float64"}),
        plan=tables["plan"],
        spec=dict(spec),
        provenance=dict(provenance),
    )


def source_kind(source: str) -> str:
    """The kind (:data:`workbench.costs.SOURCE_KINDS`) of a funds id: ``cobuilding:C01`` → ``cobuilding``."""
    return source.partition(":")[0]


def when_text(median_year: float, probability: float, lang: str = "zh") -> str:
    """A matrix cell: ``"2007 (62%)"``; the year is the first by which at least half the runs meet
    the have (the median rounded up), "—" when fewer than half ever do."""
    year = "—" if math.isnan(median_year) else str(math.ceil(median_year))
    return t("compare.cell", lang, year=year, probability=probability)


def have_label(have: str, lang: str = "zh") -> str:
    """A have's label, ``all`` included."""
    return t("compare.have.all" if have == ALL else f"have.{have}", lang)


class Comparison:
    """Scenarios side by side; build it with :func:`compare`."""

    def __init__(self, scenarios: Sequence[ScenarioSummary], *, lang: str = "zh"):
        names = [s.name for s in scenarios]
        if not names:
            raise ScenarioError(t("compare.none", lang))
        if len(set(names)) != len(names):
            raise ScenarioError(t("compare.duplicate", lang, names=", ".join(names)))
        self.scenarios = tuple(scenarios)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """Scenario name → title in ``lang``."""
        return {s.name: s.label(lang) for s in self.scenarios}

    def __getitem__(self, name: str) -> ScenarioSummary:
        return next(s for s in self.scenarios if s.name == name)

    @cached_property
    def haves(self) -> list[str]:
        """The haves compared, in rubric order, ``all`` last."""
        seen = pd.concat([s.when_met["have"] for s in self.scenarios]).unique().tolist()
        return [h for h in seen if h != ALL] + [ALL]

    def _stacked(self, attribute: str) -> pd.DataFrame:
        frames = [getattr(s, attribute).assign(scenario=s.name) for s in self.scenarios]
        return pd.concat(frames, ignore_index=True)

    def by_year(self) -> pd.DataFrame:
        """``scenario, have, year, expected, communities``: the expected number of communities
        meeting the have that year (out of ``communities``)."""
        grouped = self._stacked("probability").groupby(["scenario", "have", "year"], sort=False)
        out = grouped["probability"].agg(expected="sum", communities="count").reset_index()
        return self._ordered(out, ["scenario", "have", "year"])

    def by_community(self) -> pd.DataFrame:
        """``scenario, community, community_name, have, median_year, p_final`` (see
        :meth:`ScenarioResult.when_met`)."""
        out = self._stacked("when_met")
        columns = ["scenario", "community", "community_name", "have", "median_year", "p_final"]
        return self._ordered(out[columns], ["scenario", "community", "have"])

    def cost_by_year(self) -> pd.DataFrame:
        """``scenario, year, source, cost``: yuan spent each year by source kind."""
        out = self._stacked("cost")
        out["source"] = out["source"].map(source_kind)
        out = out.groupby(["scenario", "year", "source"], sort=False)["cost"].sum().reset_index()
        return self._ordered(out, ["scenario", "year", "source"])

    def cost(self) -> pd.DataFrame:
        """``scenario, source, cost``: yuan spent over the horizon by source kind (every kind of
        :data:`~workbench.costs.SOURCE_KINDS`, zero when unused)."""
        totals = self.cost_by_year().groupby(["scenario", "source"])["cost"].sum()
        index = pd.MultiIndex.from_product([self.names, SOURCE_KINDS], names=["scenario", "source"])
        return totals.reindex(index, fill_value=0.0).reset_index()

    def _ordered(self, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """``frame`` sorted by ``keys``: scenarios in comparison order, haves in rubric order."""
        order = {"scenario": self.names, "have": self.haves, "source": list(SOURCE_KINDS)}

        def position(column: pd.Series) -> pd.Series:
            if column.name in order:
                return column.map({v: k for k, v in enumerate(order[column.name])})
            return column

        return frame.sort_values(keys, key=position, kind="stable").reset_index(drop=True)

    # --- translated wide tables, for printing and reports -----------------------------------------

    def year_table(self, lang: str = "zh", *, have: str = ALL) -> pd.DataFrame:
        """Year × scenario: expected communities meeting ``have``."""
        rows = self.by_year().query("have == @have")
        wide = rows.pivot(index="year", columns="scenario", values="expected")[self.names]
        return wide.rename(columns=self.labels(lang)).rename_axis(
            index=t("compare.column.year", lang), columns=None
        )

    def community_table(self, lang: str = "zh", *, have: str = ALL) -> pd.DataFrame:
        """Community × scenario: "year (probability)" cells for ``have``."""
        rows = self.by_community().query("have == @have")
        cells = rows.assign(
            cell=[when_text(y, p, lang) for y, p in zip(rows["median_year"], rows["p_final"], strict=True)]
        )
        wide = cells.pivot(index="community_name", columns="scenario", values="cell")[self.names]
        order = cells.drop_duplicates("community").sort_values("community")["community_name"]
        return (
            wide.reindex(order)
            .rename(columns=self.labels(lang))
            .rename_axis(index=t("compare.column.community", lang), columns=None)
        )

    def cost_table(self, lang: str = "zh") -> pd.DataFrame:
        """Scenario × source kind (and the total): yuan over the horizon."""
        wide = self.cost().pivot(index="scenario", columns="source", values="cost")
        wide = wide.loc[self.names, list(SOURCE_KINDS)]
        wide["total"] = wide.sum(axis=1)
        wide.columns = [t(f"compare.source.{c}", lang) for c in wide.columns]
        return wide.rename(index=self.labels(lang)).rename_axis(index=t("compare.column.scenario", lang))


def compare(runs: Sequence[StoredRun | ScenarioResult | ScenarioSummary], *, lang: str = "zh") -> Comparison:
    """Compare stored runs and/or fresh results (names must differ; errors are worded in ``lang``)."""
    summaries = [r if isinstance(r, ScenarioSummary) else summarise(r, lang=lang) for r in runs]
    return Comparison(summaries, lang=lang)
