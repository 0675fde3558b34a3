"""Reading the cells of an .xlsx workbook: a small, guarded, streaming reader built on expat.

The ledger needs only each sheet's title, visibility and cell values, so this reads just those,
in one pass per sheet, with every hostile feature of a file kept away from the parser:

* the file is **sniffed** first: an OLE2 compound file (the container of a password-protected
  workbook, whose ``EncryptedPackage`` stream holds the real one, and of a legacy ``.xls``) and
  anything that is not a zip archive are refused with a reason;
* the zip's **declared sizes** are checked before anything is inflated (:data:`LIMITS`): no member
  may inflate beyond a limit or at a ratio no spreadsheet reaches, so a "zip bomb" is refused
  at once; reading a member never yields more than its declared size (the zip module stops there);
* XML with a **DTD** is refused (a workbook never has one, and entity expansion needs one);
* a **formula** cell gives its cached value; one saved without a value (by a program, not Excel)
  gives a :class:`Formula`, so the caller can say so instead of reading a blank;
* **dates** are numbers in a date style, including the built-in Chinese date styles 27–36 and
  50–58 that other readers take for plain numbers.

Errors are :class:`Unreadable`, carrying a label key of ``labels/ledger.yaml`` and its values, so
the caller words them in the user's language.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # a directory entry name of the OLE file
LIMITS = MappingProxyType(
    {
        "member_bytes": 256 * 2**20,  # no single part of a workbook inflates beyond this …
        "total_bytes": 512 * 2**20,  # … nor all parts together (a 300,000-row sheet is ~150 MiB)
        "ratio": 200,  # spreadsheet XML compresses ~10:1; a member past 1 MiB at 200:1 is a bomb
        "ratio_floor_bytes": 2**20,
    }
)
_CJK_DATE_STYLES = frozenset({*range(27, 37), *range(50, 59)})  # built-in zh-CN date formats
# What the zip module raises on a damaged or unsupported archive (RuntimeError: an encrypted member).
_DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    zlib.error,
)
_MAX_ROW, _MAX_COLUMN = 1_048_576, 16_384  # Excel's grid


class Unreadable(Exception):
    """The file, or a part of it, cannot be read: ``label`` names the message, ``values`` fill it.

    ``sheet``, ``row`` and ``column`` locate the damage when it is inside a sheet.
    """

    def __init__(self, label: str, *, sheet=None, row=None, column=None, **values) -> None:
        super().__init__(label, values)
        self.label, self.values = label, values
        self.sheet, self.row, self.column = sheet, row, column


@dataclass(frozen=True)
class Formula:
    """A formula cell saved without its computed value."""

    text: str

    def __str__(self) -> str:
        return f"={self.text}"


@dataclass(frozen=True)
class RawSheet:
    """A sheet as found in the file: title, whether hidden, and its non-empty rows.

    ``rows`` pairs each row's number (1 for the first row) with its cells by column index (0 = A).
    """

    title: str
    hidden: bool
    rows: list[tuple[int, dict[int, object]]]


def read_sheets(path: Path) -> list[RawSheet]:
    """Every worksheet of the .xlsx file at ``path``, in workbook order; raises :class:`Unreadable`."""
    sniff(path)
    try:
        with zipfile.ZipFile(path) as archive:
            check_sizes(archive)
            return _Workbook(archive).sheets()
    except _DAMAGED as error:
        raise Unreadable("ledger.error.damaged", detail=error) from error


def sniff(path: Path) -> None:
    """Refuse, with the reason, a file that cannot be an .xlsx workbook."""
    with open(path, "rb") as file:
        head = file.read(8)
        if not head:
            raise Unreadable("ledger.error.empty")
        if head == OLE_SIGNATURE:
            encrypted = ENCRYPTED_STREAM in file.read(2**20)
            raise Unreadable("ledger.error.encrypted" if encrypted else "ledger.error.legacy")
    if not head.startswith(ZIP_SIGNATURE):
        raise Unreadable("ledger.error.not_workbook")


def check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose members would inflate too far (:data:`LIMITS`), before inflating any."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        too_dense = info.file_size > LIMITS["ratio_floor_bytes"] and ratio > LIMITS["ratio"]
        if info.file_size > LIMITS["member_bytes"] or too_dense or total > LIMITS["total_bytes"]:
            raise Unreadable(
                "ledger.error.inflated",
                member=info.filename,
                size=info.file_size // 2**20,
                ratio=round(ratio),
                limit=LIMITS["member_bytes"] // 2**20,
            )


def _parse(source, start: Callable, end: Callable | None = None, text: Callable | None = None) -> None:
    """Stream the XML ``source`` through expat handlers; no DTD allowed.

    Handlers get names as written (``c`` or, from some producers, ``x:c``): see :func:`_bare`.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text

    def refuse(*_) -> None:
        raise Unreadable("ledger.error.dtd")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ParseFile(source)


def _bare(name: str) -> str:
    """A name without its namespace prefix (``x:c`` → ``c``)."""
    return name[name.find(":") + 1 :]


def _local(attrs: dict, name: str):
    """An attribute by local name, whatever its prefix (``r:id`` and the like)."""
    for key, value in attrs.items():
        if _bare(key) == name:
            return value
    return None


class _Workbook:
    """The parts of one archive the ledger needs: sheets, shared strings and date styles."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        root = self._relationships("")
        self.path = next(
            (p for kind, p in root.values() if kind.endswith("/officeDocument")), "xl/workbook.xml"
        )
        self.entries: list[tuple[str, bool, str]] = []  # (title, hidden, relationship id)
        self.epoch = CALENDAR_WINDOWS_1900

        def start(name, attrs):
            name = _bare(name)
            if name == "sheet":
                hidden = attrs.get("state", "visible") != "visible"
                title = attrs.get("name") or f"#{len(self.entries) + 1}"  # a sheet always has a name
                self.entries.append((title, hidden, _local(attrs, "id")))
            elif name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904

        self._read(self.path, start)
        self.rels = self._relationships(self.path)
        self.strings = self._shared_strings()
        self.date_styles = self._date_styles()

    def _open(self, member: str):
        try:
            return self.archive.open(member)
        except KeyError:
            raise Unreadable("ledger.error.damaged", detail=f"missing part {member}") from None

    def _read(self, member: str, start, end=None, text=None, *, sheet=None) -> None:
        with self._open(member) as source:
            try:
                _parse(source, start, end, text)
            except expat.ExpatError as error:
                raise Unreadable("ledger.error.damaged", sheet=sheet, detail=f"{member}: {error}") from None

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, member path) of ``part``."""
        folder, name = posixpath.split(part)
        rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
        rels: dict[str, tuple[str, str]] = {}
        if rels_path not in self.archive.NameToInfo:
            return rels

        def start(tag, attrs):
            tag = _bare(tag)
            if tag == "Relationship" and "Target" in attrs:
                target = attrs["Target"]
                target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                rels[attrs.get("Id")] = (attrs.get("Type", ""), posixpath.normpath(target))

        self._read(rels_path, start)
        return rels

    def _part(self, kind: str) -> str | None:
        return next((path for kind_, path in self.rels.values() if kind_.endswith(f"/{kind}")), None)

    def _shared_strings(self) -> list[str]:
        """The shared string table (rich text runs joined, phonetic guides left out)."""
        part = self._part("sharedStrings")
        strings: list[str] = []
        if part is None:
            return strings
        state = {"parts": [], "text": False, "phonetic": 0}

        def start(name, _attrs):
            name = _bare(name)
            if name == "si":
                state["parts"] = []
            elif name == "t" and not state["phonetic"]:
                state["text"] = True
            elif name == "rPh":
                state["phonetic"] += 1

        def end(name):
            name = _bare(name)
            if name == "si":
                strings.append("".join(state["parts"]))
            elif name == "t":
                state["text"] = False
            elif name == "rPh":
                state["phonetic"] -= 1

        def text(data):
            if state["text"]:
                state["parts"].append(data)

        self._read(part, start, end, text)
        return strings

    def _date_styles(self) -> frozenset[int]:
        """Indices of the cell styles whose number format is a date or time."""
        part = self._part("styles")
        if part is None:
            return frozenset()
        custom: dict[int, str] = {}
        styles: list[int] = []
        inside = {"cellXfs": False}

        def start(name, attrs):
            name = _bare(name)
            if name == "numFmt":
                custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
            elif name == "cellXfs":
                inside["cellXfs"] = True
            elif name == "xf" and inside["cellXfs"]:
                styles.append(_int(attrs.get("numFmtId")))

        def end(name):
            name = _bare(name)
            if name == "cellXfs":
                inside["cellXfs"] = False

        self._read(part, start, end)

        def is_date(number_format: int) -> bool:
            if number_format in custom:
                return is_date_format(custom[number_format])
            if number_format in _CJK_DATE_STYLES:
                return True
            return number_format in BUILTIN_FORMATS and is_date_format(BUILTIN_FORMATS[number_format])

        return frozenset(i for i, number_format in enumerate(styles) if is_date(number_format))

    def sheets(self) -> list[RawSheet]:
        out = []
        for title, hidden, rel in self.entries:
            kind, member = self.rels.get(rel, ("", ""))
            if not kind.endswith("/worksheet"):
                continue  # a chart sheet or a dangling entry holds no cells
            out.append(RawSheet(title, hidden, _SheetReader(self, title).read(member)))
        return out


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return -1


def column_index(reference: str) -> int:
    """0-based column of a cell reference (``"C7"`` → 2)."""
    number = 0
    for char in reference:
        if "0" <= char <= "9":
            break
        number = number * 26 + (ord(char.upper()) - 64)
    return number - 1


class _SheetReader:
    """expat handlers turning one worksheet's XML into rows of cell values."""

    def __init__(self, book: _Workbook, title: str) -> None:
        self.book, self.title = book, title
        self.rows: list[tuple[int, dict[int, object]]] = []
        self.row_number, self.cells = 0, {}
        self.column, self.kind, self.style = -1, "n", 0
        self.value, self.formula, self.inline = None, None, []
        self.collect: list | None = None  # where character data goes (None: nowhere)
        self.phonetic = 0

    def read(self, member: str) -> list[tuple[int, dict[int, object]]]:
        self.book._read(member, self.start, self.end, self.text, sheet=self.title)
        return self.rows

    def start(self, name, attrs):
        name = _bare(name)
        if name == "c":
            reference = attrs.get("r")
            self.column = column_index(reference) if reference else self.column + 1
            if not 0 <= self.column < _MAX_COLUMN:
                raise Unreadable("ledger.error.damaged_cell", sheet=self.title, row=self.row_number)
            self.kind, self.style = attrs.get("t", "n"), _int(attrs.get("s", 0))
            self.value, self.formula, self.inline = None, None, []
        elif name == "v":
            self.value = []
            self.collect = self.value
        elif name == "f":
            self.formula = []
            self.collect = self.formula
        elif name == "t" and not self.phonetic:
            self.collect = self.inline
        elif name == "rPh":
            self.phonetic += 1
        elif name == "row":
            self.row_number = _int(attrs.get("r")) if "r" in attrs else self.row_number + 1
            if not 0 < self.row_number <= _MAX_ROW:
                raise Unreadable("ledger.error.damaged", sheet=self.title, detail=f"row {attrs.get('r')}")
            self.cells, self.column = {}, -1

    def end(self, name):
        name = _bare(name)
        if name in ("v", "f", "t"):
            self.collect = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c":
            value = self.cell_value()
            if value is not None:
                self.cells[self.column] = value
        elif name == "row" and self.cells:
            self.rows.append((self.row_number, self.cells))

    def text(self, data):
        if self.collect is not None:
            self.collect.append(data)

    def cell_value(self):
        """The value of the cell just closed, as a Python object (None when empty)."""
        if self.kind == "inlineStr":
            return "".join(self.inline) if self.inline else None
        raw = None if self.value is None else "".join(self.value)
        if not raw:  # no value, or an empty one (what a program writes for a formula it did not compute)
            return None if self.formula is None else Formula("".join(self.formula))
        try:
            return self.convert(raw)
        except (ValueError, IndexError, OverflowError):
            raise Unreadable(
                "ledger.error.damaged_cell", sheet=self.title, row=self.row_number, column=self.column
            ) from None

    def convert(self, raw: str):
        kind = self.kind
        if kind == "s":
            return self.book.strings[int(raw)]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return dt.datetime.fromisoformat(raw)
        number = float(raw)
        if not math.isfinite(number):
            raise ValueError(raw)
        if number.is_integer() and abs(number) < 2**53:
            number = int(number)
        if self.style in self.book.date_styles:
            try:
                return from_excel(number, self.book.epoch)
            except (ValueError, OverflowError):
                return number  # not a date after all: the reader says what it expected
        return number
