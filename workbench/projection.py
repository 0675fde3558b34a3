"""The coupled projection: allocation, coverage and succession advanced together and every
community scored against the rubric every year.

How the engines are coupled (each arrow is one-way, so running them in this order is the same as
stepping them year by year together):

1. **allocation** (deterministic): the optimiser's plan over the horizon buys venues, equipment,
   service projects, funds… — the figures it moves follow the plan year by year. Reserve training
   and instructor stipends it buys become extra **succession** training slots and extra
   **coverage** instructors.
2. **coverage** (stochastic): organisation and work coverage by community.
3. **succession** (stochastic): the team figures (ages, reserves, vacancies, admissions).
4. **policies**: the guidance committee exists from its year on.

Figures no engine moves keep their ledger value. Every (run, year, community) is then scored with
:func:`workbench.scorecard.score_figures`, the same code that scores today's ledger.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from .costs import make_funds
from .engines import coverage, succession
from .engines.allocation import Plan, optimise
from .engines.succession_layout import Layout, layout
from .figures import FIGURES
from .ledger import Ledger
from .rubric import Rubric
from .scenario import Scenario
from .settings import RULES, Rules

T = TypeVar("T")
COVERAGE_FIGURES = ("org_coverage", "npe_org_coverage", "social_org_coverage", "work_coverage")
TRAINING_ITEM = "reserve_training"
INSTRUCTOR_ITEM = "instructor_stipend"
PLAN_GAP = 0.02  # relative gap at which the plan's MILP stops: its objective is within 2% of the best
# seconds per solver stage, a safety net: the plan reports hitting it (a city keeps the greedy plan,
# which the solver had not beaten after 20 s either)
PLAN_TIME_LIMIT = 10.0
PLAN_THRIFT_SIZE = 2_000  # community-years above which the plan skips the thrift stage
PLAN_CACHE_SIZE = 32
LAYOUT_CACHE_SIZE = 4  # ledgers whose prepared layouts are remembered (a city's: some 17 MB)
_plans: dict[tuple, Plan] = {}
_layouts: dict[tuple, tuple[Layout, coverage.Slots]] = {}


@dataclass(frozen=True)
class Plan0:
    """The deterministic part of a projection, shared by every chunk of runs."""

    years: np.ndarray  # calendar years, the ledger year first
    communities: np.ndarray  # community ids
    base: dict[str, np.ndarray]  # figure → array[year, community] (ledger, plan and policies)
    coverage_levers: coverage.CoverageLevers
    succession_levers: succession.SuccessionLevers
    succession_layout: Layout  # the ledger's organisations and people as index arrays
    coverage_slots: coverage.Slots  # the ledger's units and spare slots, before any draw


def allocation_plan(ledger: Ledger, scenario: Scenario, rubric: Rubric, *, rules: Rules = RULES) -> Plan:
    """The scenario's spending plan over its horizon, solved to a relative gap of ``PLAN_GAP``.

    Above ``PLAN_THRIFT_SIZE`` community-years the thrift stage (the least money for the same
    indicators) is skipped; a solve cut short by ``PLAN_TIME_LIMIT`` keeps the greedy plan when
    it is better (``plan.status`` "heuristic", ``plan.gap`` against the solver's bound), so the
    plan never buys nothing while a better plan is known.

    The plan depends only on the ledger, the rubric, the allocation levers, the horizon and the
    rules, so it is remembered (per process) and a scenario that changes other levers reuses it.
    """
    key = (ledger.fingerprint(), repr(rubric), scenario.allocation, scenario.horizon, rules)
    return _remember(_plans, PLAN_CACHE_SIZE, key, lambda: _solve_plan(ledger, scenario, rubric, rules=rules))


def forget() -> None:
    """Forget the remembered plans and layouts: the next run starts cold."""
    _plans.clear()
    _layouts.clear()


def _remember(cache: dict, size: int, key: tuple, compute: Callable[[], T]) -> T:
    """``cache[key]``, computed on first use; the oldest entry goes when ``size`` are kept."""
    if key not in cache:
        if len(cache) >= size:
            del cache[next(iter(cache))]
        cache[key] = compute()
    return cache[key]


def _solve_plan(ledger: Ledger, scenario: Scenario, rubric: Rubric, *, rules: Rules) -> Plan:
    levers = scenario.allocation
    grants = [{"id": "higher", "amount": levers.grant}] if levers.grant > 0 else []
    funds = make_funds(
        ledger,
        budget=levers.budget,
        years=scenario.horizon,
        grants=grants,
        cobuilding=levers.cobuilding,
        carry_over=levers.carry_over,
    )
    return optimise(
        ledger,
        rubric,
        levers.catalogue,
        funds,
        years=scenario.horizon,
        objective=levers.objective,
        mip_rel_gap=PLAN_GAP,
        time_limit=PLAN_TIME_LIMIT,
        tie_breaks=len(ledger.communities) * scenario.horizon <= PLAN_THRIFT_SIZE,
        rules=rules,
    )


def prepare(ledger: Ledger, scenario: Scenario, plan: Plan, *, rules: Rules = RULES) -> Plan0:
    """The yearly base figures and the engine levers the plan adds to."""
    today = plan.figures_by_year.loc[ledger.year]  # the ledger's own figures, before any spending
    communities = today.index.to_numpy()
    years = np.arange(ledger.year, ledger.year + scenario.horizon + 1)
    planned = (
        plan.figures_by_year.reindex(
            pd.MultiIndex.from_product([years, communities], names=["year", "community"])
        )
        .groupby(level="community")
        .ffill()
    )
    base = {name: planned[name].to_numpy().reshape(len(years), len(communities)) for name in today.columns}
    start = scenario.policies.guidance_committee_year
    if start is not None:
        base["guidance_committee"] = np.where((years >= start)[:, None], 1.0, base["guidance_committee"])
    bought = (
        plan.table.groupby("item")["quantity"].sum() / scenario.horizon if len(plan.table) else pd.Series()
    )
    extra_training = math.ceil(bought.get(TRAINING_ITEM, 0.0))
    extra_instructors = math.ceil(bought.get(INSTRUCTOR_ITEM, 0.0))
    cov = scenario.coverage
    if extra_instructors:
        cov = dataclasses.replace(cov, instructors=(cov.instructors or 0) + extra_instructors)
    suc = dataclasses.replace(
        scenario.succession, training_slots=scenario.succession.training_slots + extra_training
    )
    return Plan0(years, communities, base, cov, suc, *_ledger_layouts(ledger, scenario, rules))


def _ledger_layouts(ledger: Ledger, scenario: Scenario, rules: Rules) -> tuple[Layout, coverage.Slots]:
    """The succession layout and the coverage slots of a ledger: they depend only on it, the rules,
    the horizon and the coverage assumptions, so they are remembered (a sweep or a "what if" re-run
    on a district saves 0.06 s a run)."""
    key = (ledger.fingerprint(), scenario.horizon, repr(scenario.coverage_assumptions), rules)

    def prepared() -> tuple[Layout, coverage.Slots]:
        assumptions = scenario.coverage_assumptions
        slots = coverage.ledger_slots(ledger, rules=rules, years=scenario.horizon, assumptions=assumptions)
        return layout(ledger, rules), slots

    return _remember(_layouts, LAYOUT_CACHE_SIZE, key, prepared)


def project_runs(
    scenario: Scenario, plan0: Plan0, *, runs: int, seed: int, rules: Rules = RULES
) -> dict[str, np.ndarray]:
    """One chunk of ``runs`` runs: figure → array[run, year, community] (communities of ``plan0``).

    Figures no engine moves are read-only views of ``plan0.base`` repeated over runs (stride 0 on
    the run axis), so they take no memory; :func:`varying` keeps only the others."""
    coverage_seed, succession_seed = (
        int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(2)
    )
    horizon = len(plan0.years) - 1
    cube = {name: np.broadcast_to(values, (runs, *values.shape)) for name, values in plan0.base.items()}
    cov, cov_years, cov_communities = coverage.trajectories(
        None,
        plan0.coverage_levers,
        assumptions=scenario.coverage_assumptions,
        years=horizon,
        runs=runs,
        seed=coverage_seed,
        rules=rules,
        slots=plan0.coverage_slots,
    )
    _overlay(cube, {k: cov.community[k] for k in COVERAGE_FIGURES}, cov_communities, plan0.communities)
    suc, suc_years, suc_communities = succession.trajectories(
        None,
        plan0.succession_levers,
        assumptions=scenario.succession_assumptions,
        years=horizon,
        runs=runs,
        seed=succession_seed,
        rules=rules,
        prepared=plan0.succession_layout,
    )
    _overlay(cube, {k: v for k, v in suc.items() if k in FIGURES}, suc_communities, plan0.communities)
    if not len(cov_years) == len(suc_years) == len(plan0.years):
        raise ValueError("the engines projected different numbers of years")
    return cube


def varying(cube: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The figures of ``cube`` that differ between runs (not views repeated over runs)."""
    return {name: values for name, values in cube.items() if values.strides[0] != 0}


def _overlay(cube: dict, figures: dict[str, np.ndarray], order: np.ndarray, communities: np.ndarray) -> None:
    """Write engine figures (in their community ``order``) into ``cube`` (in ``communities`` order)."""
    position = pd.Index(order).get_indexer(communities)
    if (position < 0).any():
        raise ValueError("an engine returned a different set of communities than the ledger")
    for name, values in figures.items():
        cube[name] = np.asarray(values, dtype=float)[:, :, position]
