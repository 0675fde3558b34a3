"""Reading and writing the ledger: an .xlsx workbook or a folder of CSV files, and the blank template.

Reading (:func:`load_ledger`, :func:`read_ledger`) finds each sheet and column by its Chinese,
English or code name (traditional characters, full-width forms and stray spaces accepted, columns
in any order, a title row or two above the header allowed), reads every cell as its column's kind
(:mod:`workbench.normalise`), then checks the whole ledger (:func:`workbench.validate.validate`).
It never stops at the first problem: every problem is reported with the sheet title, Excel row
and header as written in the file. The source file is only ever opened for reading.

Workbooks are read by :mod:`workbench._xlsx`, which refuses what is not safely a workbook before
parsing it — an empty file, another file renamed, a legacy .xls or a password-protected workbook
(both OLE2 containers), a zip whose parts would inflate beyond reason, XML with a DTD — each with
a message saying what to do. Such a file-level :class:`LedgerError` carries one problem whose
``sheet`` is the file's name (or the damaged sheet's title).

When a required sheet is missing, only the sheets that are there are checked cell by cell; the
cross-sheet checks wait until the structure is complete. The blank template reads back with one
error — its street sheet is empty — by design: a ledger describes one street in one year.

Writing (:func:`write_ledger`, :func:`write_template`) makes Chinese (or English) headers, enum
labels, 是/否 and real dates, with drop-down lists on every enum and yes/no column and an
instructions sheet first. The same ledger always gives the same bytes, and a file appears whole
or not at all (written beside the target, then moved into place).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import normalise
from ._errors import LedgerError, Problem
from ._xlsx import Formula, RawSheet, Unreadable, read_sheets
from .i18n import t
from .ledger import Ledger
from .normalise import CellError, key
from .schema import SHEETS, Column, Sheet
from .settings import RULES, Rules
from .validate import Layout, findings, report

_ALIASES = {key(alias): s.name for s in SHEETS.values() for alias in (s.name, s.zh, s.en)}
_COLUMN_ALIASES = {
    s.name: {key(alias): c.name for c in s.columns for alias in (c.name, c.zh, c.en)} for s in SHEETS.values()
}
_INSTRUCTIONS = {key(t("ledger.instructions.title", lang)) for lang in ("zh", "en")}
_FIXED_TIME = dt.datetime(1980, 1, 1)  # the earliest time a zip entry can carry
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")
_DATE_FORMAT = "yyyy-mm-dd"
_HEADER_SEARCH = 5  # rows searched for the header when row 1 is not it (a title above it)


@dataclass(frozen=True)
class LoadResult:
    """A ledger read from a file, with every problem found (errors and warnings)."""

    ledger: Ledger
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors


# --- reading ------------------------------------------------------------------------------------


def load_ledger(path: str | os.PathLike, *, lang: str = "zh", rules: Rules = RULES) -> LoadResult:
    """Read a workbook or CSV folder and check it; never raises for what is *in* the file.

    The ledger holds every cell that could be read (unreadable cells are blank). Raises
    FileNotFoundError when ``path`` does not exist and LedgerError when it is not a ledger file.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(t("ledger.error.not_found", lang, path=path))
    raw = _read_csv_folder(path, lang) if path.is_dir() else _read_workbook(path, lang)
    return _load(raw, lang, rules)


def read_ledger(path: str | os.PathLike, *, lang: str = "zh", rules: Rules = RULES) -> Ledger:
    """The validated ledger in ``path``; raises LedgerError listing every problem if any is an error.

    Warnings do not stop reading: :func:`load_ledger` returns them with the ledger.
    """
    result = load_ledger(path, lang=lang, rules=rules)
    if not result.ok:
        summary = t(
            "ledger.report.invalid", lang, path=path, errors=len(result.errors), warnings=len(result.warnings)
        )
        raise LedgerError(f"{summary}\n{report(result.problems, lang, limit=30)}", result.problems)
    return result.ledger


def _read_workbook(path: Path, lang: str) -> list[RawSheet]:
    if not path.is_file() or path.suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
        raise _file_error(path, lang, "ledger.error.format")
    try:
        return read_sheets(path)
    except Unreadable as error:
        raise _file_error(path, lang, error.label, error, **error.values) from None


def _read_csv_folder(path: Path, lang: str) -> list[RawSheet]:
    sheets = []
    for file in sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file()):
        try:
            sheets.append(RawSheet(file.stem, False, _csv_rows(file)))
        except Unreadable as error:
            raise _file_error(file, lang, error.label, error, **error.values) from None
        except OSError as error:
            raise _file_error(file, lang, "ledger.error.unreadable", detail=error) from None
    return sheets


def _csv_rows(file: Path) -> list[tuple[int, dict[int, object]]]:
    """The non-empty records of a CSV file, each with the line it starts on."""
    reader = csv.reader(io.StringIO(_decode(file.read_bytes())))
    rows, line = [], 1
    try:
        for record in reader:
            cells = {j: value for j, value in enumerate(record) if value}
            if cells:
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise Unreadable("ledger.error.csv", sheet=file.stem, row=line, detail=error) from None
    return rows


def _file_error(path: Path, lang: str, label: str, where: Unreadable | None = None, **values) -> LedgerError:
    """A LedgerError for a file that cannot be read at all, located as precisely as known."""
    message = t(label, lang, path=path.name, **values)
    problem = Problem(path.name, None, None, None, message)
    if where is not None and where.sheet is not None:
        column = None if where.column is None else get_column_letter(where.column + 1)
        problem = Problem(where.sheet, where.row, column, None, message)
    return LedgerError(message, [problem])


def _decode(data: bytes) -> str:
    """CSV text as UTF-16 when it starts with its byte-order mark (Excel's "Unicode text"), else
    UTF-8 (with or without BOM), else GB18030 (what Excel saves on Chinese Windows)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _load(raw_sheets: list[RawSheet], lang: str, rules: Rules) -> LoadResult:
    reading = _Reading(lang)
    found = reading.match_sheets(raw_sheets)
    tables, rows, headers, unread_columns = {}, {}, {}, set()
    for name, sheet in SHEETS.items():
        if name in found:
            raw = found[name]
            tables[name], rows[name], headers[name], unread = reading.sheet(sheet, raw)
            unread_columns.update((raw.title, header) for header in unread)
        elif not sheet.optional:
            aliases = " / ".join((sheet.en, sheet.name) if lang == "zh" else (sheet.zh, sheet.name))
            reading.report(sheet.title(lang), None, None, "ledger.error.missing_sheet", aliases=aliases)
    ledger = Ledger.from_tables(**tables)
    layout = Layout({name: raw.title for name, raw in found.items()}, rows, headers)
    problems = reading.problems
    if all(name in found for name, sheet in SHEETS.items() if not sheet.optional):
        seen = {(p.sheet, p.row, p.column) for p in problems}
        for finding in findings(ledger, rules=rules):
            problem = layout.problem(finding, lang)
            if (problem.sheet, problem.row, problem.column) not in seen and (
                (problem.sheet, problem.column) not in unread_columns
            ):
                problems.append(problem)
    return LoadResult(ledger, problems)


def _header_and_data(sheet: Sheet, rows: list[tuple[int, dict]]):
    """The header row's number and non-blank cells, and the rows below it.

    The header is the row among the first :data:`_HEADER_SEARCH` that names most of the sheet's
    columns (the earliest of equals), so a title row above the header does no harm; when no row
    names any, row 1 is taken as the header.
    """
    aliases = _COLUMN_ALIASES[sheet.name]

    def named(i: int) -> int:
        return sum(isinstance(cell, str) and key(cell) in aliases for cell in rows[i][1].values())

    top = [i for i, (number, _) in enumerate(rows) if number <= _HEADER_SEARCH]
    best = max(top, key=lambda i: (named(i), -i), default=None)
    if best is None or not named(best):
        if not rows or rows[0][0] != 1:
            return 1, {}, rows
        best = 0
    number, cells = rows[best]
    return number, {j: cell for j, cell in cells.items() if not normalise.blank(cell)}, rows[best + 1 :]


class _Reading:
    """One pass over a file's sheets, collecting every problem met on the way."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.problems: list[Problem] = []

    def report(self, sheet, row, column, label, value=None, **values) -> None:
        severity = "warning" if label.startswith("ledger.warning") else "error"
        message = t(label, self.lang, sheet=sheet, column=column, value=value, **values)
        self.problems.append(Problem(sheet, row, column, value, message, severity))

    def match_sheets(self, raw_sheets: list[RawSheet]) -> dict[str, RawSheet]:
        """Each schema sheet's raw sheet, found by title; unknown and repeated titles reported."""
        found: dict[str, RawSheet] = {}
        for raw in raw_sheets:
            name = _ALIASES.get(key(raw.title))
            if name is None:
                if key(raw.title) not in _INSTRUCTIONS:
                    self.report(raw.title, None, None, "ledger.warning.extra_sheet")
            elif name in found:
                self.report(raw.title, None, None, "ledger.error.duplicate_sheet", first=found[name].title)
            else:
                found[name] = raw
                if raw.hidden:
                    self.report(raw.title, None, None, "ledger.warning.hidden_sheet")
        return found

    def sheet(self, sheet: Sheet, raw: RawSheet):
        """The sheet's table, the Excel row of each table row, headers as written, unread headers."""
        at, heading, data = _header_and_data(sheet, raw.rows)
        if at != 1:
            self.report(raw.title, at, None, "ledger.warning.header_row")
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        for j, cell in sorted(heading.items()):
            written = str(cell).strip()
            name = _COLUMN_ALIASES[sheet.name].get(key(written))
            if name is None:
                self.report(raw.title, at, written, "ledger.warning.extra_column")
            elif name in headers:
                self.report(raw.title, at, written, "ledger.error.duplicate_column", first=headers[name])
                positions.pop(name, None)  # which of the two is meant cannot be known: read neither
            else:
                positions[name], headers[name] = j, written
        missing = [c.header(self.lang) for c in sheet.columns if c.required and c.name not in headers]
        for header in missing:
            self.report(raw.title, at, header, "ledger.error.missing_column")
        unread = missing + [headers[name] for name in headers if name not in positions]

        columns = {name: [] for name in positions}
        parsers = {name: normalise.parser(sheet.column(name)) for name in positions}
        rows, named, unnamed = [], heading.keys(), {}
        for number, values in data:
            for j in values.keys() - named:
                if not normalise.blank(values[j]):
                    unnamed.setdefault(j, number)
            cells = {name: values.get(j) for name, j in positions.items()}
            if all(normalise.blank(v) for v in cells.values()):
                continue
            rows.append(number)
            for name, value in cells.items():
                cell = self.cell(sheet.column(name), parsers[name], value, raw.title, number, headers[name])
                columns[name].append(cell)
        for j, number in sorted(unnamed.items()):
            self.report(
                raw.title, at, get_column_letter(j + 1), "ledger.warning.unnamed_column", first=number
            )
        table = pd.DataFrame(
            {n: pd.Series(v, dtype=object) for n, v in columns.items()}, index=range(len(rows))
        )
        return table, rows, headers, unread

    def cell(self, column: Column, parse, value, title: str, row: int, header: str):
        """The canonical value of one cell, or None after reporting why it cannot be read."""
        if isinstance(value, str) and value.strip() in normalise.EXCEL_ERRORS:
            self.report(title, row, header, "ledger.error.formula", value)
            return None
        if isinstance(value, Formula):
            self.report(title, row, header, "ledger.error.uncomputed", str(value))
            return None
        try:
            return parse(value)
        except CellError:
            self.report(title, row, header, "ledger.error.cell", value, expected=expected(column, self.lang))
            return None


def expected(column: Column, lang: str = "zh") -> str:
    """What ``column`` expects, in words (used in messages and on the instructions sheet)."""
    separator = "、" if lang == "zh" else ", "
    allowed = separator.join(column.enum.label(c, lang) for c in column.enum.codes()) if column.enum else ""
    sheet = SHEETS[column.ref].title(lang) if column.ref else ""
    text = t(f"ledger.kind.{column.kind}", lang, sheet=sheet, allowed=allowed)
    if column.unit:
        text = t("ledger.kind.unit", lang, kind=text, unit=t(f"ledger.unit.{column.unit}", lang))
    return text


# --- writing ------------------------------------------------------------------------------------


def write_ledger(
    ledger: Ledger, path: str | os.PathLike, *, overwrite: bool = False, lang: str = "zh"
) -> Path:
    """Write ``ledger`` to an .xlsx workbook, or to a folder of CSV files when ``path`` has no .xlsx suffix.

    Headers, enum labels and yes/no are in ``lang``. Raises FileExistsError when ``path`` exists
    and ``overwrite`` is False. Returns the path written.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(t("ledger.error.exists", lang, path=path))
    if path.suffix.lower() == ".xlsx":
        _replace_file(path, _workbook_bytes(ledger, lang))
    else:
        _replace_folder(path, lambda folder: _write_csv_folder(ledger, folder, lang))
    return path


def write_template(path: str | os.PathLike, *, overwrite: bool = False, lang: str = "zh") -> Path:
    """Write the blank ledger workbook: instructions, headers and drop-down lists, no rows."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise LedgerError(t("ledger.error.format", lang, path=path))
    return write_ledger(Ledger.from_tables(), path, overwrite=overwrite, lang=lang)


def _cells(sheet: Sheet, table: pd.DataFrame, lang: str) -> list[list]:
    """The columns of ``table`` as lists of plain Python values, labelled in ``lang``."""
    words = {True: t("ledger.yes", lang), False: t("ledger.no", lang)}
    out = []
    for column in sheet.columns:
        values = table[column.name].astype(object).where(table[column.name].notna(), None).tolist()
        if column.kind == "enum":
            values = [None if v is None else column.enum.label(v, lang) for v in values]
        elif column.kind == "bool":
            values = [None if v is None else words[bool(v)] for v in values]
        elif column.kind == "date":
            values = [None if v is None else v.to_pydatetime() for v in values]
        out.append(values)
    return out


def _workbook_bytes(ledger: Ledger, lang: str) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    book.properties.creator = t("app.title", lang)
    book.properties.created = _FIXED_TIME
    _instructions(book.create_sheet(t("ledger.instructions.title", lang)), lang)
    bold = Font(bold=True)
    words = f'"{t("ledger.yes", lang)},{t("ledger.no", lang)}"'
    for name, sheet in SHEETS.items():
        out = book.create_sheet(sheet.title(lang))
        out.freeze_panes = "A2"
        for j, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(j)
            out.column_dimensions[letter].width = max(10, 2 * len(column.header(lang)) + 2)
            if column.kind in ("enum", "bool"):
                labels = [column.enum.label(c, lang) for c in column.enum.codes()] if column.enum else None
                choice = f'"{",".join(labels)}"' if labels else words
                valid = DataValidation(type="list", formula1=choice, allow_blank=True, showErrorMessage=True)
                valid.add(f"{letter}2:{letter}1048576")
                out.data_validations.append(valid)
        out.append([_styled(out, c.header(lang), font=bold) for c in sheet.columns])
        columns = _cells(sheet, ledger[name], lang)
        dates = [j for j, c in enumerate(sheet.columns) if c.kind == "date"]
        for row in zip(*columns, strict=True):
            row = list(row)
            for j in dates:
                row[j] = _styled(out, row[j], number_format=_DATE_FORMAT)
            out.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_stamps(buffer.getvalue())


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _instructions(out, lang: str) -> None:
    """The first sheet: what each sheet and column holds and what to enter."""
    out.column_dimensions["A"].width = 22
    out.column_dimensions["B"].width = 26
    out.column_dimensions["C"].width = 30
    out.column_dimensions["E"].width = 60
    bold = Font(bold=True)
    out.append([_styled(out, t("ledger.instructions.intro", lang), alignment=Alignment(wrap_text=False))])
    out.append([])
    heads = ("sheet", "column", "other", "required", "expected")
    out.append([_styled(out, t(f"ledger.instructions.{h}", lang), font=bold) for h in heads])
    other = "en" if lang == "zh" else "zh"
    for sheet in SHEETS.values():
        title = sheet.title(lang) + (t("ledger.instructions.optional_sheet", lang) if sheet.optional else "")
        for column in sheet.columns:
            required = t("ledger.yes", lang) if column.required else None
            out.append([title, column.header(lang), column.header(other), required, expected(column, lang)])


def _fixed_stamps(data: bytes) -> bytes:
    """The workbook with fixed zip-entry times and document dates, so equal ledgers give equal bytes."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(lambda m: m.group(1) + stamp, content)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            target.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_csv_folder(ledger: Ledger, folder: Path, lang: str) -> None:
    for name, sheet in SHEETS.items():
        columns = _cells(sheet, ledger[name], lang)
        with open(folder / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            writer.writerow([c.header(lang) for c in sheet.columns])
            for row in zip(*columns, strict=True):
                writer.writerow(
                    [
                        "" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else v
                        for v in row
                    ]
                )


def _replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` and move it into place (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _replace_folder(path: Path, fill: Callable[[Path], None]) -> None:
    """Fill a new folder beside ``path``, then swap it in (the old one, if any, is removed last)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        fill(temporary)
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            os.replace(path, old / path.name)
        os.replace(temporary, path)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
