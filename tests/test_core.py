"""The shared contract: settings, schema, results table, labels, CLI dispatcher, serving options."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import cli, i18n, results, schema, serve
from workbench.figures import FIGURES
from workbench.ledger import Ledger
from workbench.settings import RULES


@pytest.mark.parametrize(
    ("members", "kind"),
    [(3, "branch"), (50, "branch"), (51, "general_branch"), (99, "general_branch"), (100, "committee")],
)
def test_org_kind_for_size_follows_the_branch_regulations(members, kind):
    assert RULES.org_kind_for_size(members) == kind


def test_longest_probation_is_one_year_plus_the_longest_extension():
    assert RULES.max_probation_months == 24


def test_every_sheet_has_unique_chinese_and_english_headers():
    for sheet in schema.SHEETS.values():
        for attr in ("zh", "en", "name"):
            headers = [getattr(c, attr) for c in sheet.columns]
            assert len(headers) == len(set(headers)), (sheet.name, attr)
        assert all(k in sheet.names for k in sheet.key)


def test_refs_and_enums_point_at_real_sheets_and_codes():
    for sheet in schema.SHEETS.values():
        for column in sheet.columns:
            assert (column.kind in ("ref", "refs")) == (column.ref is not None), column
            assert column.ref is None or "id" in schema.SHEETS[column.ref].names
            assert (column.kind == "enum") == (column.enum is not None), column


def test_canonical_casts_dtypes_and_blanks_to_none():
    table = pd.DataFrame(
        {"id": ["C1", "C2"], "name": ["汇丰", ""], "households": [1200, None], "signage": [True, None]}
    )
    out = schema.canonical("communities", table)
    assert list(out.columns) == schema.COMMUNITIES.names
    assert out["name"].tolist() == ["汇丰", None]
    assert str(out["households"].dtype) == "Int64" and out["households"].isna().tolist() == [False, True]
    assert str(out["signage"].dtype) == "boolean"
    assert out["space_m2"].dtype == np.float64


@pytest.mark.parametrize("cell", ["U1;U2", "U1；U2", "U1, U2", "U1、U2", " U1 ;U2; "])
def test_split_refs_accepts_the_usual_separators(cell):
    assert schema.split_refs(cell) == ["U1", "U2"]
    assert schema.join_refs(schema.split_refs(cell)) == "U1;U2"


def test_an_empty_ledger_has_every_sheet_in_canonical_form():
    ledger = Ledger.from_tables()
    assert set(ledger.tables) == set(schema.SHEETS)
    assert ledger.fingerprint() == Ledger.from_tables().fingerprint()
    with pytest.raises(KeyError):
        Ledger.from_tables(nonsense=pd.DataFrame())


def test_long_table_and_cube_are_inverse():
    values = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    table = results.long_table({"org_coverage": values}, years=[2003, 2004, 2005], communities=list("ABCD"))
    assert tuple(table.columns) == results.COLUMNS
    assert len(table) == 24
    row = table[(table.run == 1) & (table.year == 2004) & (table.community == "C")]
    assert row["value"].item() == values[1, 1, 2]
    back, years, communities = results.cube(table, "org_coverage")
    np.testing.assert_array_equal(back, values)
    assert list(years) == [2003, 2004, 2005] and list(communities) == list("ABCD")


def test_long_table_rejects_a_wrong_shape():
    with pytest.raises(ValueError, match="does not match"):
        results.long_table({"x": np.zeros((1, 2, 3))}, years=[1, 2, 3], communities=["A"])


def test_labels_exist_in_both_languages_and_format():
    assert i18n.t("have.venue") == "有阵地"
    assert i18n.t("have.venue", "en") == "Venue"
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.t("have.venue", "fr")


def test_a_label_defined_twice_is_an_error(tmp_path, monkeypatch):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("x.y:\n  zh: 一\n  en: one\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "_LABEL_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            i18n.catalogue()
    finally:
        i18n.catalogue.cache_clear()


def test_figures_have_both_labels():
    assert all(f.zh and f.en for f in FIGURES.values())


def test_cli_lists_every_command_module(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in cli._command_names():
        assert name in out


def test_serving_beyond_localhost_needs_a_token(tmp_path):
    notebook = tmp_path / "x.ipynb"
    with pytest.raises(ValueError, match="token"):
        serve.voila_command(notebook, port=1, host="0.0.0.0")
    command = serve.voila_command(notebook, port=1, host="0.0.0.0", token="abc")
    assert "--Voila.token=abc" in command and "--Voila.ip=0.0.0.0" in command
    local = serve.voila_command(notebook, port=1)
    assert "--Voila.ip=127.0.0.1" in local
    assert "--VoilaConfiguration.strip_sources=True" in local
    assert "--VoilaConfiguration.show_tracebacks=False" in local


def test_cli_reports_a_missing_file_without_a_traceback(capsys):
    assert cli.main(["dashboard", "no-such-dashboard"]) == 2
    err = capsys.readouterr().err
    assert "no-such-dashboard" in err and "Traceback" not in err


def test_a_taken_port_is_an_error_not_a_silent_move(tmp_path):
    assert "--Voila.port_retries=0" in serve.voila_command(tmp_path / "x.ipynb", port=1)
