"""The pipeline audit: each rule breach found, located and worded; the command's exit codes."""

from __future__ import annotations

import pandas as pd

from workbench import cli
from workbench.audit import audit
from workbench.ledger import Ledger
from workbench.ledger_io import write_ledger
from workbench.synth import sample_ledger


def broken_ledger() -> Ledger:
    ledger = sample_ledger()
    pipe, members = ledger.pipeline.copy(), ledger.members.copy()
    candidate = pipe.index[pipe["stage"] == "candidate"][0]
    pipe.loc[0, "birth_year"] = 1990  # applied in 2003, aged 13
    pipe.loc[candidate, "activist_since"] = pipe.loc[candidate, "candidate_since"] - pd.DateOffset(months=6)
    pipe.loc[candidate, "training_days"] = 1
    pipe.loc[candidate, "sponsors"] = "M001;NOBODY"
    probationary = members.index[members["status"] == "probationary"][0]
    members.loc[probationary, "joined"] = pd.Timestamp("2001-06-01")
    members.loc[probationary, "sponsors"] = members.loc[probationary, "sponsors"].split(";")[0]
    return (
        Ledger.from_tables(**{**ledger.tables, "pipeline": pipe, "members": members}),
        candidate,
        probationary,
    )


def test_the_sample_street_keeps_the_rules():
    assert audit(sample_ledger()) == []


def test_every_breach_is_found_with_sheet_row_and_column():
    ledger, candidate, probationary = broken_ledger()
    found = {(p.sheet, p.row, p.column, p.message) for p in audit(ledger)}
    assert found == {
        ("发展对象", 2, "申请日期", "申请入党时未满 18 周岁"),
        ("发展对象", candidate + 2, "确定发展对象日期", "确定为入党积极分子不满 12 个月即列为发展对象"),
        ("发展对象", candidate + 2, "集中培训天数", "发展对象集中培训不足 3 天"),
        ("发展对象", candidate + 2, "入党介绍人", "入党介绍人不是正式党员"),
        ("党员", probationary + 2, "入党日期", "预备期（含延长）已超过 24 个月仍未转正"),
        ("党员", probationary + 2, "入党介绍人", "入党介绍人少于 2 名"),
    }
    english = audit(ledger, lang="en")
    assert {p.sheet for p in english} == {"Pipeline", "Members"}
    assert "fewer than 2 sponsors" in {p.message for p in english}
    assert any(p.value == "NOBODY" for p in english)


def test_audit_command(tmp_path, capsys):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    write_ledger(sample_ledger(), good)
    write_ledger(broken_ledger()[0], bad)
    assert cli.main(["audit", str(good)]) == 0
    assert "检查通过" in capsys.readouterr().out
    assert cli.main(["audit", str(bad), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "6 breaches" in out and "Pipeline" in out
