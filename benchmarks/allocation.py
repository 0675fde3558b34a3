"""Allocation benchmark: solve times on the sample street and at city scale, and what the optimum
meets against the baselines at three budgets.

Run with ``python benchmarks/allocation.py`` (add ``--skip-city`` for the street part only).
The objective counts the rubric-weighted indicators met in every plan year (indicator-years).
Targets: sample street ≤ 0.5 s; the city's 10-year scenario plan (1,000 communities × 14 items)
within the scenario's time limit a stage, never worse than the greedy plan (≈ 1 s); at a tight
budget, ≥ 20 % more indicator-years gained than the proportional split.
"""

from __future__ import annotations

import sys
import time

from workbench.engines.allocation import check_plan, setup, solve
from workbench.engines.baselines import METHODS, baseline
from workbench.projection import PLAN_GAP, PLAN_TIME_LIMIT
from workbench.synth import sample_ledger, synthetic_ledger

BUDGETS = (3_000, 8_000, 20_000)  # street yuan a year


def street() -> None:
    ledger = sample_ledger()
    prob = setup(ledger, funds=BUDGETS[0])
    solve(prob)  # warm up
    times = []
    for _ in range(3):
        plan = solve(prob)
        times.append(plan.solve_seconds)
    print(f"sample street: solve {min(times):.3f} s best of 3 ({plan.status}, gap {plan.gap:.2%})")
    years = len(prob.years)
    today = plan.summary["weighted_met"].iloc[0] * years  # nothing bought: today's figures every year
    print(f"weighted indicators met today: {today / years:g} a year, {today:g} over {years} years")
    print("indicator-years gained over today (last-year indicators met in brackets)")
    print(f"{'budget/yr':>10} {'optimum':>12} " + " ".join(f"{m:>12}" for m in METHODS) + "  vs households")
    for budget in BUDGETS:
        prob = setup(ledger, funds=budget)
        ours = solve(prob)
        check_plan(prob, ours.table)
        others = {m: baseline(prob, m) for m in METHODS}
        for other in others.values():
            check_plan(prob, other.table)

        def cell(plan):
            return f"{plan.objective_value - today:>6g} ({plan.indicators_met})"

        gained, base = ours.objective_value - today, others["households"].objective_value - today
        more = f"{(gained - base) / base:+.0%}" if base else "n/a"
        print(
            f"{budget:>10,} {cell(ours):>12} "
            + " ".join(f"{cell(others[m]):>12}" for m in METHODS)
            + f"  {more}"
        )


def city(communities: int = 1000, years: int = 10) -> None:
    """The scenario's plan at city scale (as :func:`workbench.projection.allocation_plan` solves it)
    beside the greedy baseline, then the same solve cut short to show the greedy fallback."""
    started = time.perf_counter()
    ledger = synthetic_ledger(communities)
    print(f"city: {communities} communities generated in {time.perf_counter() - started:.1f} s")
    prob = setup(ledger, funds=1_500 * communities, years=years)
    started = time.perf_counter()
    greedy = baseline(prob, "greedy")
    check_plan(prob, greedy.table)
    print(
        f"city greedy ({len(prob.catalogue.items)} items × {years} years): {time.perf_counter() - started:.1f} s, "
        f"{greedy.indicators_met} indicators met in the last year, {greedy.objective_value:g} indicator-years"
    )
    for time_limit in (PLAN_TIME_LIMIT, 1.0):
        plan = solve(prob, time_limit=time_limit, mip_rel_gap=PLAN_GAP, tie_breaks=False)
        check_plan(prob, plan.table)
        print(
            f"city plan (time limit {time_limit:g} s a stage, no tie-breaks): {plan.solve_seconds:.1f} s "
            f"build+solve+decode, {plan.method} {plan.status}, gap {plan.gap:.2%}, "
            f"{plan.indicators_met} indicators met in the last year ({plan.indicators_met - greedy.indicators_met:+d} "
            f"vs greedy), {plan.objective_value:g} indicator-years ({plan.objective_value - greedy.objective_value:+g})"
        )


if __name__ == "__main__":
    street()
    if "--skip-city" not in sys.argv:
        city()
