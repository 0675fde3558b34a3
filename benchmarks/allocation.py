"""Allocation benchmark: solve times on the sample street and at city scale, and the indicators
the optimum meets against the baselines at three budgets.

Run with ``python benchmarks/allocation.py`` (add ``--skip-city`` for the street part only).
Targets: sample street ≤ 0.5 s; 1,000 communities × 14 items × 5 years to a gap ≤ 1 % in ≤ 10 s of
solver time; at a tight budget, ≥ 20 % more indicator gaps closed than the proportional split.
"""

from __future__ import annotations

import sys
import time

from workbench.engines.allocation import check_plan, setup, solve
from workbench.engines.baselines import METHODS, baseline
from workbench.synth import sample_ledger, synthetic_ledger

BUDGETS = (3_000, 8_000, 20_000)  # street yuan a year


def street() -> None:
    ledger = sample_ledger()
    prob = setup(ledger, funds=BUDGETS[0])
    solve(prob)  # warm up
    started = time.perf_counter()
    plan = solve(prob)
    print(f"sample street: solve {time.perf_counter() - started:.3f} s ({plan.status}, gap {plan.gap:.2%})")
    today = plan.summary["indicators_met"].iloc[0]
    print(f"indicators met today: {today} of {len(prob.communities) * len(prob.rubric.indicators)}")
    print(
        f"{'budget/yr':>10} {'optimum':>8} "
        + " ".join(f"{m:>11}" for m in METHODS)
        + "  gaps closed vs households"
    )
    for budget in BUDGETS:
        prob = setup(ledger, funds=budget)
        ours = solve(prob)
        check_plan(prob, ours.table)
        others = {m: baseline(prob, m) for m in METHODS}
        for other in others.values():
            check_plan(prob, other.table)
        closed = ours.indicators_met - today
        base = others["households"].indicators_met - today
        more = f"{closed} vs {base} ({(closed - base) / base:+.0%})" if base else f"{closed} vs 0"
        cells = " ".join(f"{others[m].indicators_met:>11}" for m in METHODS)
        print(f"{budget:>10,} {ours.indicators_met:>8} {cells}  {more}")


def city(communities: int = 1000) -> None:
    started = time.perf_counter()
    ledger = synthetic_ledger(communities)
    print(f"city: {communities} communities generated in {time.perf_counter() - started:.1f} s")
    prob = setup(ledger, funds=1_500 * communities)
    for tie_breaks in (False, True):
        plan = solve(prob, time_limit=10.0, mip_rel_gap=0.01, tie_breaks=tie_breaks)
        check_plan(prob, plan.table)
        print(
            f"city ({len(prob.catalogue.items)} items × {len(prob.years)} years, tie-breaks {tie_breaks}): "
            f"{plan.solve_seconds:.1f} s build+solve+decode, status {plan.status}, gap {plan.gap:.2%}, "
            f"{plan.indicators_met} indicators met"
        )


if __name__ == "__main__":
    street()
    if "--skip-city" not in sys.argv:
        city()
