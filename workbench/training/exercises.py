"""The "what if" exercises on the engines: a trainee's choice, scored the way the engines score.

1. **Budget** — a basket of catalogue items per community for one year, paid by the street;
   scored by :func:`workbench.engines.allocation.make_plan` (the same arithmetic as every plan)
   and compared with :func:`~workbench.engines.allocation.solve`'s optimum for the same money.
2. **Succession** — a recruitment drive and reserve-training places a year; the cadres' mean age and
   succession risk in ten years (:func:`workbench.engines.succession.trajectories`), next to doing
   nothing, with the same seed.
3. **Joint branches** — the trainee numbers groups of small non-public enterprises; each group is
   checked against the joint-branch rules and the result compared with
   :func:`workbench.engines.grouping.group_units`.

These are plain functions over the ledger; the widgets of :mod:`workbench.ui.exercises` call them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from ..engines import allocation, grouping, succession
from ..engines.grouping import neighbours
from ..i18n import t
from ..ledger import Ledger
from ..settings import RULES, Rules

STREET_SOURCE = "street"
Basket = Mapping[tuple[str, str], int]
"""(community id, item id) → units bought."""


# --- 1. budget -----------------------------------------------------------------------------------


def budget_problem(
    ledger: Ledger, budget: float, *, rubric: str = "seed_2003", rules: Rules = RULES
) -> allocation.Problem:
    """One plan year with ``budget`` yuan of street money (plus the ledger's co-building pledges)."""
    return allocation.setup(ledger, rubric, "default", float(budget), years=1, rules=rules)


def basket_cost(prob: allocation.Problem, basket: Basket) -> float:
    """Yuan the basket costs."""
    cost = dict(zip(prob.catalogue.ids, prob.cost, strict=True))
    return float(sum(cost[item] * quantity for (_, item), quantity in basket.items()))


def basket_plan(prob: allocation.Problem, basket: Basket) -> allocation.Plan:
    """The basket as a plan paid by the street in the plan year, scored like any plan.

    Raises :class:`workbench.PlanningError` when it exceeds the street's money or an item's limit.
    """
    year = int(prob.years[0])
    cost = dict(zip(prob.catalogue.ids, prob.cost, strict=True))
    rows = [
        (community, year, item, float(q), cost[item] * q, STREET_SOURCE)
        for (community, item), q in basket.items()
        if q > 0
    ]
    table = pd.DataFrame(rows, columns=list(allocation.PLAN_COLUMNS))
    allocation.check_plan(prob, table)
    return allocation.make_plan(prob, table, objective="score", method="trainee", status="heuristic")


def best_plan(prob: allocation.Problem) -> allocation.Plan:
    """The allocation engine's optimum for the same problem."""
    return allocation.solve(prob, objective="score")


def have_scores(plan: allocation.Plan, names: Mapping[str, str]) -> pd.DataFrame:
    """Last plan year's have scores: index community names, one column per have."""
    scores = plan.scores.xs(plan.figures_by_year.index.levels[0][-1], level="year")
    haves = [c.removesuffix("_score") for c in scores.columns if c.endswith("_score")]
    table = scores[[f"{h}_score" for h in haves]].set_axis(haves, axis=1)
    return table.set_axis([names.get(c, c) for c in table.index], axis=0)


# --- 2. succession -------------------------------------------------------------------------------


def succession_outcome(
    ledger: Ledger,
    *,
    recruitment: int,
    training: int,
    years: int = 10,
    runs: int = 100,
    seed: int = 0,
    rules: Rules = RULES,
) -> pd.DataFrame:
    """Per community: mean cadre age today, the median of mean age and the mean succession risk
    after ``years`` without measures and with ``recruitment`` applicants and ``training``
    reserve-training places a year (same seed, so the two differ by the levers alone)."""
    plans = {
        "none": succession.SuccessionLevers(),
        "plan": succession.SuccessionLevers(recruitment_drive=recruitment, training_slots=training),
    }
    out = {}
    for key, levers in plans.items():
        cube, _, communities = succession.trajectories(
            ledger, levers, years=years, runs=runs, seed=seed, rules=rules
        )
        out["age_today"] = np.nanmean(cube["cadre_mean_age"][:, 0], axis=0)
        out[f"age_{key}"] = np.nanmedian(cube["cadre_mean_age"][:, -1], axis=0)
        out[f"risk_{key}"] = np.nanmean(cube["succession_risk"][:, -1], axis=0)
    names = ledger.communities.set_index("id")["name"]
    table = pd.DataFrame(out, index=pd.Index(communities, name="community"))
    return table.assign(name=names.reindex(table.index).to_numpy())[
        ["name", "age_today", "age_none", "age_plan", "risk_none", "risk_plan"]
    ]


# --- 3. joint branches ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupingTask:
    """The small units to group (``units``: ``unit, name, community, community_name, trade,
    members, reach``) and the community adjacency."""

    units: pd.DataFrame
    adjacency: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class GroupingVerdict:
    """A trainee's grouping: the rule breaches (``problems``, sentences), what it covers, and the
    engine's grouping of the same units."""

    problems: tuple[str, ...]
    covered: int
    groups: int
    mismatch: int
    engine: grouping.Grouping

    @property
    def ok(self) -> bool:
        return not self.problems


def grouping_task(
    ledger: Ledger, *, kinds: tuple[str, ...] = ("non_public_enterprise",), rules: Rules = RULES
) -> GroupingTask:
    """The joint-branch candidates of ``kinds`` (default: the small non-public enterprises)."""
    found = grouping.candidates(ledger, rules=rules)
    found = found.loc[found["kind"].isin(kinds)].reset_index(drop=True)
    names = ledger.units.set_index("id")["name"]
    communities = ledger.communities.set_index("id")["name"]
    found = found.assign(
        name=names.reindex(found["unit"]).to_numpy(),
        community_name=communities.reindex(found["community"]).to_numpy(),
    )
    columns = ["unit", "name", "community", "community_name", "trade", "members", "reach"]
    return GroupingTask(found[columns], grouping.adjacency(ledger))


def judge_grouping(
    task: GroupingTask, assignment: Mapping[str, int | None], *, rules: Rules = RULES, lang: str = "zh"
) -> GroupingVerdict:
    """Check ``assignment`` (unit id → group number, None for "not grouped") against the rules:
    at least two units, at most ``rules.joint_branch_max_units``, at least
    ``rules.joint_branch_min_members`` full members, all pairwise neighbours."""
    units = task.units
    near = neighbours(units, task.adjacency)
    group = np.array([assignment.get(u) if assignment.get(u) is not None else -1 for u in units["unit"]])
    problems: list[str] = []
    valid = []
    for number in sorted(set(group[group >= 0].tolist())):
        rows = np.flatnonzero(group == number)
        members = int(units["members"].to_numpy()[rows].sum())
        found = []
        if len(rows) < 2:
            found.append(t("training.exercise.grouping.alone", lang, number=number))
        if len(rows) > rules.joint_branch_max_units:
            found.append(
                t(
                    "training.exercise.grouping.too_many",
                    lang,
                    number=number,
                    count=len(rows),
                    limit=rules.joint_branch_max_units,
                )
            )
        if members < rules.joint_branch_min_members:
            found.append(
                t(
                    "training.exercise.grouping.too_few",
                    lang,
                    number=number,
                    count=members,
                    limit=rules.joint_branch_min_members,
                )
            )
        found += [
            t(
                "training.exercise.grouping.far",
                lang,
                number=number,
                first=units["name"].iat[i],
                second=units["name"].iat[j],
            )
            for i, j in combinations(rows, 2)
            if j not in near[i]
        ]
        problems += found
        if not found:
            valid.append(rows)
    trades = units["trade"].tolist()
    engine = grouping.group_units(units, task.adjacency, rules=rules)
    return GroupingVerdict(
        problems=tuple(problems),
        covered=sum(len(rows) for rows in valid),
        groups=len(valid),
        mismatch=sum(grouping.mismatch(trades[i] for i in rows) for rows in valid),
        engine=engine,
    )
