"""The bad-input corpus: every malformed or hostile ledger is accepted or rejected clearly.

The corpus is made at test time by ``tools/make_bad_ledgers.py`` into a temporary folder (nothing
binary is kept in the repository). Each file is imported in a child process under an address-space
limit, with its time and peak memory measured; the source bytes must not change. The huge sheet
has 20,000 member rows by default and 200,000 with ``WORKBENCH_LONG=1``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from workbench import LedgerError
from workbench.ledger_io import read_ledger

GENERATOR = Path(__file__).resolve().parents[1] / "tools" / "make_bad_ledgers.py"
LONG = os.environ.get("WORKBENCH_LONG") == "1"
HUGE_ROWS = 200_000 if LONG else 20_000
ADDRESS_LIMIT = 4 * 2**30  # the child's virtual memory cap: a runaway allocation fails, not the machine
SECONDS = {"huge": 60.0, "other": 10.0}
PEAK_MIB = {"huge": 2048, "other": 1024}


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_bad_ledgers", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
CASES = gen.cases(huge_rows=HUGE_ROWS)
HUGE = f"huge_{HUGE_ROWS}.xlsx"


def _digest(path: Path) -> str:
    """SHA-256 over a file, or over a folder's file names and bytes."""
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
        digest.update(str(file.relative_to(path.parent)).encode())
        if file.is_file():
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))


def _check(paths: list[Path], timeout: float) -> dict[str, dict]:
    """Import ``paths`` one after another in a child process; its records by file name.

    A child that outlives ``timeout`` is killed; the paths it did not report are missing.
    """
    command = [sys.executable, str(GENERATOR), "check", *map(str, paths)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory, check=False
        )
        output = done.stdout
    except subprocess.TimeoutExpired as expired:
        output = (
            (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) else expired.stdout or ""
        )
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return {Path(r["path"]).name: r for r in records}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every case made, imported and hashed before and after.

    ``{name: (case, record, before, after, path)}``; ``record`` is None when the child gave none.
    """
    folder = tmp_path_factory.mktemp("bad_ledgers")
    paths = {case.name: gen.make(case, folder) for case in CASES}
    before = {name: _digest(path) for name, path in paths.items()}
    others = [path for name, path in paths.items() if name != HUGE]
    records = _check(others, timeout=SECONDS["other"] * len(others))
    records |= _check([paths[HUGE]], timeout=2 * SECONDS["huge"])
    return {
        case.name: (
            case,
            records.get(case.name),
            before[case.name],
            _digest(paths[case.name]),
            paths[case.name],
        )
        for case in CASES
    }


def test_the_corpus_covers_every_kind_of_bad_input():
    names = {case.name for case in CASES}
    assert len(CASES) >= 50 and len(names) == len(CASES)
    for wanted in ("empty.xlsx", "encrypted.xlsx", "legacy.xls", "inflated.xlsx", "entity_bomb.xlsx", HUGE):
        assert wanted in names
    expected = Counter(case.expect for case in CASES)
    assert expected["accept"] >= 15 and expected["reject"] >= 35
    assert sum(not name.endswith((".xlsx", ".xls", ".txt")) for name in names) >= 10  # CSV folders


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_each_bad_input_is_accepted_or_rejected_clearly(corpus, name):
    case, record, before, after, _ = corpus[name]
    assert record is not None, f"{name}: no answer within the time limit (a hang?)"
    assert record["kind"] == {"accept": "accepted", "reject": "rejected"}[case.expect], record["detail"]
    errors = [p for p in record["problems"] if p[3] == "error"]
    if case.where is not None:
        assert list(case.where) in [p[:3] for p in errors], errors[:5]
    if case.says:
        assert any(case.says in p[4] for p in errors), errors[:5]
    assert record["seconds"] < SECONDS["huge" if name == HUGE else "other"]
    assert after == before, "reading changed the source"


def test_bombs_are_refused_before_anything_is_inflated(corpus):
    for name in ("inflated.xlsx", "dense.xlsx", "entity_bomb.xlsx"):
        assert corpus[name][1]["seconds"] < 0.5


def test_the_huge_sheet_stays_within_time_and_memory(corpus):
    record = corpus[HUGE][1]
    assert record["kind"] == "accepted"
    assert record["seconds"] < SECONDS["huge"] and record["peak_mib"] < PEAK_MIB["huge"]


def test_tally_accepted_rejected_crashed(corpus, capsys):
    records = [entry[1] for entry in corpus.values()]
    tally = Counter(record["kind"] if record else "hung" for record in records)
    others = [r for r in records if r and not r["path"].endswith(HUGE)]
    with capsys.disabled():
        print(
            f"\nbad-ledger corpus: {len(records)} inputs — accepted {tally['accepted']}, "
            f"rejected with a clear error {tally['rejected']}, crashed {tally['crashed']}, "
            f"unclear {tally['unclear']}, hung {tally['hung']}; slowest other "
            f"{max(r['seconds'] for r in others):.2f} s, peak {max(r['peak_mib'] for r in others):.0f} MiB; "
            f"{HUGE}: {corpus[HUGE][1]['seconds']:.1f} s, {corpus[HUGE][1]['peak_mib']:.0f} MiB"
        )
    assert tally["crashed"] == tally["unclear"] == tally["hung"] == 0
    assert max(r["peak_mib"] for r in others) < PEAK_MIB["other"]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("encrypted.xlsx", "password"),
        ("legacy.xls", "save it as .xlsx"),
        ("inflated.xlsx", "would inflate"),
        ("empty.xlsx", "empty"),
        ("pdf_renamed.xlsx", "not an Excel workbook"),
    ],
)
def test_file_level_refusals_speak_english_too(corpus, name, words):
    path = corpus[name][4]
    with pytest.raises(LedgerError, match=words) as raised:
        read_ledger(path, lang="en")
    assert [(p.sheet, p.row, p.column) for p in raised.value.problems] == [(name, None, None)]
