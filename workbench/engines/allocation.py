"""Resource allocation: spend a multi-source budget where it closes the most five-haves gaps, early.

:func:`optimise` solves the mixed-integer programme of :mod:`~workbench.engines.allocation_model`
with SciPy's HiGHS (``scipy.optimize.milp``). Purchases are cumulative, so an indicator met by a
purchase stays met; the objectives count what is met in **every** plan year, with equal weights, so
a purchase made earlier counts for more years and money is not saved up for the last year:

- ``"score"``: the rubric-weighted number of indicators met, summed over communities and plan years;
- ``"all_met"``: first the number of communities meeting every have, summed over plan years; then
  the score;
- ``"lexicographic"``: first the lowest community score of each year, summed over plan years; then
  the score.

A second aim is met exactly after the first (the first is held at its best value). Then, among the
plans meeting the same indicators in the same years, the one that spends least is kept, street
money counting twice as much as tied money. When a stage stops at its time limit short of the
greedy baseline's plan (:mod:`~workbench.engines.baselines`, a few seconds at city scale), the
greedy plan is returned with its gap to the solver's bound, so a plan never buys nothing while a
better one is known. Before the first stage's search, a plan the linear relaxation's bound proves
within the gap asked for is sought: on a large model the greedy plan, on a smaller one HiGHS asked
only for such plans (quick either way when the relaxation is tight). :func:`least_budget`
inverts the question: the least street money for every community to meet all the haves money can
buy by a year, its split by year, and which indicators money cannot buy. Every plan, optimal or
baseline, is scored by :func:`~workbench.engines.allocation_model.evaluate`, not by the solver.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, vstack

from .._errors import PlanningError
from ..costs import Catalogue, Funds, make_funds
from ..ledger import Ledger
from ..results import long_table
from ..rubric import Rubric
from ..scorecard import passes, score_figures
from ..settings import RULES, Rules
from .allocation_model import (
    PLAN_COLUMNS,
    TOL,
    Model,
    Problem,
    ample,
    build,
    check_plan,
    deciding,
    evaluate,
    setup,
)

__all__ = [  # check_plan and setup come from allocation_model, for one import of the public API
    "OBJECTIVES",
    "BudgetNeed",
    "Plan",
    "check_plan",
    "least_budget",
    "make_plan",
    "optimise",
    "setup",
    "solve",
]

OBJECTIVES = ("score", "all_met", "lexicographic")
THRIFT_GAP = 1e-4
"""Relative gap of the thrift stage (the yuan spent for what the plan meets)."""
GREEDY_FIRST_ABOVE = 20_000
"""Variables above which the greedy plan is tried before any search, and kept when the linear
relaxation proves it within the gap (a city's 20-year plan: 11 s instead of 22 s)."""
PRESOLVE_ABOVE = 3_000
"""Variables above which HiGHS presolves: below, presolve costs more than it saves (a street of
six communities over ten years solves in half the time without; 30 communities in three times)."""


# --- plans -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A spending plan and what it achieves.

    ``table``: one row per community, year, item and source (PLAN_COLUMNS); a yearly item appears in
    every year it is paid for; a purchase two sources share appears once per source with its share
    of the quantity. ``figures_by_year``: figures after each year (index year, community; the first
    year is the ledger year). ``scores``: :func:`workbench.scorecard.score_figures` of those.
    ``status``: "optimal", "time_limit" (best found, see ``gap``) or "heuristic" (a baseline, or
    the greedy plan a solve kept because the solver stopped short of it; ``gap`` then against the
    solver's bound, or the linear relaxation's when the solver had none).
    ``objective_value``: the objective summed over the plan years (rubric-weighted indicators met
    for "score" and "lexicographic", communities meeting every have for "all_met").
    ``indicators_met`` and ``weighted_met``: community × indicator tests passed in the last plan
    year (plain count and rubric-weighted). ``summary``: per year (the ledger year first)
    indicators_met, weighted_met, all_met (communities), mean_score and spent (yuan).
    """

    table: pd.DataFrame
    figures_by_year: pd.DataFrame
    scores: pd.DataFrame
    status: str
    gap: float
    objective_value: float
    indicators_met: int
    weighted_met: float
    objective: str
    method: str
    funds: Funds
    summary: pd.DataFrame
    solve_seconds: float = float("nan")

    def spending(self) -> pd.DataFrame:
        """Yuan spent per source and year."""
        return self.table.pivot_table(
            index="year", columns="source", values="cost", aggfunc="sum", fill_value=0.0
        )

    def results(self, scenario: str = "") -> pd.DataFrame:
        """The figures by year as the long results table (run 0), for projections and plots."""
        wide = self.figures_by_year
        years = wide.index.get_level_values("year").unique()
        communities = wide.index.get_level_values("community").unique()
        shape = (1, len(years), len(communities))
        arrays = {name: wide[name].to_numpy().reshape(shape) for name in wide.columns}
        return long_table(arrays, years=years, communities=communities, scenario=scenario)


def make_plan(
    prob: Problem,
    table: pd.DataFrame,
    *,
    objective: str,
    method: str,
    status: str,
    gap: float = float("nan"),
    solve_seconds: float = float("nan"),
) -> Plan:
    """A :class:`Plan` from a purchase table, scored by :func:`evaluate` (no solver involved)."""
    table = pd.DataFrame(table, columns=list(PLAN_COLUMNS)).sort_values(
        ["year", "community", "item", "source"]
    )
    table = table.reset_index(drop=True).astype({"year": "int64", "quantity": float, "cost": float})
    figures = evaluate(prob, table)
    scores = score_figures(figures, prob.rubric)
    passed = passes(figures, prob.rubric)
    by_year = (
        pd.DataFrame(
            {
                "indicators_met": passed.sum(axis=1),
                "weighted_met": passed.to_numpy() @ prob.weights,
                "all_met": scores["all_met"],
                "mean_score": scores["score"],
            },
            index=figures.index,
        )
        .groupby(level="year")
        .agg({"indicators_met": "sum", "weighted_met": "sum", "all_met": "sum", "mean_score": "mean"})
    )
    by_year["spent"] = table.groupby("year")["cost"].sum().reindex(by_year.index, fill_value=0.0)
    planned = by_year.loc[prob.years]
    value = float(planned["all_met" if objective == "all_met" else "weighted_met"].sum())
    last = by_year.iloc[-1]
    return Plan(
        table, figures, scores, status, gap, value, int(last["indicators_met"]), float(last["weighted_met"]),
        objective, method, prob.funds, by_year, solve_seconds,
    )  # fmt: skip


# --- objectives --------------------------------------------------------------------------------


def _score(model: Model) -> tuple[np.ndarray, float]:
    """The weighted met variables of every plan year, with the relative gap that keeps the
    weighted count exact."""
    goal = np.zeros(model.builder.n)
    for w, met in zip(model.prob.weights, model.met, strict=True):
        goal[met[met >= 0]] += w
    return goal, _exact(goal, model.prob.weights.min())


def _thrift(model: Model) -> np.ndarray:
    """Minus the yuan spent, street money counting twice as much as tied money."""
    goal = np.zeros(model.builder.n)
    for _items, s, _cpos, g in model.flows:
        goal[g] -= 2.0 if model.prob.funds.sources[s].street else 1.0
    return goal


def _all_met(model: Model) -> tuple[np.ndarray, float]:
    """Communities meeting every have, summed over plan years (new binary variables)."""
    prob, b = model.prob, model.builder
    chosen = deciding(prob.rubric)
    possible = np.all([(model.met[k] >= 0) | model.const[k] for k in chosen], axis=0)  # (Y, C)
    every = b.var(possible.shape, ub=possible.astype(float), integer=True)
    for k in chosen:
        rows = np.where(model.met[k] >= 0, b.rows(possible.shape, ub=0.0), -1)
        b.terms(rows, every, 1.0)
        b.terms(rows, model.met[k], -1.0)
    goal = _sum_of(model, every)
    return goal, _exact(goal, 1.0)


def _floor(model: Model) -> tuple[np.ndarray, float]:
    """The lowest community score of each plan year, summed (new continuous variables)."""
    prob, b = model.prob, model.builder
    n_y, n_c = len(prob.years), len(prob.communities)
    share = prob.weights / prob.weights.sum()
    parts = zip(share, model.met, model.const, strict=True)
    fixed = sum(np.where(met < 0, w * const, 0.0) for w, met, const in parts)  # (Y, C)
    floor = b.var(n_y, ub=1.0)
    rows = b.rows((n_y, n_c), lb=-fixed)  # score[y, c] − floor[y] ≥ 0
    for w, met in zip(share, model.met, strict=True):
        b.terms(rows, met, w)
    b.terms(rows, floor[:, None], -1.0)
    goal = _sum_of(model, floor)
    return goal, _exact(goal, share.min())


def _aims(model: Model, objective: str) -> list[tuple[np.ndarray, float]]:
    """The goals to maximise one after the other, each with its default relative gap."""
    if objective not in OBJECTIVES:
        raise PlanningError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    first = {"all_met": _all_met, "lexicographic": _floor}.get(objective)
    aims = [] if first is None else [first(model)]
    return [*aims, _score(model)]  # the score adds no variable: sizes agree


def _exact(goal: np.ndarray, step: float) -> float:
    """The relative gap that proves a goal optimal to within less than half its ``step`` (the
    least difference between two values that matter), bounded by its positive coefficients."""
    return step / (2 * (goal[goal > 0].sum() + 1.0))


def _sum_of(model: Model, variables: np.ndarray) -> np.ndarray:
    """The goal vector summing ``variables``."""
    goal = np.zeros(model.builder.n)
    goal[variables.reshape(-1)] = 1.0
    return goal


def _maximise(
    model: Model,
    aims: Sequence[tuple[np.ndarray, float]],
    *,
    time_limit: float,
    mip_rel_gap: float | None,
    tie_breaks: bool = True,
) -> tuple[np.ndarray | None, str, float, float]:
    """Maximise each goal in turn, holding the ones before at their best value; then (with
    ``tie_breaks``) spend as little as meets the same indicators in the same years; the solution,
    the status ("optimal", or "time_limit" when a stage stopped early), the last stage's gap and
    the solver's upper bound on the first goal. The solution is None when the first stage found
    no plan within ``time_limit``; a later stage that finds none keeps the plan before it.
    Raises PlanningError when no plan exists."""
    lb, ub, integrality, matrix, row_lb, row_ub = model.builder.arrays()
    status, gap, x, previous, bound = "optimal", 0.0, None, None, float("nan")
    for goal, default_gap in aims:
        if previous is not None:  # hold the previous goal at its value
            value = float(previous @ x)
            matrix = vstack([matrix, csr_array(previous[None, :])]).tocsr()
            row_lb = np.append(row_lb, value - TOL * max(1.0, abs(value)))
            row_ub = np.append(row_ub, np.inf)
        gap_wanted = default_gap if mip_rel_gap is None else mip_rel_gap
        stage = (lb, ub, integrality, matrix, row_lb, row_ub, time_limit, gap_wanted)
        result = _near_bound(goal, *stage) if previous is None and len(goal) <= GREEDY_FIRST_ABOVE else None
        result = _milp(goal, *stage) if result is None else result
        if previous is None:
            bound = -float(result.get("mip_dual_bound") or -np.inf)
        if result.x is None:
            if result.status == 2:
                raise PlanningError(
                    "no plan meets every constraint: the equity floor (or the indicators required) needs "
                    "more money than the sources hold; lower the floor or add funds"
                )
            if x is None:
                return None, "time_limit", float("nan"), bound
            status = "time_limit"
            break
        status = status if result.status == 0 else "time_limit"
        gap = float(getattr(result, "mip_gap", np.nan) or 0.0)
        x, previous = result.x, goal
    thrift = _thrift(model)
    met = np.concatenate([m[m >= 0] for m in model.met])
    if tie_breaks:  # the same indicators met in the same years, for less money (kept if found)
        low, high = lb.copy(), ub.copy()
        low[met] = high[met] = np.rint(x[met])
        cheaper = _milp(thrift, low, high, integrality, matrix, row_lb, row_ub, time_limit, THRIFT_GAP,
                        presolve=True)  # fmt: skip
        x = x if cheaper.x is None else cheaper.x
    # polish: whole numbers exactly whole and the money flows re-solved, tied money first (a
    # binary HiGHS leaves at 1 − 1e-6 would let a big-M row fall short by a few fen)
    whole = integrality.astype(bool)
    fixed = np.where(whole, np.rint(x), lb), np.where(whole, np.rint(x), ub)
    polished = _milp(thrift, *fixed, np.zeros_like(integrality), matrix, row_lb, row_ub, time_limit, 0.0)
    return (x if polished.x is None else polished.x), status, gap, bound


def _near_bound(goal, lb, ub, integrality, matrix, row_lb, row_ub, time_limit: float, gap: float):
    """HiGHS asked only for plans within ``gap`` of the linear relaxation's bound: None when there
    is none, else its result, whose best and bound are the programme's own (the added row cuts off
    only plans worse than one it found). A tight relaxation makes this quick either way: the
    sample street's "ambitious" plan 0.15 s instead of 0.36 s; proving "as is" has none, 0.04 s."""
    bound = _relaxed_bound(goal, lb, ub, integrality, matrix, row_lb, row_ub)
    if not np.isfinite(bound):
        return None
    target = bound / (1.0 + gap) if bound >= 1.0 + gap else bound - gap  # then (bound − x)/max(x, 1) ≤ gap
    within = vstack([matrix, csr_array(goal[None, :])]).tocsr()
    result = _milp(goal, lb, ub, integrality, within, np.append(row_lb, target), np.append(row_ub, np.inf),
                   time_limit, gap)  # fmt: skip
    return None if result.x is None else result


def _milp(goal, lb, ub, integrality, matrix, row_lb, row_ub, time_limit: float, gap: float, *,
          presolve: bool | None = None):  # fmt: skip
    """SciPy's HiGHS maximising ``goal``; ``presolve`` None: above ``PRESOLVE_ABOVE`` variables."""
    presolve = len(goal) > PRESOLVE_ABOVE if presolve is None else presolve
    options = {
        "time_limit": float(time_limit),
        "mip_rel_gap": float(gap),
        "disp": False,
        "presolve": presolve,
    }
    return milp(
        -goal,
        integrality=integrality.astype(int),
        bounds=Bounds(lb, ub),
        constraints=LinearConstraint(matrix, row_lb, row_ub),
        options=options,
    )


# --- from a solution to a purchase table -------------------------------------------------------


def _table(model: Model, x: np.ndarray) -> pd.DataFrame:
    """The purchase table of a solution: each group's money poured into its items source by source."""
    prob = model.prob
    n = np.rint(x[model.n])
    held = np.cumsum(n, axis=0)
    units = np.where(prob.yearly, held, n)
    spend = units * prob.cost
    rows = []
    by_group: dict[tuple, list] = {}
    for items, s, cpos, g in model.flows:
        paid = np.zeros(spend.shape[:2])
        paid[:, cpos] = np.maximum(np.round(x[g], 2), 0.0)  # to the fen
        by_group.setdefault(tuple(items), []).append((prob.funds.sources[s].id, paid))
    for items, payers in by_group.items():
        items = list(items)
        total = spend[:, :, items].sum(axis=2)
        for y, c in np.argwhere(total > TOL):
            pots = [[source, paid[y, c]] for source, paid in payers if paid[y, c] > TOL]
            for i in items:
                if spend[y, c, i] > TOL:
                    rows += _pour(prob, y, c, i, units[y, c, i], spend[y, c, i], pots)
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def _pour(prob: Problem, y: int, c: int, i: int, units: float, cost: float, pots: list) -> list[tuple]:
    """Rows paying ``cost`` from ``pots`` ([source, yuan left], emptied in order)."""
    rows, left = [], cost
    for k, pot in enumerate(pots):
        take = left if k == len(pots) - 1 else min(left, pot[1])
        if take > TOL:
            community, year, item = prob.communities[c], int(prob.years[y]), prob.catalogue.ids[i]
            rows.append((community, year, item, units * take / cost, take, pot[0]))
            pot[1] -= take
            left -= take
        if left <= TOL:
            break
    return rows


# --- public API --------------------------------------------------------------------------------


def optimise(
    ledger: Ledger,
    rubric: Rubric | str = "seed_2003",
    catalogue: Catalogue | str = "default",
    funds: Funds | float | Sequence[float] = 0.0,
    *,
    years: int | None = None,
    objective: str = "score",
    equity_floor: float = 0.0,
    time_limit: float = 10.0,
    mip_rel_gap: float | None = None,
    tie_breaks: bool = True,
    rules: Rules = RULES,
) -> Plan:
    """The best plan for ``objective`` (one of OBJECTIVES) within the funds.

    ``rubric`` and ``catalogue`` by name or object; ``funds`` a :class:`~workbench.costs.Funds` or
    the street's yuan a year (co-building pledges added from the ledger) over ``years`` (default:
    one community term). ``equity_floor``: yuan each community gets at least over the plan. Each
    solver stage stops at ``time_limit`` seconds or a relative gap of ``mip_rel_gap`` (default:
    small enough that the objective is exact when weights are whole multiples of the smallest); the
    plan reports ``status`` and ``gap``. ``tie_breaks=False`` skips the thrift stage (faster at city
    scale; the plan may then buy what gains nothing). Without an equity floor, the greedy plan is
    returned instead (status "heuristic") when it meets more than the solver found in time; above
    ``GREEDY_FIRST_ABOVE`` variables it is tried first and kept (status "optimal", method
    "greedy") when the linear relaxation proves it within the gap; below, the solver is first
    asked for such a plan only.
    Raises PlanningError when no plan satisfies the constraints.
    """
    prob = setup(ledger, rubric, catalogue, funds, years=years, rules=rules)
    return solve(
        prob, objective=objective, equity_floor=equity_floor, time_limit=time_limit, mip_rel_gap=mip_rel_gap,
        tie_breaks=tie_breaks,
    )  # fmt: skip


def solve(
    prob: Problem,
    *,
    objective: str = "score",
    equity_floor: float = 0.0,
    time_limit: float = 10.0,
    mip_rel_gap: float | None = None,
    tie_breaks: bool = True,
) -> Plan:
    """:func:`optimise` on a prepared :class:`~workbench.engines.allocation_model.Problem`."""
    if not equity_floor >= 0:
        raise PlanningError(f"equity_floor must be ≥ 0 yuan, got {equity_floor!r}")
    started = time.perf_counter()
    model = build(prob, equity_floor=equity_floor)
    aims = _aims(model, objective)
    fallback = equity_floor == 0  # the greedy plan ignores the floor
    greedy, bound = None, float("nan")
    if fallback and objective != "lexicographic" and model.builder.n > GREEDY_FIRST_ABOVE:
        greedy, bound = _greedy(prob, objective), _lp_bound(model, aims[0][0])
        wanted = aims[0][1] if mip_rel_gap is None else mip_rel_gap
        if _gap(model, greedy, objective, bound) <= wanted:  # proven good enough: no search
            plan = replace(greedy, status="optimal", gap=_gap(model, greedy, objective, bound))
            return replace(plan, solve_seconds=time.perf_counter() - started)
    x, status, gap, solver_bound = _maximise(
        model, aims, time_limit=time_limit, mip_rel_gap=mip_rel_gap, tie_breaks=tie_breaks
    )
    if x is None and not fallback:
        _found(x)
    plan = None if x is None else make_plan(prob, _table(model, x), objective=objective, method="milp",
                                            status=status, gap=gap)  # fmt: skip
    if fallback and status != "optimal" and (plan is None or objective != "lexicographic"):
        # the greedy plan when the solver stopped short of it (the floor's sum is not compared)
        greedy = greedy if greedy is not None else _greedy(prob, objective)
        if plan is None or greedy.objective_value > plan.objective_value + TOL:
            bounds = [b for b in (bound, solver_bound) if np.isfinite(b)]
            bound = min(bounds) if bounds else _lp_bound(model, aims[0][0])
            plan = replace(greedy, gap=_gap(model, greedy, objective, bound))
    return replace(plan, solve_seconds=time.perf_counter() - started)


def _greedy(prob: Problem, objective: str) -> Plan:
    from .baselines import baseline  # the baselines score their plans with this module's make_plan

    return make_plan(
        prob, baseline(prob, "greedy").table, objective=objective, method="greedy", status="heuristic"
    )


def _gap(model: Model, plan: Plan, objective: str, bound: float) -> float:
    """How far ``plan`` may be from the best, relative to its value in the first solver goal."""
    value = _first_goal(model, plan, objective)
    return (bound - value) / max(abs(value), 1.0)


def _lp_bound(model: Model, goal: np.ndarray) -> float:
    """The most ``goal`` reaches with whole numbers relaxed (solved to the end: an upper bound)."""
    return _relaxed_bound(goal, *model.builder.arrays())


def _relaxed_bound(goal, lb, ub, integrality, matrix, row_lb, row_ub) -> float:
    """The linear relaxation's best (inf when it has none)."""
    relaxed = _milp(goal, lb, ub, np.zeros_like(integrality), matrix, row_lb, row_ub, np.inf, 0.0)
    return float("inf") if relaxed.x is None else float(goal @ relaxed.x)


def _found(x: np.ndarray | None) -> np.ndarray:
    if x is None:
        raise PlanningError("the solver found no plan within time_limit; allow more time_limit")
    return x


def _first_goal(model: Model, plan: Plan, objective: str) -> float:
    """A plan's value in the first solver goal (the one the bound of :func:`_maximise` is on):
    the score leaves out the indicators no purchase moves; "lexicographic" is not measured (NaN)."""
    if objective == "all_met":
        return plan.objective_value
    if objective == "lexicographic":
        return float("nan")
    n_y = len(model.prob.years)
    fixed = sum(w * (const & (met[0] < 0)).sum() for w, met, const in zip(model.prob.weights, model.met,
                                                                          model.const, strict=True))  # fmt: skip
    return plan.objective_value - n_y * float(fixed)


@dataclass(frozen=True)
class BudgetNeed:
    """The least street budget for every community to meet every have money can buy by a year.

    ``by_year``: street yuan spent in each plan year (calendar years); ``total`` their sum; ``plan``
    the plan that spends it (among the least-cost plans, the one meeting most, earliest);
    ``unbuyable``: the deciding indicators money cannot meet (columns community, have, indicator,
    reason) — empty when money alone reaches all five haves everywhere. ``reason`` is "no_item"
    (no catalogue item moves it: people, not yuan) or "out_of_reach" (items' limits or the
    non-street money available fall short); labels ``allocation.reason.*`` say it in words.
    """

    total: float
    by_year: pd.Series
    plan: Plan
    unbuyable: pd.DataFrame

    @property
    def feasible(self) -> bool:
        return self.unbuyable.empty


def least_budget(
    ledger: Ledger,
    rubric: Rubric | str = "seed_2003",
    catalogue: Catalogue | str = "default",
    *,
    by_year: int | None = None,
    grants: Sequence = (),
    cobuilding: bool = True,
    carry_over: bool = True,
    time_limit: float = 30.0,
    rules: Rules = RULES,
) -> BudgetNeed:
    """The least street money in all (and its split by year) for every community to meet all haves
    by the calendar year ``by_year`` (default: one community term after the ledger year), with the
    co-building pledges of the ledger (unless ``cobuilding=False``) and ``grants`` (see
    :func:`workbench.costs.make_funds`). What money cannot buy (e.g. a team needs people, not
    yuan) is listed in ``unbuyable`` and left out of the requirement."""
    years = (by_year or ledger.year + rules.community_term_years) - ledger.year
    if years < 1:
        raise PlanningError(f"by_year must come after the ledger year {ledger.year}, got {by_year}")

    def funds(budget: float) -> Funds:
        return make_funds(
            ledger, budget=budget, years=years, grants=grants, cobuilding=cobuilding, carry_over=carry_over
        )

    prob = setup(ledger, rubric, catalogue, funds(0.0), rules=rules)
    chosen = deciding(prob.rubric)
    # 1. with more money than anything costs: which deciding indicators can be met at all?
    model = build(replace(prob, funds=funds(ample(prob))))
    reach = [model.met[k][-1][model.met[k][-1] >= 0] for k in chosen]
    x, _, _, _ = _maximise(
        model,
        [(_sum_of(model, np.concatenate(reach)), 0.0)],
        time_limit=time_limit,
        mip_rel_gap=None,
        tie_breaks=False,
    )
    x = _found(x)
    rows, required = [], []
    for k in chosen:
        last, const = model.met[k][-1], model.const[k]
        reached = np.where(last >= 0, np.rint(x[np.maximum(last, 0)]) > 0, const)
        required.append(np.flatnonzero((last >= 0) & reached))
        indicator = prob.rubric.indicators[k]
        for c in np.flatnonzero(~reached):
            reason = "no_item" if last[c] < 0 else "out_of_reach"
            rows.append((prob.communities[c], indicator.have, indicator.id, reason))
    unbuyable = pd.DataFrame(rows, columns=["community", "have", "indicator", "reason"])
    # 2. the least street money that meets every reachable one by the last year; then the earliest
    model = build(prob, budget_variable=True)
    met = np.concatenate([model.met[k][-1][c] for k, c in zip(chosen, required, strict=True)])
    model.builder.terms(model.builder.rows(1, lb=float(len(met))), met, 1.0)
    aims = [(-_sum_of(model, model.budget), 1e-6), _score(model)]
    x, status, gap, _ = _maximise(model, aims, time_limit=time_limit, mip_rel_gap=None)
    table = _table(model, _found(x))
    street = table[table["source"] == prob.funds.sources[0].id].groupby("year")["cost"].sum()
    amounts = np.ceil(street.reindex(prob.years, fill_value=0.0).to_numpy() - TOL) + 0.0
    plan = make_plan(
        replace(prob, funds=funds(amounts)), table, objective="score", method="least_budget", status=status,
        gap=gap,
    )  # fmt: skip
    spent = pd.Series(amounts, index=pd.Index(prob.years, name="year"), name="street_budget")
    return BudgetNeed(float(amounts.sum()), spent, plan, unbuyable)
