"""Succession engine timings: the sample street and a synthetic city.

Run ``python benchmarks/succession.py`` (add ``--street`` for the street only). Targets: street
(10 years × 200 runs) ≤ 0.3 s; city (1,000 communities, ~300,000 members, 20 years × 200 runs)
≤ 40 s and ≤ 4 GB. Times are wall-clock and CPU (the CPU time is steadier on a shared machine).
"""

from __future__ import annotations

import resource
import sys
import time

from workbench.engines import succession
from workbench.synth import sample_ledger, synthetic_ledger


def _timed(label: str, function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = function(*args, **kwargs)
    print(f"{label:<46} {time.perf_counter() - wall:7.2f} s  (cpu {time.process_time() - cpu:.2f} s)")
    return out


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main(argv: list[str]) -> int:
    street = sample_ledger()
    succession.simulate(street, years=1, runs=2)  # warm up imports
    table = _timed(
        "street: 10 years × 200 runs (long table)", succession.simulate, street, years=10, runs=200
    )
    print(f"{'':<46} {len(table):,} rows")
    if "--street" in argv:
        return 0
    city = _timed("city: synthetic ledger (1,000 communities)", synthetic_ledger, 1000, seed=0)
    print(f"{'':<46} {len(city.party_orgs):,} organisations, {len(city.members):,} members")
    cube, years, _ = _timed(
        "city: 20 years × 200 runs (arrays)", succession.trajectories, city, years=20, runs=200, seed=0
    )
    admitted = cube["members_admitted"][:, 1:].sum(axis=(1, 2)).mean() / (len(years) - 1)
    print(f"{'':<46} {admitted:,.0f} members admitted a year (mean of runs)")
    print(f"peak memory {_peak_gb():.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
