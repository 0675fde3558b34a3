"""Fuzzing the importer: cell-level mutations of the sample workbook never crash it.

Each example loads the bundled sample workbook with openpyxl, applies one to six mutations
(random values of random types in random cells, deleted or inserted rows and columns, swapped
headers, emptied, renamed, hidden or deleted sheets), saves it, and imports it: the import must
accept it or reject it with a clear error (every problem names a sheet and says what is wrong),
within 10 s, without changing the file. The examples are fixed (derandomised) in the default run;
``WORKBENCH_LONG=1`` runs ten times as many, drawn afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
from collections import Counter
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_ledgers import gen

from workbench.paths import SAMPLE_LEDGER
from workbench.schema import SHEETS

LONG = os.environ.get("WORKBENCH_LONG") == "1"
EXAMPLES = 400 if LONG else 40
SAMPLE = SAMPLE_LEDGER.read_bytes()
TITLES = openpyxl.load_workbook(io.BytesIO(SAMPLE), read_only=True).sheetnames
WIDEST = max(len(sheet.columns) for sheet in SHEETS.values())

WORDS = [
    "#REF!",
    "#DIV/0!",
    "#N/A",
    "=1+1",
    "=A1*2",
    "四十",
    "40岁",
    "４０",
    "1,200",
    "是",
    "否",
    "也许",
    "P99",
    "M001",
    "C01;C99",
    "正式党员",
    "branch",
    "2003-13-45",
    "2003年5月1日",
    "黨員",
]
words = st.sampled_from([*WORDS, "", "  "])
values = st.one_of(
    st.none(),
    words,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(2300, 1, 1)),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
)
sheets = st.sampled_from(TITLES)
rows = st.integers(min_value=1, max_value=40)
columns = st.integers(min_value=1, max_value=WIDEST + 1)
mutations = st.one_of(
    st.tuples(st.just("set"), sheets, rows, columns, values),
    st.tuples(st.just("delete_rows"), sheets, rows, st.integers(1, 5)),
    st.tuples(st.just("insert_rows"), sheets, rows, st.integers(1, 3)),
    st.tuples(st.just("delete_cols"), sheets, columns, st.integers(1, 3)),
    st.tuples(st.just("swap_headers"), sheets, columns, columns),
    st.tuples(st.just("empty"), sheets),
    st.tuples(st.just("hide"), sheets),
    st.tuples(st.just("delete_sheet"), sheets),
    st.tuples(
        st.just("rename"), sheets, st.sampled_from(["黨員", "Members", "members", "Sheet1", "社區", "x"])
    ),
)


def mutate(book: openpyxl.Workbook, mutation: tuple) -> None:
    """Apply one mutation (see :data:`mutations`); a sheet already deleted is left alone."""
    kind, title, *args = mutation
    if title not in book.sheetnames:
        return
    sheet = book[title]
    if kind == "set":
        row, column, value = args
        sheet.cell(row, column).value = value
    elif kind == "delete_rows":
        sheet.delete_rows(*args)
    elif kind == "insert_rows":
        sheet.insert_rows(*args)
    elif kind == "delete_cols":
        sheet.delete_cols(*args)
    elif kind == "swap_headers":
        a, b = (sheet.cell(1, column) for column in args)
        a.value, b.value = b.value, a.value
    elif kind == "empty":
        sheet.delete_rows(1, sheet.max_row)
    elif kind == "hide":
        if len(book.sheetnames) - sum(s.sheet_state != "visible" for s in book.worksheets) > 1:
            sheet.sheet_state = "hidden"  # Excel keeps at least one sheet visible
    elif kind == "delete_sheet":
        if len(book.sheetnames) > 1:
            del book[title]
    elif kind == "rename":
        sheet.title = args[0]


def test_mutated_sample_workbooks_are_accepted_or_rejected_clearly(capsys):
    tally: Counter[str] = Counter()
    seconds: list[float] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not LONG,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(mutations, min_size=1, max_size=6))
    def check(changes):
        book = openpyxl.load_workbook(io.BytesIO(SAMPLE))
        for change in changes:
            mutate(book, change)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "mutated.xlsx"
            book.save(path)
            before = hashlib.sha256(path.read_bytes()).hexdigest()
            outcome = gen.classify(path)
            assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        tally[outcome.kind] += 1
        seconds.append(outcome.seconds)
        assert outcome.kind in ("accepted", "rejected"), f"{changes}\n{outcome.detail}"
        assert outcome.seconds < 10

    check()
    with capsys.disabled():
        print(
            f"\nledger fuzz: {sum(tally.values())} mutated workbooks — accepted {tally['accepted']}, "
            f"rejected with a clear error {tally['rejected']}, crashed {tally['crashed']}, "
            f"unclear {tally['unclear']}; slowest import {max(seconds):.2f} s"
        )
    assert tally["crashed"] == tally["unclear"] == 0
    assert tally["accepted"] + tally["rejected"] >= EXAMPLES
    assert tally["rejected"] > 0  # the mutations do break ledgers


def test_the_mutations_change_the_workbook():
    book = openpyxl.load_workbook(io.BytesIO(SAMPLE))
    members = SHEETS["members"].zh
    mutate(book, ("set", members, 2, 5, "四十"))
    mutate(book, ("swap_headers", members, 1, 2))
    mutate(book, ("delete_sheet", SHEETS["street"].zh))
    assert book[members].cell(2, 5).value == "四十"
    assert [book[members].cell(1, j).value for j in (1, 2)] == ["姓名", "党员编号"]
    assert SHEETS["street"].zh not in book.sheetnames
