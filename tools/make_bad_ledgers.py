"""Make, and check, the bad-input corpus of the ledger importer.

Usage::

    python tools/make_bad_ledgers.py make FOLDER [--huge-rows N]   # write every case into FOLDER
    python tools/make_bad_ledgers.py check PATH...                 # import each; one JSON line each

Every case is made from the bundled sample ledger (``data/sample/sample_street.xlsx``) by code —
cell edits through openpyxl, byte-level surgery on the zip, CSV text edits, hand-made OLE2 and zip
containers — never by editing a binary by hand. Each case says what the importer must do: accept
it (possibly with warnings) or reject it with a :class:`~workbench.LedgerError` whose problems
name the sheet (and, for a cell, the row and column); ``where`` gives one error it must report.

``check`` imports each path in this process and prints its outcome — ``accepted``, ``rejected``
(a clear error), ``unclear`` (an error without a sheet or message) or ``crashed`` (any other
exception) — with the seconds taken and the process's peak memory so far.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import io
import json
import random
import re
import resource
import struct
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from workbench import LedgerError
from workbench.ledger import Ledger
from workbench.ledger_io import read_ledger, write_ledger
from workbench.paths import SAMPLE_LEDGER
from workbench.schema import SHEETS

Where = tuple[str, int | None, str | None]


@dataclass(frozen=True)
class Case:
    """One bad input: its file or folder name, how to make it, and what the importer must do."""

    name: str
    expect: str  # "accept" or "reject"
    make: Callable[[Path], None]
    where: Where | None = None  # (sheet, row, column) of an error the import must report
    says: str = ""  # words the message of that error (or of the only error) must contain


@dataclass(frozen=True)
class Outcome:
    """What importing one path gave."""

    kind: str  # accepted | rejected | unclear | crashed
    problems: list[tuple[str, int | None, str | None, str, str]]  # sheet, row, column, severity, message
    seconds: float
    detail: str = ""


# --- checking -----------------------------------------------------------------------------------


def classify(path: Path, *, lang: str = "zh") -> Outcome:
    """Import ``path`` and sort the result (see the module docstring)."""
    start = time.perf_counter()
    kind, problems, detail = "accepted", [], ""
    try:
        read_ledger(path, lang=lang)
    except FileNotFoundError as error:
        kind, detail = "rejected", str(error)
    except LedgerError as error:
        problems = [(p.sheet, p.row, p.column, p.severity, p.message) for p in error.problems]
        clear = bool(problems) and all(p.sheet and p.message for p in error.problems)
        kind, detail = ("rejected" if clear else "unclear"), str(error)[:300]
    except Exception:  # the point of the corpus: any other exception is a crash to report
        kind, detail = "crashed", traceback.format_exc()
    return Outcome(kind, problems, time.perf_counter() - start, detail)


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- building blocks ----------------------------------------------------------------------------


@functools.cache
def _sample_bytes() -> bytes:
    return SAMPLE_LEDGER.read_bytes()


@functools.cache
def _sample_ledger() -> Ledger:
    return read_ledger(SAMPLE_LEDGER)


def _at(sheet: str, column: str | None, row: int | None) -> Where:
    """Where an error about ``sheet``.``column`` at Excel ``row`` is reported (Chinese names)."""
    spec = SHEETS[sheet]
    return spec.zh, row, None if column is None else spec.column(column).zh


def _cell(book, sheet: str, column: str, row: int):
    spec = SHEETS[sheet]
    return book[spec.zh].cell(row, spec.names.index(column) + 1)


def _workbook(*edits: Callable) -> Callable[[Path], None]:
    """A maker: the sample workbook with ``edits`` applied, saved by openpyxl."""

    def make(path: Path) -> None:
        book = openpyxl.load_workbook(io.BytesIO(_sample_bytes()))
        for edit in edits:
            edit(book)
        book.save(path)

    return make


def _put(sheet: str, column: str, row: int, value) -> Callable:
    def edit(book) -> None:
        _cell(book, sheet, column, row).value = value

    return edit


def _cell_case(name: str, sheet: str, column: str, row: int, value, expect: str, says: str = "") -> Case:
    where = _at(sheet, column, row) if expect == "reject" else None
    return Case(f"{name}.xlsx", expect, _workbook(_put(sheet, column, row, value)), where, says)


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data() if callable(data) else data)


def _zip(rewrite: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None):
    """A maker: the sample's zip with each member passed through ``rewrite`` (None drops it)."""

    def make(path: Path) -> None:
        with (
            zipfile.ZipFile(io.BytesIO(_sample_bytes())) as source,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                content = rewrite(info.filename, source.read(info.filename))
                if content is not None:
                    target.writestr(info.filename, content)
            for name, content in (extra or {}).items():
                target.writestr(name, content)

    return make


def _member(name: str, change: Callable[[bytes], bytes]) -> Callable[[str, bytes], bytes]:
    return lambda filename, content: change(content) if filename == name else content


def _ole(*streams: str) -> bytes:
    """A minimal OLE2 compound file whose directory names ``streams`` (all empty).

    Enough for a reader to see what Excel writes: the signature, a FAT and a directory with
    ``EncryptedInfo``/``EncryptedPackage`` (a password-protected workbook) or ``Workbook`` (.xls).
    """
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *[free] * 108)
    fat = struct.pack("<128I", fat_sector, end, *[free] * 126)

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded,
            len(encoded),
            kind,
            1,
            free,
            right,
            child,
            bytes(16),
            0,
            0,
            0,
            end,
            0,
        )

    names = list(streams)
    directory = entry("Root Entry", 5, free, 1 if names else free)
    for i, name in enumerate(names, start=1):
        directory += entry(name, 2, i + 1 if i < len(names) else free, free)
    directory += bytes(512 - len(directory) % 512) if len(directory) % 512 else b""
    return header + fat + directory


def _inflated(size: int) -> Callable[[Path], None]:
    """A maker: the sample workbook whose members sheet inflates to ``size`` bytes of zeros."""

    def make(path: Path) -> None:
        chunk = bytes(2**24)
        with (
            zipfile.ZipFile(io.BytesIO(_sample_bytes())) as source,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
        ):
            for info in source.infolist():
                if info.filename != "xl/worksheets/sheet6.xml":
                    target.writestr(info.filename, source.read(info.filename))
            with target.open("xl/worksheets/sheet6.xml", "w", force_zip64=True) as member:
                for start in range(0, size, len(chunk)):
                    member.write(chunk[: size - start])

    return make


def _huge(rows: int) -> Callable[[Path], None]:
    """A maker: the sample workbook whose members sheet has ``rows`` data rows.

    The sample's rows are repeated, each copy under a new member id, by text surgery on the
    sheet's XML (a few seconds for 200,000 rows, where writing them cell by cell takes a minute).
    """

    def grow(content: bytes) -> bytes:
        head, rest = content.decode().split("<sheetData>", 1)
        body, tail = rest.split("</sheetData>", 1)
        header, *data = re.findall(r"<row .*?</row>", body)
        templates = [_row_template(row) for row in data]
        grown = [templates[k % len(data)].format(n=k + 2, id=f"X{k:07d}") for k in range(len(data), rows)]
        return "".join([head, "<sheetData>", header, *data, *grown, "</sheetData>", tail]).encode()

    return _zip(_member("xl/worksheets/sheet6.xml", grow))


def _row_template(row: str) -> str:
    """A format string of one ``<row>``: its number becomes ``{n}`` and its first text (the id) ``{id}``."""
    row = row.replace("{", "{{").replace("}", "}}")
    row = re.sub(r'(r="[A-Z]*)\d+"', r'\1{n}"', row)
    return re.sub(r"<t>[^<]*</t>", "<t>{id}</t>", row, count=1)


def _csv(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    """A maker: the sample ledger as a CSV folder, with ``edits`` applied to the folder."""

    def make(path: Path) -> None:
        write_ledger(_sample_ledger(), path, overwrite=True)
        for edit in edits:
            edit(path)

    return make


def _csv_rewrite(name: str, change: Callable[[list[list[str]]], None]) -> Callable[[Path], None]:
    """An edit of one CSV file of the folder: ``change`` mutates its records in place."""

    def edit(folder: Path) -> None:
        file = folder / f"{name}.csv"
        records = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig"))))
        change(records)
        out = io.StringIO()
        csv.writer(out).writerows(records)
        file.write_text(out.getvalue(), encoding="utf-8-sig")

    return edit


def _csv_set(name: str, column: str, row: int, value: str) -> Callable[[Path], None]:
    def change(records: list[list[str]]) -> None:
        records[row - 1][SHEETS[name].names.index(column)] = value

    return _csv_rewrite(name, change)


# --- whole-sheet edits --------------------------------------------------------------------------

_TRADITIONAL = str.maketrans("党员编号单组织区类别历级职务联发开总", "黨員編號單組織區類別歷級職務聯發開總")


def _headers(change: Callable[[str], str]) -> Callable:
    def edit(book) -> None:
        for sheet in book.worksheets:
            for cell in sheet[1]:
                if isinstance(cell.value, str):
                    cell.value = change(cell.value)

    return edit


def _english_headers(book) -> None:
    for name, spec in SHEETS.items():
        sheet = book[spec.zh]
        for j, column in enumerate(spec.columns, start=1):
            sheet.cell(1, j).value = column.en
        sheet.title = spec.en if name != "units" else name  # a code name works too


def _retitle_traditional(book) -> None:
    for sheet in book.worksheets:
        sheet.title = sheet.title.translate(_TRADITIONAL)


def _reverse_columns(sheet: str) -> Callable:
    def edit(book) -> None:
        ws = book[SHEETS[sheet].zh]
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(reversed(row), start=1):
                ws.cell(i, j).value = value

    return edit


def _delete(sheet: str) -> Callable:
    def edit(book) -> None:
        del book[SHEETS[sheet].zh]

    return edit


def _clear(sheet: str, *, keep_header: bool = False) -> Callable:
    def edit(book) -> None:
        ws = book[SHEETS[sheet].zh]
        first = 2 if keep_header else 1
        ws.delete_rows(first, ws.max_row)

    return edit


def _hide(sheet: str) -> Callable:
    def edit(book) -> None:
        book[SHEETS[sheet].zh].sheet_state = "hidden"

    return edit


def _hidden_copy(book) -> None:
    copied = book.copy_worksheet(book[SHEETS["members"].zh])
    copied.title = "黨員"
    copied.sheet_state = "veryHidden"


def _merge(sheet: str, cells: str) -> Callable:
    def edit(book) -> None:
        book[SHEETS[sheet].zh].merge_cells(cells)

    return edit


def _insert_rows(sheet: str, row: int, amount: int, title: str | None = None) -> Callable:
    def edit(book) -> None:
        ws = book[SHEETS[sheet].zh]
        ws.insert_rows(row, amount)
        if title is not None:
            ws.cell(row, 1).value = title

    return edit


def _extras(book) -> None:
    book.create_sheet("草稿").append(["随手记", 1, 2])
    ws = book[SHEETS["units"].zh]
    ws.cell(1, ws.max_column + 1).value = "备注"
    ws.cell(2, ws.max_column).value = "老厂区"
    book.create_chartsheet("图表")


def _two_street_rows(book) -> None:
    ws = book[SHEETS["street"].zh]
    ws.append([c.value for c in ws[2]])


def _cached_formula(content: bytes) -> bytes:
    return content.replace(b'<c r="C2" t="n"><v>2150</v></c>', b'<c r="C2"><f>2000+150</f><v>2150</v></c>')


def _prefixed(content: bytes) -> bytes:
    """The same sheet XML with every element in an ``x:`` prefix (as some producers write it)."""
    return re.sub(rb"<(/?)(\w+)", rb"<\1x:\2", content).replace(b"xmlns=", b"xmlns:x=")


def _entity_bomb(content: bytes) -> bytes:
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10))
    dtd = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e0 "boom">{entities}]>'.encode()
    return dtd + content.replace(b"<t>S01</t>", b"<t>&e9;</t>")


def _random_bytes(folder: Path) -> None:
    (folder / "members.csv").write_bytes(random.Random(0).randbytes(4096))


def _multiline(records: list[list[str]]) -> None:
    column = SHEETS["members"].names
    records[1][column.index("name")] = "王建国\n（退休）"
    records[2][column.index("birth_year")] = "一九六二"


def _duplicate_csv(folder: Path) -> None:
    (folder / "党员.csv").write_bytes((folder / "members.csv").read_bytes())


def _encode(name: str, encoding: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        file = folder / f"{name}.csv"
        file.write_bytes(file.read_text(encoding="utf-8-sig").encode(encoding))

    return edit


def _semicolons(folder: Path) -> None:
    file = folder / "communities.csv"
    file.write_text(file.read_text(encoding="utf-8-sig").replace(",", ";"), encoding="utf-8-sig")


# --- the corpus ---------------------------------------------------------------------------------


def cases(*, huge_rows: int = 200_000, inflated_bytes: int = 2**30) -> list[Case]:
    """Every case of the corpus (``huge_rows`` members in the huge sheet)."""
    reject, accept = "reject", "accept"
    sample_csv = "社区编号,社区名称\nC01,汇丰\n".encode()
    files = [
        Case("empty.xlsx", reject, _bytes(b""), ("empty.xlsx", None, None), "空文件"),
        Case(
            "text_renamed.xlsx", reject, _bytes(sample_csv), ("text_renamed.xlsx", None, None), "不是 Excel"
        ),
        Case(
            "pdf_renamed.xlsx", reject, _bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), None, "不是 Excel"
        ),
        Case("truncated.xlsx", reject, _bytes(lambda: _sample_bytes()[:20000]), None, "损坏"),
        Case("encrypted.xlsx", reject, _bytes(_ole("EncryptedInfo", "EncryptedPackage")), None, "密码"),
        Case("legacy.xls", reject, _bytes(_ole("Workbook", "\x05SummaryInformation")), None, "另存为 .xlsx"),
        Case("legacy_renamed.xlsx", reject, _bytes(_ole("Workbook")), None, ".xls"),
        Case("inflated.xlsx", reject, _inflated(inflated_bytes), None, "解压"),
        Case("dense.xlsx", reject, _inflated(200 * 2**20), None, "压缩比"),
        Case("zip_of_notes.xlsx", reject, _bytes(_zip_of_notes), None, "损坏"),
        Case("no_workbook_part.xlsx", reject, _zip(lambda n, c: None if n == "xl/workbook.xml" else c)),
        Case(
            "corrupt_sheet.xml.xlsx",
            reject,
            _zip(_member("xl/worksheets/sheet6.xml", lambda c: c[: len(c) // 2])),
            ("党员", None, None),
            "损坏",
        ),
        Case(
            "entity_bomb.xlsx", reject, _zip(_member("xl/worksheets/sheet2.xml", _entity_bomb)), None, "DTD"
        ),
        Case("notes.txt", reject, _bytes(b"not a ledger"), ("notes.txt", None, None)),
        Case(f"huge_{huge_rows}.xlsx", accept, _huge(huge_rows)),
    ]
    structure = [
        Case("far_cell.xlsx", accept, _workbook(lambda b: b[SHEETS["members"].zh].cell(1048576, 16384, "x"))),
        Case("hidden_sheet.xlsx", accept, _workbook(_hide("communities"))),
        Case("hidden_duplicate.xlsx", reject, _workbook(_hidden_copy), ("黨員", None, None), "两次"),
        Case("extra_sheets_columns_chart.xlsx", accept, _workbook(_extras)),
        Case("english_names.xlsx", accept, _workbook(_english_headers)),
        Case(
            "traditional_names.xlsx",
            accept,
            _workbook(_headers(lambda h: h.translate(_TRADITIONAL)), _retitle_traditional),
        ),
        Case(
            "fullwidth_spaced_headers.xlsx",
            accept,
            _workbook(_headers(lambda h: " ".join(h).replace("(", "（").replace(")", "）"))),
        ),
        Case("columns_reordered.xlsx", accept, _workbook(_reverse_columns("members"))),
        Case(
            "column_renamed.xlsx",
            reject,
            _workbook(_put("members", "birth_year", 1, "生日")),
            _at("members", "birth_year", 1),
            "缺少",
        ),
        Case(
            "merged_header.xlsx",
            reject,
            _workbook(_merge("members", "A1:C1")),
            _at("members", "org", 1),
            "缺少",
        ),
        Case(
            "merged_data_cells.xlsx",
            reject,
            _workbook(_merge("units", "C2:C4")),
            _at("units", "community", 3),
        ),
        Case("title_row.xlsx", accept, _workbook(_insert_rows("members", 1, 2, "示范街道党员名册"))),
        Case(
            "title_row_and_bad_cell.xlsx",
            reject,
            _workbook(
                _insert_rows("members", 1, 1, "示范街道党员名册"), _put("members", "birth_year", 4, "四十")
            ),
            _at("members", "birth_year", 4),  # Excel's row number, counted from the title
        ),
        Case("blank_rows.xlsx", accept, _workbook(_insert_rows("members", 5, 3))),
        Case("missing_sheet.xlsx", reject, _workbook(_delete("members")), _at("members", None, None), "缺少"),
        Case("missing_optional_sheets.xlsx", accept, _workbook(_delete("activities"), _delete("cobuilding"))),
        Case("empty_sheet.xlsx", reject, _workbook(_clear("members")), _at("members", "id", 1)),
        Case(
            "header_only.xlsx",
            reject,
            _workbook(_clear("members", keep_header=True)),
            _at("cadres", "member", 2),
        ),
        Case(
            "duplicate_column.xlsx",
            reject,
            _workbook(_put("members", "org", 1, "出生年份")),
            _at("members", "birth_year", 1),
            "两次",
        ),
        Case("two_street_rows.xlsx", reject, _workbook(_two_street_rows), _at("street", None, None)),
        Case(
            "cell_beyond_grid.xlsx",
            reject,
            _zip(_member("xl/worksheets/sheet3.xml", lambda c: c.replace(b'r="C2"', b'r="ZZZZ2"'))),
            ("社区", 2, None),
            "损坏",
        ),
        Case(
            "nameless_sheet.xlsx",
            accept,
            _zip(_member("xl/workbook.xml", lambda c: c.replace("活动".encode(), b""))),
        ),
        Case("prefixed_xml.xlsx", accept, _zip(_member("xl/worksheets/sheet2.xml", _prefixed))),
        Case(
            "formula_cached.xlsx",
            accept,
            _zip(_member("xl/worksheets/sheet3.xml", _cached_formula)),
        ),
    ]
    cells = [
        _cell_case("formula_no_value", "communities", "households", 2, "=2000+150", reject, "公式"),
        _cell_case("error_ref", "communities", "households", 2, "#REF!", reject, "#REF!"),
        _cell_case("error_div0", "communities", "funds_street", 3, "#DIV/0!", reject, "#DIV/0!"),
        _cell_case("error_na_in_text", "units", "trade", 2, "#N/A", reject, "#N/A"),
        _cell_case("chinese_numeral", "units", "employees", 2, "四十", reject, "整数"),
        _cell_case("number_with_unit", "units", "employees", 3, "40岁", reject, "只填数字"),
        _cell_case("fullwidth_number", "units", "employees", 2, "４０", accept),
        _cell_case("thousands_separator", "communities", "households", 2, "2,150", accept),
        _cell_case("padded_number_text", "communities", "households", 2, "  2150 ", accept),
        _cell_case("fractional_count", "communities", "households", 2, 2150.5, reject, "整数"),
        _cell_case("negative_households", "communities", "households", 2, -5, reject, "超出范围"),
        _cell_case("absurd_birth_year", "members", "birth_year", 2, 1066, reject, "超出范围"),
        _cell_case("birth_year_2200", "members", "birth_year", 2, 2200, reject, "超出范围"),
        _cell_case("future_birth_year", "members", "birth_year", 2, 2010, reject, "晚于台账年份"),
        _cell_case("number_beyond_float", "communities", "residents", 2, 10**20, reject),
        _cell_case("absurd_space", "communities", "space_m2", 2, 1e9, accept),
        _cell_case("duplicate_id", "members", "id", 3, "M001", reject, "重复"),
        _cell_case("missing_id", "members", "id", 2, None, reject, "必填"),
        _cell_case("dangling_ref", "members", "org", 2, "P99", reject, "没有这个编号"),
        _cell_case("dangling_in_list", "communities", "neighbours", 2, "C02;C99", reject, "没有这个编号"),
        _cell_case("party_cycle", "party_orgs", "parent", 2, "P01", reject, "循环"),
        _cell_case("own_parent", "party_orgs", "parent", 3, "P01", reject, "循环"),
        _cell_case("bad_yes_no", "communities", "signage", 2, "也许", reject, "是 或 否"),
        _cell_case("excel_boolean", "communities", "signage", 2, True, accept),
        _cell_case("bad_enum", "units", "kind", 2, "机关单位", reject, "以下之一"),
        _cell_case("english_enum", "units", "kind", 2, "government organ", accept),
        _cell_case("bad_date", "members", "joined", 2, "2003-13-45", reject, "日期"),
        _cell_case("chinese_date", "members", "joined", 2, "1984年1月17日", accept),
        _cell_case("serial_date", "members", "joined", 2, 30698, accept),
        _cell_case("date_in_year", "members", "birth_year", 2, dt.datetime(1957, 1, 1), reject),
        _cell_case("bool_in_count", "communities", "households", 2, True, reject),
        _cell_case("long_text", "members", "name", 2, "王" * 32000, accept),
    ]
    folders = [
        Case("csv_plain", accept, _csv()),
        Case("csv_empty_folder", reject, lambda path: path.mkdir(), _at("street", None, None), "缺少"),
        Case("csv_gbk", accept, _csv(_encode("communities", "gb18030"))),
        Case("csv_utf16", accept, _csv(_encode("communities", "utf-16"))),
        Case(
            "csv_empty_file",
            reject,
            _csv(lambda f: (f / "communities.csv").write_bytes(b"")),
            ("communities", 1, "社区编号"),
        ),
        Case(
            "csv_nul_byte",
            reject,
            _csv(_csv_set("members", "birth_year", 2, "19\x0057")),
            ("members", 2, "出生年份"),
        ),
        Case(
            "csv_huge_field",
            reject,
            _csv(_csv_set("members", "name", 3, "王" * 200_000)),
            ("members", 3, None),
            "CSV",
        ),
        Case("csv_random_bytes", reject, _csv(_random_bytes), None),
        Case(
            "csv_ragged_row",
            reject,
            _csv(_csv_rewrite("members", lambda r: r.__setitem__(2, r[2][:3]))),
            ("members", 3, "出生年份"),
        ),
        Case("csv_semicolons", reject, _csv(_semicolons), ("communities", 1, "社区编号")),
        Case("csv_duplicate_sheet", reject, _csv(_duplicate_csv), ("党员", None, None), "两次"),
        Case("csv_folder_named_csv", accept, _csv(lambda f: (f / "notes.csv").mkdir())),
        Case(
            "csv_chinese_numeral",
            reject,
            _csv(_csv_set("communities", "households", 2, "四十")),
            ("communities", 2, "户数"),
        ),
        Case(
            "csv_multiline_cell",
            reject,
            _csv(_csv_rewrite("members", _multiline)),
            ("members", 4, "出生年份"),  # the record of row 3 starts on line 4
        ),
    ]
    return files + structure + cells + folders


def _zip_of_notes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "台账在另一个文件里")
    return out.getvalue()


def make(case: Case, folder: Path) -> Path:
    """Write ``case`` into ``folder``; returns its path."""
    path = folder / case.name
    case.make(path)
    return path


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    making = commands.add_parser("make", help="write every case into FOLDER")
    making.add_argument("folder", type=Path)
    making.add_argument("--huge-rows", type=int, default=200_000)
    checking = commands.add_parser("check", help="import each PATH; print one JSON line each")
    checking.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "make":
        args.folder.mkdir(parents=True, exist_ok=True)
        for case in cases(huge_rows=args.huge_rows):
            print(make(case, args.folder))
        return 0
    for path in args.paths:
        outcome = classify(path)
        record = {"path": str(path), **outcome.__dict__, "peak_mib": peak_mib()}
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
