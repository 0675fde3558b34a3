"""A scenario-store client run as a separate process by the store's concurrency and crash tests.

    python store_worker.py save STORE PREFIX COUNT   # save PREFIX-0000-small … one by one
    python store_worker.py read STORE STOPFILE       # list and load in a loop until STOPFILE exists

``save`` prints ``ready`` once the store is open, then ``begin NAME`` before and ``saved NAME`` after
each save returns (flushed at once, so a parent that kills the process knows what was committed);
with ``--announce`` also ``writing NAME`` from inside the save's transaction.
Every table is generated from its name alone (:func:`expected`), so any process can check what a
stored run must hold. Both commands print ``error …`` and exit 1 on any failure; ``read`` also checks
every run it loads. A name ends in its size: ``-small`` (144 rows), ``-medium`` (24,000 rows) or
``-big`` (720,000 rows: 200 runs × 10 years × 12 communities × 30 indicators).
"""

from __future__ import annotations

import argparse
import random
import sys
import traceback
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import store as store_module
from workbench.results import long_table
from workbench.store import ScenarioStore, StoredRun

BIG = (200, 10, 12, 30)  # runs, years, communities, indicators
SMALL = (4, 3, 4, 3)
MEDIUM = (20, 10, 12, 10)
FIRST_YEAR = 2024


def loop_name(prefix: str, number: int, *, size: str = "small", big_every: int = 0) -> str:
    """The ``number``-th name of a ``save`` loop; every ``big_every``-th (from the third) is big."""
    if big_every and number % big_every == 2:
        size = "big"
    return f"{prefix}-{number:04d}-{size}"


def _shape(name: str) -> tuple[int, int, int, int]:
    suffix = name.rsplit("-", 1)[-1]
    return {"big": BIG, "medium": MEDIUM}.get(suffix, SMALL)


def expected(name: str) -> dict:
    """What the run saved as ``name`` holds: ``table``, ``spec`` and ``tables``, from the name alone."""
    seed = zlib.crc32(name.encode())
    runs, years, communities, indicators = _shape(name)
    rng = np.random.default_rng(seed)
    figures = {f"indicator_{i:02d}": rng.normal(size=(runs, years, communities)) for i in range(indicators)}
    table = long_table(
        figures,
        years=range(FIRST_YEAR, FIRST_YEAR + years),
        communities=[f"社区{c:02d}" for c in range(communities)],
        scenario=name,
    )
    plan = pd.DataFrame(
        {"community": [f"社区{c:02d}" for c in range(communities)], "funds": rng.uniform(size=communities)}
    ).set_index("community")
    return {"table": table, "spec": {"name": name, "seed": seed}, "tables": {"plan": plan}}


def check(run: StoredRun) -> None:
    """Raise AssertionError unless ``run`` holds exactly what its name says it must."""
    want = expected(run.name)
    _same(run.table, want["table"])
    assert run.spec == want["spec"], (run.spec, want["spec"])
    assert run.tables.keys() == want["tables"].keys(), run.tables.keys()
    for key, table in want["tables"].items():
        _same(run.tables[key], table)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Exactly equal values, dtypes, labels and index (a quick check first; pandas explains a miss)."""
    quick = got.equals(want) and got.dtypes.equals(want.dtypes) and got.index.equals(want.index)
    if not (quick and got.columns.equals(want.columns)):
        pd.testing.assert_frame_equal(got, want)


def _say(*words: object) -> None:
    print(*words, flush=True)


def _announce_writes() -> None:
    """Print ``writing NAME`` from inside each save's transaction, once the run's row is in, so that
    a parent can aim its kill at an open transaction."""
    real, announced = store_module._insert_frame, set()

    def announcing(conn, scenario_id, frame_name, encoded):
        if scenario_id not in announced:
            announced.add(scenario_id)
            name = conn.execute("SELECT name FROM scenarios WHERE id = ?", (scenario_id,)).fetchone()[0]
            _say("writing", name)
        real(conn, scenario_id, frame_name, encoded)

    store_module._insert_frame = announcing


def _save_loop(args: argparse.Namespace) -> None:
    if args.announce:
        _announce_writes()
    with ScenarioStore(args.store) as store:
        _say("ready")
        for number in range(args.count):
            name = loop_name(args.prefix, number, size=args.size, big_every=args.big_every)
            want = expected(name)
            _say("begin", name)  # from here until "saved", the process is inside store.save
            store.save(name, table=want["table"], spec=want["spec"], tables=want["tables"])
            _say("saved", name)
        _say("retries", store.retries)


def _read_loop(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    reads = 0
    with ScenarioStore(args.store) as store:
        _say("ready")
        while not args.stop.exists() or reads == 0:
            listed = store.list()
            if len(listed):
                check(store.load(rng.choice(listed["name"].tolist())))
                reads += 1
        _say("reads", reads)
        _say("retries", store.retries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    saver = sub.add_parser("save")
    saver.add_argument("store", type=Path)
    saver.add_argument("prefix")
    saver.add_argument("count", type=int)
    saver.add_argument("--big-every", type=int, default=0, help="one big table every N saves (0: none)")
    saver.add_argument("--size", choices=("small", "medium", "big"), default="small")
    saver.add_argument("--announce", action="store_true", help="print 'writing NAME' inside each transaction")
    saver.set_defaults(run=_save_loop)
    reader = sub.add_parser("read")
    reader.add_argument("store", type=Path)
    reader.add_argument("stop", type=Path)
    reader.add_argument("--seed", type=int, default=0)
    reader.set_defaults(run=_read_loop)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except Exception as error:  # reported to the parent test, which fails on it
        _say("error", repr(error))
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
