"""Time the ledger's path at street, district and city scale, with peak memory.

    python benchmarks/ledger_scale.py [--scales 12 120 1000] [--seed 0]

For each scale: build a synthetic ledger, write it as a CSV folder, read (and validate) it back,
build the organisation graph, and run the coverage queries. Each step runs twice: once plainly for
its seconds, once under ``tracemalloc`` for the peak memory it allocates (tracing slows it down,
so its time is not reported). The last column is the process's peak resident size so far.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from workbench import graph
from workbench.ledger_io import read_ledger, write_ledger
from workbench.synth import synthetic_ledger

NAMES = {12: "street", 120: "district", 1000: "city"}


def measure(step, *args) -> tuple[float, float, object]:
    """Seconds of ``step(*args)`` untraced, and its traced peak allocation in MB."""
    start = time.perf_counter()
    result = step(*args)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    step(*args)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, result


def queries(org_graph) -> None:
    """The coverage questions a planner asks of a graph."""
    graph.coverage(org_graph)
    graph.coverage(org_graph, by=("community",))
    graph.units_without_organisation(org_graph)
    graph.joint_branch_candidates(org_graph)


def max_rss_mb() -> float:
    """Peak resident set size of this process (kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def run(communities: int, seed: int, folder: Path) -> list[tuple]:
    rows = []
    seconds, peak, ledger = measure(lambda: synthetic_ledger(communities, seed=seed))
    size = f"{len(ledger.units):,} units, {len(ledger.members):,} members"
    rows.append(("synthetic_ledger", seconds, peak, max_rss_mb()))
    out = folder / f"ledger_{communities}"
    seconds, peak, _ = measure(lambda: write_ledger(ledger, out, overwrite=True))
    rows.append(("write_ledger (CSV)", seconds, peak, max_rss_mb()))
    seconds, peak, back = measure(lambda: read_ledger(out))
    assert back.equals(ledger), "the CSV folder did not read back as the same ledger"
    rows.append(("read_ledger (CSV)", seconds, peak, max_rss_mb()))
    seconds, peak, org_graph = measure(lambda: graph.build_graph(ledger))
    rows.append(("build_graph", seconds, peak, max_rss_mb()))
    seconds, peak, _ = measure(lambda: queries(org_graph))
    rows.append(("coverage queries", seconds, peak, max_rss_mb()))
    return [(f"{NAMES.get(communities, communities)} ({communities}: {size})", *row) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[12, 120, 1000])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'scale':<48} {'step':<20} {'seconds':>8} {'peak MB':>8} {'max RSS MB':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for communities in args.scales:
            for scale, step, seconds, peak, rss in run(communities, args.seed, Path(tmp)):
                print(f"{scale:<48} {step:<20} {seconds:8.2f} {peak:8.1f} {rss:10.0f}", flush=True)


if __name__ == "__main__":
    main()
