"""The leaders' overview dashboard in a real browser: served by Voilà, driven by Playwright."""

from __future__ import annotations

import time

import openpyxl
import pytest
from browser_support import artifact, browser, open_page

from workbench import paths
from workbench.headlines import headlines
from workbench.ledger_io import read_ledger
from workbench.rubric import load_rubric
from workbench.scorecard import scorecard
from workbench.serve import served

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
RENDER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def expected():
    ledger = read_ledger(paths.SAMPLE_LEDGER)
    card = scorecard(ledger, load_rubric("seed_2003"))
    return ledger, card, headlines(ledger, card)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("overview")
    notebook = paths.DASHBOARDS / "overview.ipynb"
    with served(notebook, log=tmp / "voila.log", preheat=True) as (url, _), browser(tmp) as chromium:
        page = open_page(chromium, url, ".wb-card[data-key='all_met']", timeout_ms=RENDER_TIMEOUT_MS)
        yield page
        page.close()


def card_value(page, key: str) -> str:
    return page.get_attribute(f".wb-card[data-key='{key}']", "data-value")


def test_headline_numbers_equal_the_scorecard(page, expected):
    _, _, figures = expected
    print(f"first render {page.first_render_s:.1f} s")
    assert int(card_value(page, "all_met")) == figures.all_met
    for have, met in figures.haves_met.items():
        assert int(card_value(page, f"have-{have}")) == met
    assert float(card_value(page, "npe_coverage")) == pytest.approx(figures.npe_coverage, abs=1e-6)
    assert "0 / 6" in page.inner_text(".wb-card[data-key='all_met']")


def test_picking_a_community_shows_its_radar_and_gaps(page, expected):
    ledger, card, _ = expected
    first = page.get_attribute(".wb-gaps ul", "data-community")
    radar_before = page.get_attribute(".wb-radar", "src")
    other = ledger.communities.loc[ledger.communities["id"] != first].iloc[0]
    started = time.perf_counter()
    page.select_option(".wb-community select", label=other["name"])
    page.wait_for_selector(f".wb-gaps ul[data-community='{other['id']}']", timeout=30_000)
    print(f"community switch {time.perf_counter() - started:.2f} s")
    shown = page.inner_text(".wb-gaps ul").splitlines()
    gaps = card.gaps("zh")
    assert shown == gaps.loc[gaps["community"] == other["id"], "text"].tolist()
    assert page.get_attribute(".wb-radar", "src") != radar_before


def test_chinese_renders_in_the_page(page):
    """Different hanzi must draw differently (missing glyphs draw the same empty box)."""
    page.evaluate(
        """() => { for (const [id, text] of [["g1", "汇"], ["g2", "丰"]]) {
            const s = document.createElement("span"); s.id = id; s.textContent = text;
            s.style.fontSize = "40px"; document.body.prepend(s); } }"""
    )
    assert page.locator("#g1").screenshot() != page.locator("#g2").screenshot()
    page.screenshot(path=str(artifact("overview.png")), full_page=True)


def test_switching_to_english_changes_the_labels(page):
    page.click(".wb-language button:has-text('English')")
    page.wait_for_selector(".wb-card-label:has-text('Communities meeting all five')", timeout=30_000)
    page.wait_for_selector(".wb-gaps h3:has-text('Gaps')", timeout=30_000)
    assert "Five-Haves Planning Workbench" in page.inner_text(".wb-title")
    page.click(".wb-language button:has-text('中文')")
    page.wait_for_selector(".wb-card-label:has-text('五有全部达标的社区')", timeout=30_000)


def test_uploading_a_bad_ledger_lists_its_problems(page, tmp_path):
    book = openpyxl.load_workbook(paths.SAMPLE_LEDGER)
    sheet = book["社区"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("户数") + 1, value="很多")
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    with page.expect_file_chooser() as chooser:
        page.click(".wb-upload")
    chooser.value.set_files(str(bad))
    page.wait_for_selector(".wb-problems", timeout=30_000)
    rows = page.inner_text(".wb-problems tbody")
    assert "社区" in rows and "3" in rows and "户数" in rows and "很多" in rows
    assert "Traceback" not in page.content()


def test_no_console_errors_and_no_data_leaves_the_machine(page):
    assert page.console_errors == []
    assert all("fontawesome" in url for url in page.external_requests), page.external_requests
