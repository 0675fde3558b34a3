"""The blank template: instructions, headers, drop-down lists, and what it reads back as."""

from __future__ import annotations

import openpyxl
import pytest

from workbench import cli
from workbench._errors import LedgerError
from workbench.ledger_io import load_ledger, write_template
from workbench.schema import SHEETS


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("t") / "template.xlsx")


def test_the_template_has_instructions_then_one_sheet_per_ledger_sheet(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["说明", *(s.zh for s in SHEETS.values())]
    for sheet in SHEETS.values():
        rows = list(book[sheet.zh].iter_rows(values_only=True))
        assert rows == [tuple(c.zh for c in sheet.columns)]


def test_every_enum_and_yes_no_column_has_a_drop_down(template):
    book = openpyxl.load_workbook(template)
    for sheet in SHEETS.values():
        lists = {}
        for valid in book[sheet.zh].data_validations.dataValidation:
            assert valid.type == "list"
            for cells in valid.sqref.ranges:
                assert cells.min_row == 2 and cells.min_col == cells.max_col
                lists[cells.min_col] = valid.formula1.strip('"').split(",")
        expected = {
            j: [c.enum.label(code) for code in c.enum.codes()] if c.enum else ["是", "否"]
            for j, c in enumerate(sheet.columns, start=1)
            if c.kind in ("enum", "bool")
        }
        assert lists == expected, sheet.name


def test_the_instructions_explain_every_column_with_units_and_allowed_values(template):
    rows = list(openpyxl.load_workbook(template)["说明"].iter_rows(values_only=True))
    explained = {(r[0].removesuffix("（可选）"), r[1]): r for r in rows[3:]}
    assert len(explained) == sum(len(s.columns) for s in SHEETS.values())
    assert explained["社区", "户数"][2:] == ("households", "是", "整数，单位：户（只填数字）")
    assert "非公企业" in explained["单位", "单位类别"][4]
    assert "「党组织」" in explained["党员", "所在党组织"][4]
    assert any(r[0] == "发展对象（可选）" for r in rows)


def test_the_blank_template_reads_back_with_only_its_empty_street_missing(template):
    result = load_ledger(template)
    assert [(p.sheet, p.row, p.severity) for p in result.problems] == [("街道", None, "error")]
    assert all(len(table) == 0 for table in result.ledger.tables.values())


def test_an_english_template(tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "en.xlsx", lang="en"))
    assert book.sheetnames[:3] == ["Instructions", "Street", "Communities"]
    valid = {str(v.sqref): v.formula1 for v in book["Members"].data_validations.dataValidation}
    assert valid["I2:I1048576"] == '"full,probationary"'


def test_a_template_is_an_xlsx_and_is_not_written_over(tmp_path):
    with pytest.raises(LedgerError):
        write_template(tmp_path / "template.csv")
    path = write_template(tmp_path / "template.xlsx")
    with pytest.raises(FileExistsError):
        write_template(path)


def test_the_template_command(tmp_path, capsys):
    out = tmp_path / "blank.xlsx"
    assert cli.main(["template", str(out)]) == 0
    assert "空白台账模板" in capsys.readouterr().out and out.exists()
    assert cli.main(["template", str(out)]) == 1
    assert cli.main(["template", str(out), "--overwrite", "--lang", "en"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Instructions"
