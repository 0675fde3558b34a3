"""Coverage engine timings: the sample street and a synthetic city.

Run ``python benchmarks/coverage.py`` (add ``--street`` for the street only). Targets: street
(10 years × 200 runs) ≤ 0.3 s; city (1,000 communities, ~50,000 units, 20 years × 200 runs)
≤ 30 s and ≤ 3 GB; grouping a city's units without organisation ≤ 10 s.

The projection (arrays, :func:`~workbench.engines.coverage.trajectories`) is timed apart from
turning it into the long results table, since a scenario run keeps the arrays. Each line shows
wall-clock and processor seconds (they differ when the machine is shared) and the process's
peak resident memory so far.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from workbench.engines import coverage, grouping
from workbench.synth import sample_ledger, synthetic_ledger


def _timed(label: str, function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = function(*args, **kwargs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<44} {wall:7.2f} s  (cpu {cpu:6.2f} s, peak {_peak_gb():.2f} GB)")
    return out


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _projection(name: str, ledger, *, years: int, runs: int) -> None:
    projection = _timed(
        f"{name}: {years} years × {runs} runs (arrays)",
        coverage.trajectories,
        ledger,
        years=years,
        runs=runs,
        seed=0,
    )
    size = sum(v.nbytes for part in projection[0] for v in part.values()) / 1024**2
    print(f"{'':<44} arrays {size:,.0f} MB")
    table = _timed(f"{name}: long results table", coverage.table, *projection)
    print(f"{'':<44} {len(table):,} rows, {table.memory_usage(deep=True).sum() / 1024**3:.2f} GB")
    npe = projection[0].street["npe_org_coverage"][:, -1]
    print(f"{'':<44} NPE coverage in the last year: median {np.median(npe):.1%}")


def main(argv: list[str]) -> int:
    street = sample_ledger()
    coverage.simulate(street, years=1, runs=2)  # warm up imports
    _projection("street", street, years=10, runs=200)
    proposal = _timed("street: exact joint-branch proposal", grouping.propose, street)
    print(f"{'':<44} {proposal.groups} groups cover {proposal.covered}/{proposal.upper_bound} (exact)")
    if "--street" in argv:
        return 0
    city = _timed("city: synthetic ledger (1,000 communities)", synthetic_ledger, 1000, seed=0)
    print(f"{'':<44} {len(city.units):,} units, {len(city.members):,} members")
    proposal = _timed("city: joint-branch proposal", grouping.propose, city)
    print(
        f"{'':<44} {len(proposal.assignment):,} candidates, {proposal.groups:,} groups cover "
        f"{proposal.covered:,} (ceiling {proposal.upper_bound:,}, gap {proposal.gap:.2%})"
    )
    _projection("city", city, years=20, runs=200)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
