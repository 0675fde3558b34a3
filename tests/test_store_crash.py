"""Crash safety of the scenario store: a process saving runs is killed with SIGKILL at random moments,
many times over; after each kill every run it reported saved must load intact and nothing half
written may appear.

20 kills by default; ``WORKBENCH_LONG=1`` makes it 100. Every fourth save or so carries a
720,000-row table, whose transaction is long enough for many kills to land inside it: the tally
counts the kills that left an unfinished transaction in the write-ahead log.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from store_worker import check

from workbench.store import ScenarioStore

WORKER = Path(__file__).with_name("store_worker.py")
KILLS = 100 if os.environ.get("WORKBENCH_LONG") == "1" else 20
MAX_DELAY_S = 1.2  # a kill lands at most this long after the worker has opened the store …
AIMED_DELAY_S = 0.03  # … or, for every other kill, after a big run's transaction has begun
BIG_EVERY = 4
KEEP_BIG = 2  # big runs older than the newest few are deleted between kills, keeping the file small


def _uncommitted_frames(wal: Path) -> int:
    """Pages of the current write-ahead log written after its last commit: a transaction that was
    under way when the process died (SQLite's recovery ignores them)."""
    if not wal.exists() or wal.stat().st_size < 32:
        return 0
    data = wal.read_bytes()
    page_size, salts = struct.unpack(">I", data[8:12])[0], data[16:24]
    frame, offset, after_commit = 24 + page_size, 32, 0
    while offset + frame <= len(data) and data[offset + 8 : offset + 16] == salts:
        committed = struct.unpack(">I", data[offset + 4 : offset + 8])[0] != 0
        after_commit = 0 if committed else after_commit + 1
        offset += frame
    return after_commit


class Kill(NamedTuple):
    """What a killed worker had said: the runs it reported saved, the run it was saving when it
    died (if any), and whether it had announced that run's open transaction."""

    saved: list[str]
    in_flight: str | None
    in_transaction: bool


def _kill_once(path: Path, prefix: str, *, delay: float, aimed: bool) -> Kill:
    """Start a saving worker and SIGKILL it ``delay`` seconds after it is ready or, when ``aimed``,
    after it announces the open transaction of a big run."""
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), "save", str(path), prefix, "1000", "--big-every", str(BIG_EVERY)]
        + ["--announce"] * aimed,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    cue = re.compile(r"writing \S+-big\n" if aimed else r"ready\n")
    said = []
    while not said or not cue.fullmatch(said[-1]):
        said.append(worker.stdout.readline())
        assert said[-1], "".join(said) + worker.stderr.read()  # the worker ended early
    time.sleep(delay)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    out, err = "".join(said) + worker.stdout.read(), worker.stderr.read()  # all it said before dying
    worker.stdout.close()
    worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL, out + err
    assert "error" not in out, out + err
    saved, in_flight, writing = [], None, None
    for line in out.splitlines():
        word, _, name = line.partition(" ")
        if word == "begin":
            in_flight = name
        elif word == "writing":
            writing = name
        elif word == "saved":
            assert name == in_flight
            saved.append(name)
            in_flight = None
    return Kill(saved, in_flight, in_transaction=in_flight is not None and writing == in_flight)


def test_killed_saves_leave_the_store_whole(tmp_path: Path) -> None:
    rng = random.Random(20031)
    path = tmp_path / "crash.sqlite"
    ScenarioStore(path).close()
    reported: set[str] = set()  # every name a worker said it saved (and the test did not delete)
    verified: set[str] = set()
    tally: Counter[str] = Counter()
    start = time.monotonic()
    for number in range(KILLS):
        aimed = number % 2 == 1
        delay = rng.uniform(0, AIMED_DELAY_S if aimed else MAX_DELAY_S)
        kill = _kill_once(path, f"k{number:03d}", delay=delay, aimed=aimed)
        reported.update(kill.saved)
        pages_in_log = _uncommitted_frames(path.with_name(path.name + "-wal"))

        with ScenarioStore(path, lang="en") as store:  # opening recovers the log
            names = set(store.names())
            assert reported <= names, f"kill {number}: lost {reported - names}"
            assert names <= reported | {kill.in_flight}, f"kill {number}: unexpected {names - reported}"
            committed = kill.in_flight in names  # committed, killed before it could say so
            if committed:
                reported.add(kill.in_flight)
            for name in sorted(names - verified):
                check(store.load(name))
                verified.add(name)
            with sqlite3.connect(path) as conn:
                assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
            conn.close()
            for name in sorted(n for n in names if n.endswith("-big"))[:-KEEP_BIG]:
                store.delete(name)
                reported.discard(name)

        tally["kills"] += 1
        tally["inside save"] += kill.in_flight is not None
        tally["inside save of a 720,000-row run"] += kill.in_flight is not None and kill.in_flight.endswith(
            "-big"
        )
        tally["inside the transaction, rolled back"] += kill.in_transaction and not committed
        tally["… with its pages already in the log"] += (
            kill.in_transaction and not committed and pages_in_log > 0
        )
        tally["committed, not yet reported"] += committed

    with ScenarioStore(path) as store:  # at the end, everything still there is checked again
        names = set(store.names())
        assert names == reported
        for name in names:
            check(store.load(name))
    tally["runs verified after their kill"] = len(verified)
    tally["runs re-verified at the end"] = len(names)
    print(
        f"\ncrash test, {time.monotonic() - start:.0f} s:",
        ", ".join(f"{key} {n}" for key, n in tally.items()),
    )
    assert tally["inside the transaction, rolled back"] > 0
