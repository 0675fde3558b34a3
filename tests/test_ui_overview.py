"""The overview widget without a browser: state changes and friendly notes for bad ledgers."""

from __future__ import annotations

import ipywidgets as widgets

from workbench import paths
from workbench.ledger_io import read_ledger
from workbench.rubric import load_rubric
from workbench.scorecard import scorecard
from workbench.ui.overview import OverviewDashboard


def test_an_unreadable_ledger_gives_a_friendly_note_not_a_traceback(tmp_path):
    fake = tmp_path / "ledger.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    note = OverviewDashboard.for_path(fake)
    assert isinstance(note, widgets.HTML) and "wb-error" in note.value and "Traceback" not in note.value
    missing = OverviewDashboard.for_path(tmp_path / "missing.xlsx", lang="en")
    assert "cannot be read" in missing.value


def test_switching_rubric_language_and_community_redraws():
    board = OverviewDashboard.for_sample()
    ledger = read_ledger(paths.SAMPLE_LEDGER)
    card = scorecard(ledger, load_rubric("modern"))
    board.rubric_name = "modern"
    expected = int(card.summary()["all_met"].sum())
    assert f"data-value='{expected}'" in board.headline.value
    board.lang = "en"
    assert "Communities meeting all five" in board.headline.value
    other = ledger.communities["id"].iloc[-1]
    board.community = other
    assert f"data-community='{other}'" in board.gaps.value


def test_switching_language_keeps_the_chosen_rubric():
    board = OverviewDashboard.for_sample()
    for lang in ("en", "zh", "en"):
        board.lang = lang
        assert board.rubric_name == "seed_2003" and board.card.rubric.name == "seed_2003"
    board.rubric_name = "modern"
    board.lang = "zh"
    assert board.card.rubric.name == "modern" and board.rubric_picker.value == "modern"
