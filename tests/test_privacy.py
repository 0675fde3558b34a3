"""Personal data stays out of published output: small groups hidden or merged, and the leaders'
dashboard never shows a person's name or id, in any state."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import paths
from workbench.anonymise import PEOPLE
from workbench.i18n import t
from workbench.ledger_io import read_ledger
from workbench.privacy import SMALL_GROUP_THRESHOLD, small_groups, suppress_small
from workbench.rubric import load_rubric
from workbench.serve import served


def groups(*counts: int) -> pd.DataFrame:
    labels = [f"g{i}" for i in range(len(counts))]
    return pd.DataFrame(
        {"group": labels, "people": counts, "mean_age": [40.0 + i for i in range(len(counts))]}
    )


def test_the_default_threshold_is_three():
    assert SMALL_GROUP_THRESHOLD == 3


def test_small_counts_read_less_than_three_and_their_figures_are_blanked():
    out = suppress_small(groups(5, 2, 0, 7, 1), "people", also=["mean_age"])
    assert out["people"].tolist() == [5, "<3", 0, 7, "<3"]
    assert out["mean_age"].tolist() == [40.0, None, 42.0, 43.0, None]
    assert out["group"].tolist() == ["g0", "g1", "g2", "g3", "g4"]


def test_one_small_group_takes_the_next_smallest_with_it():
    """Else a total elsewhere gives the hidden count away by subtraction."""
    out = suppress_small(groups(5, 2, 9, 4), "people")
    assert out["people"].tolist() == [5, "<3", 9, "<3"]  # 4 is the next smallest


def test_small_groups_merge_into_other():
    out = suppress_small(groups(5, 2, 0, 7, 1), "people", merge_on="group", also=["mean_age"])
    assert out["group"].tolist() == ["g0", "g2", "g3", "其他"]
    assert out["people"].tolist() == [5, 0, 7, 3]
    assert pd.isna(out["mean_age"].iloc[-1])


def test_a_merged_group_still_too_small_takes_the_smallest_others_with_it():
    out = suppress_small(groups(6, 1, 9, 4), "people", merge_on="group", lang="en")
    assert out["group"].tolist() == ["g0", "g2", "Other"]
    assert out["people"].tolist() == [6, 9, 5]  # 1 + 4


def test_when_all_groups_are_small_the_merged_count_is_hidden_too():
    out = suppress_small(groups(1, 1), "people", merge_on="group")
    assert out["group"].tolist() == ["其他"] and out["people"].tolist() == ["<3"]


def test_a_table_without_small_groups_is_unchanged():
    table = groups(3, 0, 12)
    assert suppress_small(table, "people").equals(table)
    assert suppress_small(table, "people", threshold=1).equals(table)


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=12),
    threshold=st.integers(min_value=2, max_value=6),
)
def test_no_published_count_is_small_and_none_can_be_recovered(counts, threshold):
    table = groups(*counts)
    shown = suppress_small(table, "people", threshold)["people"]
    numbers = [c for c in shown if not isinstance(c, str)]
    assert not any(1 <= c < threshold for c in numbers)
    hidden = [i for i, c in enumerate(shown) if isinstance(c, str)]
    assert hidden == sorted(small_groups(table["people"], threshold).pipe(lambda s: s[s].index))
    positive = sum(1 for c in counts if c > 0)
    assert len(hidden) != 1 or positive == 1  # one lone hidden count only if nothing can join it

    merged = suppress_small(table, "people", threshold, merge_on="group")
    numeric = pd.to_numeric(merged["people"], errors="coerce")
    assert not ((numeric >= 1) & (numeric < threshold)).any()
    if merged["people"].map(lambda c: not isinstance(c, str)).all():
        assert numeric.sum() == sum(counts)  # merging loses no one


# --- the leaders' dashboard -------------------------------------------------------------------

NOT_TEXT = re.compile(r"<style[^>]*>.*?</style>|data:[^\"')\s]+", re.DOTALL)  # CSS, inline images


@pytest.fixture(scope="module")
def people():
    ledger = read_ledger(paths.SAMPLE_LEDGER)
    names = {n for sheet in PEOPLE for n in ledger[sheet]["name"].dropna()}
    ids = {i for sheet in PEOPLE for i in ledger[sheet]["id"]}
    return ledger, names, ids


def leaks(html: str, names: set[str], ids: set[str]) -> list[str]:
    """Names found anywhere in the page; ids found as words outside styles and inline images."""
    words = set(re.findall(r"\w+", NOT_TEXT.sub(" ", html)))
    return sorted(n for n in names if n in html) + sorted(ids & words)


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_the_dashboard_shows_no_name_or_id_in_any_state(tmp_path, people):
    from browser_support import browser

    ledger, names, ids = people
    assert len(names) > 300 and "王建国" in names
    communities = ledger.communities
    notebook = paths.DASHBOARDS / "overview.ipynb"
    with served(notebook, log=tmp_path / "voila.log") as (url, _), browser(tmp_path) as chromium:
        page = chromium.new_page()
        page.route(
            lambda address: not address.startswith(url),
            lambda route: route.fulfill(status=200, content_type="text/css", body=""),
        )
        response = page.goto(url)
        page.wait_for_selector(".wb-card[data-key='all_met']", timeout=90_000)
        states = {"served html": response.text(), "first view": page.content()}
        for language, button in (("zh", "中文"), ("en", "English")):
            page.click(f".wb-language button:has-text('{button}')")
            page.wait_for_selector(f".wb-card-label:has-text('{t('dashboard.all_met', language)}')")
            for community, name in zip(communities["id"], communities["name"], strict=True):
                page.select_option(".wb-community select", label=name)
                page.wait_for_selector(f".wb-gaps ul[data-community='{community}']", timeout=30_000)
                states[f"{language} {name}"] = page.content()
        gaps = page.inner_text(".wb-gaps")
        page.select_option(".wb-rubric select", label=load_rubric("modern").title[language])
        page.wait_for_function(
            "before => document.querySelector('.wb-gaps').innerText !== before", arg=gaps, timeout=30_000
        )
        states["modern rubric"] = page.content()
    assert len(states) == 2 + 2 * len(communities) + 1
    found = {state: leaks(html, names, ids) for state, html in states.items()}
    assert {state: found for state, found in found.items() if found} == {}
