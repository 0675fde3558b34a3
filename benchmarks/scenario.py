"""Scenario runner timings: the three engines coupled, on the sample street, a city and Dask.

Run ``python benchmarks/scenario.py [street] [city] [dask]`` (default: all three; ``--city-runs N``
runs the city with fewer runs and prints the time scaled to 200, labelled as extrapolated).
Targets: street (10 years × 200 runs) ≤ 0.5 s; city (1,000 communities, 20 years × 200 runs)
≤ 60 s and ≤ 4 GB (sampled over this process and its workers together); a Dask LocalCluster of
2 workers ≥ 1.7 × as fast as 1 worker on a district (120 communities). Each part ends with a
verdict line per target. Wall-clock seconds; CPU seconds of this process beside them where it
matters (the machine may be shared).
"""

from __future__ import annotations

import contextlib
import resource
import statistics
import sys
import threading
import time

import psutil

from workbench import PlanningError, parallel, projection
from workbench.costs import make_funds
from workbench.engines import coverage, succession
from workbench.engines.allocation import optimise
from workbench.rubric import load_rubric
from workbench.runner import run
from workbench.scenario import load_scenario
from workbench.synth import sample_ledger, synthetic_ledger

RUNS = 200
STREET_TARGET = 0.5  # seconds for the sample street, 10 years × RUNS runs
CITY_SECONDS, CITY_GB = 60.0, 4.0  # a city of 1,000 communities, 20 years × RUNS runs
DASK_SPEEDUP = 1.7  # 2 Dask workers against 1


def _timed(label: str, function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = function(*args, **kwargs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<58} {wall:7.2f} s  (cpu {cpu:6.2f} s)", flush=True)
    return out, wall


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


class TreeMemory:
    """The peak memory of this process and all its children together (proportional set size:
    pages a forked worker shares with this process count once), sampled every ``interval``
    seconds on a thread while the ``with`` block runs (``peak_gb`` afterwards)."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval, self.peak_gb = interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self.interval):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a child that just ended
                    total += process.memory_full_info().pss  # shared pages counted once
            self.peak_gb = max(self.peak_gb, total / 1024**3)


def street() -> None:
    ledger, rubric = sample_ledger(), load_rubric("seed_2003")
    print("— sample street (6 communities), 10 years ×", RUNS, "runs —")
    cold, warm = {}, {}
    for name in ("as_is", "remedies", "ambitious"):
        scenario = load_scenario(name)
        exact, _ = _timed(f"{name}: plan, exact gap (before)", _plan, ledger, scenario, rubric, gap=None)
        fast, _ = _timed(f"{name}: plan, {projection.PLAN_GAP:.0%} gap (after)", _plan, ledger, scenario, rubric,
                         gap=projection.PLAN_GAP)  # fmt: skip
        print(f"{'':<58} objective {exact.objective_value:.0f} → {fast.objective_value:.0f}")
        times = []
        for attempt in range(1, 4):
            projection.forget()
            times.append(_timed(f"{name}: run, cold (plan solved), {attempt} of 3", run, scenario, ledger=ledger,
                                runs=RUNS, seed=1, progress=False)[1])  # fmt: skip
        cold[name] = statistics.median(times)
        result, warm[name] = _timed(f"{name}: run, warm (plan remembered)", run, scenario, ledger=ledger,
                                    runs=RUNS, seed=1, progress=False)  # fmt: skip
        _timed(f"{name}: when_met + probability_met", lambda r: (r.when_met(), r.probability_met()), result)
    scenario = load_scenario("remedies")
    _timed("remedies: coverage engine alone", coverage.trajectories, ledger, scenario.coverage, years=10,
           runs=RUNS, seed=1)  # fmt: skip
    _timed("remedies: succession engine alone", succession.trajectories, ledger, scenario.succession, years=10,
           runs=RUNS, seed=1)  # fmt: skip
    for label, times in (("warm (plan remembered)", warm), ("cold (plan solved first), median of 3", cold)):
        missed = [name for name, t in times.items() if t > STREET_TARGET]
        _verdict(f"≤ {STREET_TARGET} s, {label}", ", ".join(f"{n} {t:.2f} s" for n, t in times.items()),
                 f"MISSED by {', '.join(missed)}" if missed else "met")  # fmt: skip


def _verdict(target: str, measured: str, outcome: str | bool) -> None:
    outcome = {True: "met", False: "MISSED"}.get(outcome, outcome)
    print(f"target {target}: {measured} → {outcome}")


def _plan(ledger, scenario, rubric, *, gap):
    levers = scenario.allocation
    grants = [{"id": "higher", "amount": levers.grant}] if levers.grant else []
    funds = make_funds(ledger, budget=levers.budget, years=scenario.horizon, cobuilding=levers.cobuilding,
                       grants=grants, carry_over=levers.carry_over)  # fmt: skip
    return optimise(ledger, rubric, levers.catalogue, funds, years=scenario.horizon, mip_rel_gap=gap)


def city(runs: int) -> None:
    print("— city (synthetic, 1,000 communities), 20 years —")
    ledger, _ = _timed("synthetic ledger", synthetic_ledger, 1000, seed=0)
    print(f"{'':<58} {len(ledger.units):,} units, {len(ledger.members):,} members")
    scenario = load_scenario("remedies").with_changes(horizon=20)
    rubric = load_rubric(scenario.rubric)
    try:
        with TreeMemory() as memory:
            plan, planning = _timed(
                "plan with the remedies' money", projection.allocation_plan, ledger, scenario, rubric
            )
        peak = memory.peak_gb
        print(f"{'':<58} peak memory while planning: {peak:.2f} GB")
        print(
            f"{'':<58} {plan.method}, status {plan.status}, gap {plan.gap:.2%}, {len(plan.table):,} purchase rows"
        )
    except PlanningError as error:
        print(f"{'':<58} NO PLAN: {error}")
        scenario = scenario.with_changes(**{"allocation.budget": 0.0, "allocation.cobuilding": False})
        planning = _timed("plan without money instead (model built, nothing bought)", projection.allocation_plan,
                          ledger, scenario, rubric)[1]  # fmt: skip
        peak = 0.0
    with TreeMemory() as memory:
        result, wall = _timed(f"run (plan remembered), {runs} runs", run, scenario, ledger=ledger, runs=runs,
                              seed=1, progress=False)  # fmt: skip
    print(
        f"{'':<58} peak memory while running, this process and its workers together: {memory.peak_gb:.2f} GB"
    )
    peak = max(peak, memory.peak_gb)
    if runs != RUNS:
        print(f"{'':<58} EXTRAPOLATED to {RUNS} runs: {wall * RUNS / runs:.0f} s (× {RUNS / runs:.1f})")
    scoring = _timed("when_met", result.when_met)[1]
    total = planning + wall * RUNS / runs + scoring
    _verdict(f"≤ {CITY_SECONDS:g} s and ≤ {CITY_GB:g} GB, city 20 years × {RUNS} runs",
             f"plan {planning:.1f} + run {wall * RUNS / runs:.1f} + when_met {scoring:.1f} = {total:.1f} s"
             f"{' (extrapolated)' if runs != RUNS else ''}, peak {peak:.2f} GB",
             total <= CITY_SECONDS and peak <= CITY_GB)  # fmt: skip
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    print(
        f"{'':<58} peak memory (whole benchmark): this process {_peak_gb():.2f} GB, largest worker {worker:.2f} GB"
    )
    one = parallel.CHUNK_RUNS
    _timed(f"coverage engine alone, {one} runs", coverage.trajectories, ledger, scenario.coverage, years=20,
           runs=one, seed=1)  # fmt: skip
    _timed(f"succession engine alone, {one} runs", succession.trajectories, ledger, scenario.succession, years=20,
           runs=one, seed=1)  # fmt: skip


def dask(repeats: int = 3) -> None:
    print("— Dask LocalCluster, district (120 communities), 10 years ×", RUNS, "runs, best of", repeats, "—")
    ledger = synthetic_ledger(120, seed=0)
    print(f"{'':<58} {len(ledger.units):,} units, {len(ledger.members):,} members")
    scenario = load_scenario("remedies")
    projection.allocation_plan(ledger, scenario, load_rubric(scenario.rubric))  # the plan is not parallel
    best = {}
    for workers in (1, 2):
        with parallel.dask_client(workers=workers) as client:
            client.wait_for_workers(workers)
            warm = workers * parallel.CHUNK_RUNS  # every worker imports the package once
            run(scenario, ledger=ledger, runs=warm, seed=0, executor=client, progress=False)
            best[workers] = min(
                _timed(f"{workers} worker(s)", run, scenario, ledger=ledger, runs=RUNS, seed=1, executor=client,
                       progress=False)[1]
                for _ in range(repeats)
            )  # fmt: skip
    speedup = best[1] / best[2]
    print(f"{'':<58} speed-up 2 vs 1 worker: {speedup:.2f} ×")
    _verdict(f"≥ {DASK_SPEEDUP} × with 2 Dask workers against 1", f"{speedup:.2f} ×", speedup >= DASK_SPEEDUP)


def main(argv: list[str]) -> int:
    wanted = [a for a in argv if not a.startswith("-") and not a.isdigit()] or ["street", "city", "dask"]
    city_runs = int(argv[argv.index("--city-runs") + 1]) if "--city-runs" in argv else RUNS
    run(load_scenario("remedies").with_changes(horizon=1), runs=2, progress=False)  # warm up imports
    if "street" in wanted:
        street()
    if "dask" in wanted:
        dask()
    if "city" in wanted:
        city(city_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
