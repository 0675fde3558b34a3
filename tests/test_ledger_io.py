"""Reading and writing ledgers: messy cells accepted, every mistake located, files never harmed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import normalise
from workbench._errors import LedgerError
from workbench.ledger import Ledger
from workbench.ledger_io import load_ledger, read_ledger, write_ledger
from workbench.schema import (
    EDUCATION,
    MEMBER_STATUS,
    ORG_KIND,
    ORG_STATUS,
    POST,
    SEX,
    SHEETS,
    STAGE,
    UNIT_KIND,
)

# --- cells ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [(" １２００ ", 1200), ("1,200", 1200), (12.0, 12), ("12", 12), (None, None), ("  ", None)],
)
def test_whole_numbers_accept_full_width_digits_spaces_and_thousands(raw, value):
    assert normalise.parse_int(raw) == value


@pytest.mark.parametrize("raw", ["40岁", "12.5", "约100", "1,20", True, "1e30", 2.0**60, "inf"])
def test_numbers_with_units_or_fractions_are_rejected(raw):
    with pytest.raises(normalise.CellError):
        normalise.parse_int(raw)


@pytest.mark.parametrize("raw", ["是", " Y", "yes", "TRUE", 1, True, "有", "√"])
def test_yes_words(raw):
    assert normalise.parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "n", "No", "false", 0, False, "無", "×"])
def test_no_words(raw):
    assert normalise.parse_bool(raw) is False


@pytest.mark.parametrize(
    "raw",
    ["2003-05-01", "2003/5/1", "2003.5.1", "2003年5月1日", "２００３-０５-０１", 37742, dt.date(2003, 5, 1)],
)
def test_dates_from_strings_excel_serials_and_dates(raw):
    assert normalise.parse_date(raw) == pd.Timestamp(2003, 5, 1)


@pytest.mark.parametrize("raw", ["2003-02-30", "May 2003", -3, "2003", "3000-01-01", 10**9, True])
def test_impossible_dates_are_rejected(raw):
    with pytest.raises(normalise.CellError):
        normalise.parse_date(raw)


def test_headers_match_across_scripts_widths_and_spacing():
    assert normalise.key("單位 類別") == normalise.key("单位类别")
    assert normalise.key("办公活动用房（平方米）") == normalise.key("办公活动用房(平方米)")
    assert normalise.key(" Unit_Kind ") == normalise.key("unitkind")


# --- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["ledger.xlsx", "ledger_csv"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tiny_ledger_survives_a_round_trip(tiny_ledger, tmp_path, target, lang):
    path = write_ledger(tiny_ledger, tmp_path / target, lang=lang)
    assert read_ledger(path, lang=lang).equals(tiny_ledger)


def test_the_same_ledger_gives_the_same_bytes(tiny_ledger, tmp_path):
    first = write_ledger(tiny_ledger, tmp_path / "a.xlsx").read_bytes()
    second = write_ledger(tiny_ledger, tmp_path / "b.xlsx").read_bytes()
    assert first == second


def test_the_workbook_has_chinese_headers_labels_yes_no_and_real_dates(tiny_ledger, tmp_path):
    book = openpyxl.load_workbook(write_ledger(tiny_ledger, tmp_path / "l.xlsx"))
    members = book["党员"]
    assert [c.value for c in members[1]][:3] == ["党员编号", "姓名", "所在党组织"]
    assert members["I2"].value == "正式党员"
    assert members["H2"].value == dt.datetime(1967, 7, 1) and members["H2"].number_format == "yyyy-mm-dd"
    assert book["社区"]["E2"].value == "是"


_TEXT = st.text(alphabet="汇丰燕兴东村厂 abcXYZ-12", min_size=1, max_size=6).map(str.strip).filter(bool)
_YES_NO = st.none() | st.booleans()
# m² and yuan to the cent: a workbook keeps 16 significant digits (Excel itself keeps 15)
_AMOUNT = st.none() | st.integers(0, 10**12).map(lambda cents: cents / 100)


@st.composite
def ledgers(draw) -> Ledger:
    """A random small ledger that is valid by construction (warnings allowed)."""
    year = draw(st.integers(1990, 2030))
    some = lambda ids: draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)) if ids else []  # noqa: E731
    refs = lambda ids: ";".join(some(ids)) or None  # noqa: E731
    optional = lambda strategy: draw(st.none() | strategy)  # noqa: E731
    nc = draw(st.integers(1, 3))
    communities = [f"C{i}" for i in range(nc)]
    tables = {
        "street": pd.DataFrame([{"id": "S", "name": draw(_TEXT), "district": optional(_TEXT), "year": year}]),
        "communities": pd.DataFrame(
            {
                "id": communities,
                "name": [draw(_TEXT) for _ in communities],
                "households": [draw(st.integers(0, 10**6)) for _ in communities],
                "neighbours": [refs(communities) for _ in communities],
                "space_m2": [draw(_AMOUNT) for _ in communities],
                "signage": [draw(_YES_NO) for _ in communities],
                "funds_street": [draw(_AMOUNT) for _ in communities],
            }
        ),
    }
    units = [f"U{i}" for i in range(draw(st.integers(0, 4)))]
    tables["units"] = pd.DataFrame(
        {
            "id": units,
            "name": [draw(_TEXT) for _ in units],
            "community": [draw(st.sampled_from(communities)) for _ in units],
            "kind": [draw(st.sampled_from(UNIT_KIND.codes())) for _ in units],
            "trade": [optional(_TEXT) for _ in units],
            "instructor": [draw(_YES_NO) for _ in units],
        }
    )
    orgs = [f"P{i}" for i in range(draw(st.integers(1, 3)))]
    tables["party_orgs"] = pd.DataFrame(
        {
            "id": orgs,
            "name": [draw(_TEXT) for _ in orgs],
            "kind": [draw(st.sampled_from(ORG_KIND.codes())) for _ in orgs],
            "parent": [optional(st.sampled_from(orgs[:i])) if i else None for i in range(len(orgs))],
            "community": [optional(st.sampled_from(communities)) for _ in orgs],
            "status": [draw(st.sampled_from(ORG_STATUS.codes())) for _ in orgs],
            "units": [refs(units) for _ in orgs],
        }
    )
    people = []
    for i in range(draw(st.integers(0, 4))):
        born = draw(st.integers(1930, year - 18))
        joined = draw(st.dates(dt.date(born + 18, 1, 1), dt.date(year, 12, 31)))
        people.append(
            {
                "id": f"M{i}",
                "org": draw(st.sampled_from(orgs)),
                "unit": optional(st.sampled_from(units)) if units else None,
                "birth_year": born,
                "sex": optional(st.sampled_from(SEX.codes())),
                "education": optional(st.sampled_from(EDUCATION.codes())),
                "joined": pd.Timestamp(joined),
                "status": draw(st.sampled_from(MEMBER_STATUS.codes())),
                "sponsors": refs([p["id"] for p in people]),
            }
        )
    tables["members"] = pd.DataFrame(people, columns=["id"]) if not people else pd.DataFrame(people)
    members = [p["id"] for p in people]
    applied = draw(st.dates(dt.date(year - 3, 1, 1), dt.date(year, 6, 30)))
    tables["pipeline"] = pd.DataFrame(
        [
            {
                "id": "A",
                "org": orgs[0],
                "birth_year": year - 30,
                "stage": draw(st.sampled_from(STAGE.codes())),
                "applied": pd.Timestamp(applied),
                "activist_since": pd.Timestamp(applied + dt.timedelta(days=draw(st.integers(0, 100)))),
                "training_days": optional(st.integers(0, 30)),
                "sponsors": refs(members),
            }
        ]
    )
    tables["cadres"] = pd.DataFrame(
        [
            {
                "id": "K",
                "community": communities[0],
                "post": draw(st.sampled_from(POST.codes())),
                "member": optional(st.sampled_from(members)) if members else None,
                "birth_year": draw(st.integers(1930, year)),
                "ready": draw(_YES_NO),
            }
        ]
    )
    kinds = draw(st.lists(_TEXT, unique=True, max_size=2))
    tables["activities"] = pd.DataFrame(
        {
            "community": communities[0],
            "year": year,
            "kind": kinds,
            "count": [draw(st.integers(0, 99)) for _ in kinds],
        }
    )
    if units:
        tables["cobuilding"] = pd.DataFrame(
            [{"unit": units[0], "community": communities[-1], "pledged": draw(_AMOUNT)}]
        )
    return Ledger.from_tables(**tables)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledger=ledgers(), lang=st.sampled_from(["zh", "en"]))
def test_any_valid_ledger_survives_a_round_trip(tmp_path, ledger, lang):
    for target in ("l.xlsx", "l_csv"):
        path = write_ledger(ledger, tmp_path / target, overwrite=True, lang=lang)
        back = read_ledger(path, lang=lang)
        assert back.equals(ledger), target


# --- messy workbooks ------------------------------------------------------------------------------


def _rewrite(path, edit) -> None:
    """Open the workbook at ``path``, let ``edit(book)`` change it, save it."""
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def test_ten_planted_mistakes_are_all_reported_where_they_are(tiny_ledger, tmp_path):
    path = write_ledger(tiny_ledger, tmp_path / "l.xlsx")

    def plant(book):
        book["社区"]["C2"] = "很多"  # households: not a number
        book["单位"]["D3"] = "外企"  # kind: not an allowed label
        book["单位"]["C4"] = "C9"  # community: no such row
        book["党员"]["H2"] = "2003-13-45"  # joined: not a date
        book["党员"]["A7"] = "M05"  # id: duplicate
        book["党组织"]["F4"] = None  # status: required
        book["发展对象"]["J3"] = dt.datetime(2000, 1, 1)  # activist_since before applied
        book["社区干部"]["F3"] = 2010  # birth year after the ledger year
        book["活动"]["D2"] = -3  # count: below zero
        book["共建"]["C2"] = "#REF!"  # a formula's error value

    _rewrite(path, plant)
    problems = load_ledger(path).errors
    assert sorted((p.sheet, p.row, p.column) for p in problems) == sorted(
        [
            ("社区", 2, "户数"),
            ("单位", 3, "单位类别"),
            ("单位", 4, "所在社区"),
            ("党员", 2, "入党日期"),
            ("党员", 7, "党员编号"),
            ("党组织", 4, "状态"),
            ("发展对象", 3, "确定积极分子日期"),
            ("社区干部", 3, "出生年份"),
            ("活动", 2, "次数"),
            ("共建", 2, "认捐金额(元/年)"),
        ]
    )
    by_place = {(p.sheet, p.row): p for p in problems}
    assert by_place["社区", 2].value == "很多" and "整数" in by_place["社区", 2].message
    assert "非公企业" in by_place["单位", 3].message  # the allowed labels are listed
    assert "#REF!" in by_place["共建", 2].message
    with pytest.raises(LedgerError) as caught:
        read_ledger(path)
    assert len([p for p in caught.value.problems if p.severity == "error"]) == 10
    assert "第 4 行「所在社区」列" in str(caught.value)


_TRADITIONAL_HEADERS = {
    "社区编号": "社區編號",
    "户数": "戶數",
    "社区名称": "社區名稱 ",
    "相邻社区": "相鄰 社區",
}


def test_traditional_headers_full_width_digits_spaces_and_excel_dates_are_accepted(tiny_ledger, tmp_path):
    path = write_ledger(tiny_ledger, tmp_path / "l.xlsx")

    def mess(book):
        communities = book["社区"]
        communities.title = "社區"
        for cell in communities[1]:
            cell.value = _TRADITIONAL_HEADERS.get(cell.value, cell.value)
        communities["C2"] = "１２００"
        communities["B3"] = "  燕兴 "
        communities["E2"] = "Y"
        communities["H4"] = "無"
        units = book["单位"]
        units["D2"] = "事業單位"
        units["E2"] = " 4 0 "
        members = book["党员"]
        members["H2"] = 24654  # Excel serial of 1967-07-01
        members["H3"] = "1969年7月1日"
        members["I4"] = "正式黨員"
        book["党组织"]["C7"] = "聯合支部"
        book["党组织"].move_range("A1:H8", cols=1)  # columns in another place: an empty column first
        book["党组织"]["A1"] = None

    _rewrite(path, mess)
    result = load_ledger(path)
    assert result.problems == []
    assert result.ledger.equals(tiny_ledger)


def test_columns_in_any_order_extra_columns_and_sheets_warn(tiny_ledger, tmp_path):
    path = write_ledger(tiny_ledger, tmp_path / "l.xlsx")

    def shuffle(book):
        units = book["单位"]
        rows = [[c.value for c in row] for row in units.iter_rows()]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate([*reversed(row), "备注" if r == 1 else "x"], start=1):
                units.cell(r, c).value = value
        book.create_sheet("草稿")

    _rewrite(path, shuffle)
    result = load_ledger(path)
    assert [(p.sheet, p.row, p.column, p.severity) for p in result.problems] == [
        ("草稿", None, None, "warning"),
        ("单位", 1, "备注", "warning"),
    ]
    assert result.ledger.equals(tiny_ledger)


def test_structure_problems_are_reported_once(tiny_ledger, tmp_path):
    path = write_ledger(tiny_ledger, tmp_path / "l.xlsx")

    def break_structure(book):
        del book["单位"]
        book["党员"]["C1"] = "birth year"  # 所在党组织 (required) replaced by a second birth-year column

    _rewrite(path, break_structure)
    problems = load_ledger(path, lang="en").problems
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("Units", None, None),
        ("党员", 1, "出生年份"),  # neither birth-year column is read, the cells are not blamed
        ("党员", 1, "organisation"),
    ]
    assert "missing" in problems[0].message and "appears twice" in problems[1].message


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(tiny_ledger, tmp_path):
    path = write_ledger(tiny_ledger, tmp_path / "l.xlsx")

    def gap(book):
        book["单位"].insert_rows(3, amount=2)
        book["单位"]["C7"] = "C9"  # was row 5 (U4)

    _rewrite(path, gap)
    problems = load_ledger(path).problems
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [("单位", 7, "所在社区", "C9")]


def test_reading_never_changes_the_source(tiny_ledger, tmp_path):
    path = write_ledger(tiny_ledger, tmp_path / "l.xlsx")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    read_ledger(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.xlsx"]


def test_csv_folders_with_chinese_file_names_and_gbk_encoding(tiny_ledger, tmp_path):
    folder = write_ledger(tiny_ledger, tmp_path / "csv")
    text = (folder / "communities.csv").read_text(encoding="utf-8-sig")
    (folder / "communities.csv").unlink()
    (folder / "社区.csv").write_bytes(text.encode("gb18030"))
    assert read_ledger(folder).equals(tiny_ledger)


def test_export_refuses_to_overwrite_unless_asked(tiny_ledger, tmp_path):
    other = Ledger.from_tables(**{**tiny_ledger.tables, "street": tiny_ledger.street.assign(year=2004)})
    for target in ("l.xlsx", "csv"):
        path = write_ledger(tiny_ledger, tmp_path / target)
        with pytest.raises(FileExistsError, match="overwrite"):
            write_ledger(other, path)
        assert read_ledger(path).year == 2003
        write_ledger(other, path, overwrite=True)
        assert read_ledger(path).year == 2004
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "l.xlsx"]  # no temporary files left


def test_files_that_are_not_ledgers(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_ledger(tmp_path / "missing.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    (tmp_path / "notes.txt").write_text("x")
    for name in ("bad.xlsx", "notes.txt"):
        with pytest.raises(LedgerError):
            read_ledger(tmp_path / name)


def test_every_name_of_a_sheet_or_column_finds_only_it():
    sheet_keys = [(normalise.key(a), s.name) for s in SHEETS.values() for a in (s.name, s.zh, s.en)]
    assert len(dict(sheet_keys)) == len(set(sheet_keys))
    for sheet in SHEETS.values():
        keys = [(normalise.key(a), c.name) for c in sheet.columns for a in (c.name, c.zh, c.en)]
        assert len(dict(keys)) == len(set(keys)), sheet.name
