"""Cell and header normalisation: what a hand-kept workbook writes → the ledger's canonical values.

Every parser takes one raw cell (whatever openpyxl or a CSV reader gives) and returns the canonical
value or ``None`` for a blank; a cell it cannot read raises :class:`CellError` (the reader then
says what the column expects).

What is accepted, and why:

* **Headers, sheet titles and enum labels** match after :func:`key`: Unicode NFKC (full-width
  letters, digits and brackets become ASCII), traditional → simplified characters
  (:func:`to_simplified`), case folding, and no spaces or underscores. So ``單位類別``,
  ``单位 类别`` and ``unit_kind``-style code names all find their column.
* **Numbers**: ints, floats, ``"１２００"``, ``" 1,200 "``. A number with a unit suffix
  (``"40岁"``, ``"300平方米"``) is **rejected**: the column header already names the unit, and a
  suffix often hides a different unit (months for years, mu for m²), so the message asks for the
  bare number in the column's unit.
* **Booleans**: 是/否, 有/无, 对/错, √/×, Y/N, yes/no, true/false, 1/0 (traditional forms too).
* **Dates**: Excel dates, Excel serial numbers, ``2003-05-01``, ``2003/5/1``, ``2003.5.1`` and
  ``2003年5月1日``; kept as midnight of that day.
* **Text**: stripped of surrounding spaces; a blank cell is ``None``. Ids and references are also
  NFKC-normalised (``Ｃ１`` is ``C1``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import pandas as pd

from .schema import Column

# Traditional → simplified for every character of the ledger's headers, sheet titles, enum labels
# and boolean words (a closed vocabulary, so a small table does the job of a full converter).
_TRADITIONAL = (
    "專专業业習习書书從从會会黨党關关別别辦办務务動动區区單单歷历曆历發发臺台檯台號号後后員员國国"
    "備备學学對对導导屬属歲岁幹干乾干開开錄录態态總总戶户撥拨數数無无機机極极構构狀状電电蓋盖確确"
    "積积稱称籌筹類类級级組组織织紹绍經经編编職职聯联補补規规視视認认訓训記记請请賬账帳账費费資资"
    "鄰邻錯错階阶項项預预額额說说"
)
_SIMPLIFY = str.maketrans(dict(zip(_TRADITIONAL[::2], _TRADITIONAL[1::2], strict=True)))

_SPACES = re.compile(r"[\s_]+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(:00)?)?$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_LARGEST_WHOLE = 2**53  # beyond this a float no longer holds every whole number
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)

TRUE_WORDS = ("是", "有", "对", "√", "✓", "y", "yes", "true", "1")
FALSE_WORDS = ("否", "无", "没有", "错", "×", "✗", "n", "no", "false", "0")


class CellError(ValueError):
    """A cell that cannot be read as its column's kind (the caller says what was expected)."""


def to_simplified(text: str) -> str:
    """``text`` with the ledger vocabulary's traditional characters made simplified."""
    return text.translate(_SIMPLIFY)


def key(text: object) -> str:
    """The matching key of a header, title or label (see the module docstring)."""
    text = unicodedata.normalize("NFKC", str(text))
    return _SPACES.sub("", to_simplified(text)).casefold()


def blank(value: object) -> bool:
    """True for an empty cell (``None``, NaN, or only spaces)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def parse_text(value: object) -> str | None:
    """Free text, stripped; numbers written as whole floats lose their ``.0``."""
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return str(value).strip()


def parse_id(value: object) -> str | None:
    """An id, or the ids of a reference cell: text, NFKC-normalised."""
    text = parse_text(value)
    return None if text is None else unicodedata.normalize("NFKC", text).strip()


def _number_text(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text).replace("，", ",")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    return text


def parse_float(value: object) -> float | None:
    """A real number: a numeric cell or a numeric string (full-width digits and spaces allowed)."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError
    number = value if isinstance(value, int | float) else _number_text(value)
    if isinstance(number, str) and not _NUMBER.fullmatch(number):
        raise CellError
    number = float(number)
    if not math.isfinite(number):
        raise CellError
    return number


def parse_int(value: object) -> int | None:
    """A whole number; ``12.0`` is 12, ``12.5`` is an error."""
    if blank(value):
        return None
    try:
        number = parse_float(value)
    except CellError:
        raise CellError from None
    if not number.is_integer() or abs(number) > _LARGEST_WHOLE:
        raise CellError
    return int(number)


def parse_bool(value: object) -> bool | None:
    """是/否 and the other yes/no words of :data:`TRUE_WORDS` and :data:`FALSE_WORDS`."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = key(value)
    if isinstance(value, int | float) and value in (0, 1):
        word = str(int(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError


def parse_date(value: object) -> pd.Timestamp | None:
    """A calendar date (midnight) from an Excel date, an Excel serial number or a date string.

    Dates outside what a pandas ``datetime64[ns]`` column holds (1677–2262) are errors.
    """
    if blank(value):
        return None
    if isinstance(value, bool):
        raise CellError
    try:
        if isinstance(value, dt.datetime | dt.date):
            date = dt.datetime(value.year, value.month, value.day)
        elif isinstance(value, int | float):
            if value < 1:  # Excel's first day is serial 1
                raise CellError
            date = _EXCEL_EPOCH + dt.timedelta(days=int(value))
        else:
            match = _DATE.match(unicodedata.normalize("NFKC", str(value)).strip())
            if not match:
                raise CellError
            date = dt.datetime(*(int(match.group(i)) for i in (1, 2, 3)))
    except (ValueError, OverflowError):
        raise CellError from None
    if not pd.Timestamp.min < date < pd.Timestamp.max:
        raise CellError
    return pd.Timestamp(date)


def enum_parser(column: Column):
    """A parser of ``column``'s enum: Chinese or English label or code → code."""
    lookup = {}
    for code, (zh, en) in column.enum.labels.items():
        lookup.update({key(code): code, key(zh): code, key(en): code})

    def parse(value: object) -> str | None:
        if blank(value):
            return None
        code = lookup.get(key(value))
        if code is None:
            raise CellError
        return code

    return parse


PARSERS = {
    "id": parse_id,
    "ref": parse_id,
    "refs": parse_id,
    "text": parse_text,
    "int": parse_int,
    "float": parse_float,
    "bool": parse_bool,
    "date": parse_date,
}


def parser(column: Column):
    """The cell parser of ``column``: ``parse(raw) -> canonical value or None``."""
    return enum_parser(column) if column.kind == "enum" else PARSERS[column.kind]
