"""The reports: the workbook re-read with openpyxl equals the stored results; the briefing is a
short A4 PDF in Chinese; neither names a person."""

from __future__ import annotations

import math

import numpy as np
import openpyxl
import pytest
from test_handout import A4_POINTS, pdf_pages

from workbench.cli import main as cli
from workbench.compare import ALL, compare
from workbench.report import write_briefing, write_workbook
from workbench.runner import run
from workbench.store import ScenarioStore
from workbench.synth import sample_ledger

SHEETS = ["说明", "经费方案", "达标预测", "情景比较", "经费"]
DIGITS = 1e-15  # a workbook keeps 16 significant digits (openpyxl writes "%.16g")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "store.sqlite"
    with ScenarioStore(path) as opened:
        for name in ("as_is", "remedies"):
            run(name, runs=30, seed=5, progress=False).save(opened)
    return path


@pytest.fixture(scope="module")
def stored(store):
    with ScenarioStore(store) as opened:
        return {name: opened.load(name) for name in ("as_is", "remedies")}


@pytest.fixture(scope="module")
def workbook(store, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    assert cli(["report", "as_is", "remedies", "--store", str(store), "--out", str(path)]) == 0
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def briefing(stored, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    pages = write_briefing(path, list(stored.values()))
    return path, pages


def records(sheet) -> list[dict]:
    """The sheet's rows as dicts keyed by the header (rows until the first blank one)."""
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    out = []
    for row in rows:
        if all(v is None for v in row):
            break
        out.append(dict(zip(header, row, strict=True)))
    return out


def test_the_workbook_has_its_sheets_with_chinese_headers(workbook):
    assert workbook.sheetnames == SHEETS
    assert [c.value for c in workbook["达标预测"][1]][:5] == [
        "情景",
        "社区",
        "五有",
        "达标年份（中位数）",
        "期末达标概率",
    ]


def test_projections_equal_the_stored_results(workbook, stored):
    rows = records(workbook["达标预测"])
    assert len(rows) == sum(len(s.tables["when_met"]) for s in stored.values())
    titles = {"维持现状": "as_is", "报告提出的对策": "remedies"}
    haves = {"有组织": "organisation", "有阵地": "venue", "有队伍": "team", "有经费": "funding"}
    haves |= {"有活动（有制度）": "activities", "五有全部达标": ALL}
    for row in rows[::7]:
        name = titles[row["情景"]]
        when = stored[name].tables["when_met"].set_index(["community_name", "have"])
        expected = when.loc[(row["社区"], haves[row["五有"]])]
        year = row["达标年份（中位数）"]
        assert (year is None and math.isnan(expected["median_year"])) or year == expected["median_year"]
        assert row["期末达标概率"] == pytest.approx(expected["p_final"], rel=DIGITS)
        probability = stored[name].tables["probability"]
        by_year = probability[
            (probability["community_name"] == row["社区"]) & (probability["have"] == haves[row["五有"]])
        ]
        for year_, p in zip(by_year["year"], by_year["probability"], strict=True):
            assert row[f"{year_} 年达标概率"] == pytest.approx(p, rel=DIGITS)


def test_comparison_and_cost_sheets_equal_the_comparison(workbook, stored):
    comparison = compare(list(stored.values()))
    rows = [r for r in records(workbook["情景比较"]) if r["五有"] == "五有全部达标"]
    by_year = comparison.by_year()
    for label, name in (("维持现状", "as_is"), ("报告提出的对策", "remedies")):
        expected = by_year[(by_year["scenario"] == name) & (by_year["have"] == ALL)]["expected"]
        np.testing.assert_allclose([r[label] for r in rows], expected.to_numpy(), rtol=DIGITS)
    cost = records(workbook["经费"])
    totals = {r["情景"]: r for r in cost if r["年份"] == "合计"}
    expected = comparison.cost().pivot(index="scenario", columns="source", values="cost")
    assert totals["报告提出的对策"]["共建单位"] == pytest.approx(expected.loc["remedies", "cobuilding"])
    assert totals["维持现状"]["合计"] == pytest.approx(expected.loc["as_is"].sum())
    yearly = [r["合计"] for r in cost if r["情景"] == "维持现状" and r["年份"] != "合计"]
    assert sum(yearly) == pytest.approx(expected.loc["as_is"].sum())
    summary = {r["情景代号"]: r for r in records(workbook["说明"])}
    assert summary["remedies"]["经费合计（元）"] == pytest.approx(expected.loc["remedies"].sum())
    assert summary["remedies"]["模拟次数"] == 30 and summary["remedies"]["随机种子"] == 5
    plan = records(workbook["经费方案"])
    assert len(plan) == sum(len(s.tables["plan"]) for s in stored.values())
    assert sum(r["金额（元）"] for r in plan if r["情景"] == "维持现状") == pytest.approx(
        stored["as_is"].tables["plan"]["cost"].sum()
    )


def test_the_briefing_is_one_to_three_a4_pages_in_chinese(briefing):
    path, count = briefing
    pages = pdf_pages(path)
    assert 1 <= count <= 3 and len(pages) == count
    for page in pages:
        assert page["media_box"][2:] == pytest.approx(A4_POINTS, abs=1)
    text = "".join(p["text"] for p in pages)
    assert "五有规划情景简报" in pages[0]["text"] and "主要结论" in text
    assert "报告提出的对策" in text and "汇丰社区" in text and "\ufffd" not in text
    assert any("NotoSansCJKsc" in font for font in pages[0]["fonts"])


def test_no_person_is_named_anywhere(workbook, briefing):
    ledger = sample_ledger()
    names = {n for sheet in (ledger.members, ledger.cadres, ledger.pipeline) for n in sheet["name"].dropna()}
    assert len(names) > 50
    cells = " ".join(
        str(v)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    text = "".join(p["text"] for p in pdf_pages(briefing[0]))
    found = [n for n in names if n in cells or n in text]
    assert found == []


def test_an_english_workbook(stored, tmp_path):
    path = write_workbook(tmp_path / "en.xlsx", list(stored.values()), lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["summary", "plan", "projections", "comparison", "cost"]
    assert records(book["summary"])[0]["scenario"] == "As is"


def test_the_command_refuses_to_overwrite_unless_forced(store, tmp_path, capsys):
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"keep me")
    command = ["report", "as_is", "remedies", "--store", str(store), "--out", str(path)]
    assert cli(command) == 1
    assert path.read_bytes() == b"keep me" and "--force" in capsys.readouterr().err
    assert cli([*command, "--force"]) == 0
    assert path.read_bytes().startswith(b"%PDF") and "已写出" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == [path]
    assert cli(["report", "as_is", "--store", str(store), "--out", str(tmp_path / "plan.docx")]) == 1
    with pytest.raises(FileExistsError):
        write_workbook(path, [], overwrite=False)
