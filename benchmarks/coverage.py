"""Coverage engine timings: the sample street and a synthetic city.

Run ``python benchmarks/coverage.py`` (add ``--street`` for the street only). Targets: street
(10 years × 200 runs) ≤ 0.3 s; city (1,000 communities, ~50,000 units, 20 years × 200 runs)
≤ 30 s and ≤ 3 GB; grouping a city's units without organisation ≤ 10 s.
"""

from __future__ import annotations

import resource
import sys
import time

from workbench.engines import coverage, grouping
from workbench.synth import sample_ledger, synthetic_ledger


def _timed(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    out = function(*args, **kwargs)
    print(f"{label:<44} {time.perf_counter() - start:7.2f} s")
    return out


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main(argv: list[str]) -> int:
    street = sample_ledger()
    coverage.simulate(street, years=1, runs=2)  # warm up imports
    table = _timed("street: 10 years × 200 runs", coverage.simulate, street, years=10, runs=200, seed=0)
    print(f"{'':<44} {len(table):,} rows")
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
    table = _timed("city: 20 years × 200 runs", coverage.simulate, city, years=20, runs=200, seed=0)
    print(f"{'':<44} {len(table):,} rows; peak memory {_peak_gb():.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
