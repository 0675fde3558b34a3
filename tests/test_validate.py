"""Validation: one test per rule, each planting one mistake in the tiny ledger and finding it where it is."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from workbench import cli
from workbench.ledger import Ledger
from workbench.ledger_io import write_ledger
from workbench.settings import RULES
from workbench.validate import Layout, report, validate


def edited(ledger: Ledger, sheet: str, index: int, **cells) -> Ledger:
    """``ledger`` with the cells of one row of ``sheet`` changed."""
    table = ledger[sheet].copy()
    for column, value in cells.items():
        table.loc[index, column] = value
    return Ledger.from_tables(**{**ledger.tables, sheet: table})


def located(problems) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.severity) for p in problems]


def test_the_tiny_ledger_is_clean(tiny_ledger):
    assert validate(tiny_ledger) == []
    assert validate(tiny_ledger.tables) == []  # a mapping of tables is accepted too


def test_an_empty_required_cell_is_an_error(tiny_ledger):
    problems = validate(edited(tiny_ledger, "communities", 1, households=None))
    assert located(problems) == [("社区", 3, "户数", "error")]
    assert "必填" in problems[0].message


def test_an_unknown_enum_code_is_an_error(tiny_ledger):
    problems = validate(edited(tiny_ledger, "units", 0, kind="factory"), lang="en")
    assert located(problems) == [("Units", 2, "kind", "error")]
    assert problems[0].value == "factory" and "non_public_enterprise" in problems[0].message


@pytest.mark.parametrize(
    ("sheet", "column", "value", "header"),
    [("communities", "households", -1, "户数"), ("members", "birth_year", 1800, "出生年份")],
)
def test_a_number_out_of_range_is_an_error(tiny_ledger, sheet, column, value, header):
    problems = validate(edited(tiny_ledger, sheet, 2, **{column: value}))
    assert [(p.row, p.column, p.value) for p in problems] == [(4, header, value)]


def test_a_duplicate_id_is_reported_at_its_second_row(tiny_ledger):
    problems = validate(edited(tiny_ledger, "units", 4, id="U1"))
    assert located(problems) == [("单位", 6, "单位编号", "error")]


def test_a_duplicate_composite_key_is_an_error(tiny_ledger):
    problems = validate(edited(tiny_ledger, "activities", 1, kind="党课"))
    assert located(problems) == [("活动", 3, "社区", "error")]
    assert problems[0].value == "C1 / 2003 / 党课"


def test_references_must_name_existing_rows(tiny_ledger):
    ledger = edited(tiny_ledger, "units", 2, community="C9")
    ledger = edited(ledger, "party_orgs", 5, units="U2;U9")
    problems = validate(ledger)
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("单位", 4, "所在社区", "C9"),
        ("党组织", 7, "覆盖单位", "U9"),
    ]
    assert "「社区」" in problems[0].message


def test_a_cycle_of_parent_organisations_is_an_error(tiny_ledger):
    ledger = edited(tiny_ledger, "party_orgs", 1, parent="P4")
    ledger = edited(ledger, "party_orgs", 4, parent="P1")
    ledger = edited(ledger, "party_orgs", 2, parent="P2")  # its own parent
    problems = validate(ledger)
    assert [(p.row, p.column, p.value) for p in problems] == [
        (3, "上级党组织", "P4"),
        (4, "上级党组织", "P2"),
        (6, "上级党组织", "P1"),
    ]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"activist_since": pd.Timestamp(2001, 3, 1)}, "确定积极分子日期"),
        ({"candidate_since": pd.Timestamp(2001, 8, 1)}, "确定发展对象日期"),
        ({"activist_since": pd.NaT, "candidate_since": pd.Timestamp(2001, 1, 1)}, "确定发展对象日期"),
    ],
)
def test_pipeline_dates_must_follow_each_other(tiny_ledger, cells, column):
    problems = validate(edited(tiny_ledger, "pipeline", 1, **cells))
    assert located(problems) == [("发展对象", 3, column, "error")]


def test_nobody_joins_or_applies_before_the_minimum_age(tiny_ledger):
    ledger = edited(tiny_ledger, "members", 0, birth_year=1950, joined=pd.Timestamp(1967, 12, 1))
    ledger = edited(ledger, "pipeline", 0, birth_year=1986)
    problems = validate(ledger)
    assert located(problems) == [("党员", 2, "入党日期", "error"), ("发展对象", 2, "申请日期", "error")]
    assert "18" in problems[0].message
    assert validate(ledger, rules=replace(RULES, min_applicant_age=17)) == []


def test_a_birth_year_after_the_ledger_year_is_an_error(tiny_ledger):
    problems = validate(edited(tiny_ledger, "cadres", 1, birth_year=2004))
    assert located(problems) == [("社区干部", 3, "出生年份", "error")]
    assert "2003" in problems[0].message


def test_the_street_sheet_has_exactly_one_row(tiny_ledger):
    two = pd.concat([tiny_ledger.street, tiny_ledger.street.assign(id="S2")])
    for street in (tiny_ledger.street.iloc[:0], two):
        problems = validate(Ledger.from_tables(**{**tiny_ledger.tables, "street": street}))
        assert located(problems) == [("街道", None, None, "error")]


def test_an_oversized_branch_is_a_warning(tiny_ledger):
    problems = validate(tiny_ledger, rules=replace(RULES, branch_max_members=3))
    # P1 has 3 full members and one probationary; the joint branch P5 has 3
    assert located(problems) == [("党组织", 3, "组织类别", "warning")]
    assert "4" in problems[0].message and "3" in problems[0].message


def test_a_joint_branch_of_too_many_units_is_a_warning(tiny_ledger):
    problems = validate(tiny_ledger, rules=replace(RULES, joint_branch_max_units=1))
    assert located(problems) == [("党组织", 7, "覆盖单位", "warning")]


@pytest.mark.parametrize(
    ("joined", "warned"), [(pd.Timestamp(2001, 12, 1), False), (pd.Timestamp(2001, 11, 30), True)]
)
def test_a_probation_past_its_longest_extension_is_a_warning(tiny_ledger, joined, warned):
    # by 31 Dec 2003: joined Dec 2001 → 24 months (the longest allowed), Nov 2001 → 25
    problems = validate(edited(tiny_ledger, "members", 15, joined=joined))
    assert located(problems) == ([("党员", 17, "入党日期", "warning")] if warned else [])


def test_an_established_branch_below_three_full_members_is_a_warning(tiny_ledger):
    ledger = edited(tiny_ledger, "members", 9, org="P1")  # P4 keeps 2 full members
    ledger = edited(ledger, "members", 12, status="probationary", joined=pd.Timestamp(2003, 6, 1))
    problems = validate(ledger)
    assert located(problems) == [("党组织", 6, "组织类别", "warning"), ("党组织", 7, "组织类别", "warning")]
    assert "2" in problems[0].message  # the preparing branch P6, with no member, is not warned


def test_a_layout_places_problems_where_the_file_has_them(tiny_ledger):
    layout = Layout(
        titles={"units": "單位"}, rows={"units": [2, 3, 7, 8, 9]}, headers={"units": {"community": "社區"}}
    )
    problems = validate(edited(tiny_ledger, "units", 2, community="C9"), layout=layout)
    assert located(problems) == [("單位", 7, "社區", "error")]


def test_the_report_names_sheet_row_column_and_value(tiny_ledger):
    problems = validate(edited(tiny_ledger, "units", 2, community="C9"), lang="en")
    line = report(problems, "en")
    assert line.startswith('error | sheet "Units", row 4, column "community", value "C9":')
    assert "第 4 行" in report(validate(edited(tiny_ledger, "units", 2, community="C9")))


def test_the_validate_command_exit_codes(tiny_ledger, tmp_path, capsys):
    good = write_ledger(tiny_ledger, tmp_path / "good.xlsx")
    bad = write_ledger(edited(tiny_ledger, "units", 2, community="C9"), tmp_path / "bad.xlsx")
    assert cli.main(["validate", str(good)]) == 0
    assert "台账有效" in capsys.readouterr().out
    assert cli.main(["validate", str(bad), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert 'sheet "单位", row 4, column "所在社区", value "C9"' in out
    assert "1 errors" in out
    assert cli.main(["validate", str(tmp_path / "nothing.xlsx")]) == 2
    (tmp_path / "notes.txt").write_text("x")
    assert cli.main(["validate", str(tmp_path / "notes.txt")]) == 2
