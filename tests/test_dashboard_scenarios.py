"""The leaders' scenario dashboard: its what-if engine against a full run, an empty store, and the
dashboard in a real browser (a temporary store, served by Voilà, which finds it through
``$WORKBENCH_STORE``, driven by Playwright)."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from browser_support import artifact, browser, open_page

from workbench import paths, projection
from workbench.runner import run
from workbench.scenario import load_scenario
from workbench.serve import served
from workbench.store import ENV_VAR, ScenarioStore
from workbench.synth import sample_ledger
from workbench.ui import scenarios
from workbench.ui.scenarios import ScenarioDashboard, WhatIf

pytestmark = [pytest.mark.timeout(600)]
in_browser = pytest.mark.browser
RENDER_TIMEOUT_MS = 90_000
WHATIF_LIMIT_S = 5.0
RUNS, SEED = 40, 3
CELLS = [("C01", "organisation"), ("C02", "team"), ("C03", "venue"), ("C06", "all")]


def test_a_what_if_equals_a_full_run_and_solves_each_plan_once(monkeypatch):
    solved = []
    solve = projection._solve_plan
    projection.forget()
    monkeypatch.setattr(projection, "_solve_plan", lambda *a, **k: solved.append(1) or solve(*a, **k))
    base = load_scenario("remedies")
    what_if = WhatIf(base, runs=12, seed=4)
    changed = what_if.run(name="remedies", **{"succession.recruitment_drive": 15})
    assert len(solved) == 1
    assert what_if.baseline().scenario.succession.recruitment_drive == base.succession.recruitment_drive
    assert len(solved) == 1  # the drive does not change the plan
    full = run(base.with_changes(**{"succession.recruitment_drive": 15}), runs=12, seed=4, progress=False)
    pd.testing.assert_frame_equal(changed.when_met(), full.when_met())
    pd.testing.assert_frame_equal(changed.cost_by_source(), full.cost_by_source())
    what_if.run(**{"allocation.budget": 30_000.0})
    assert len(solved) == 2


def test_an_empty_store_offers_to_run_the_shipped_scenarios(monkeypatch, tmp_path):
    dashboard = ScenarioDashboard(store_path=tmp_path / "empty.sqlite")
    assert dashboard.populate.layout.display == "" and dashboard.whatif.layout.display == "none"
    assert "empty.sqlite" in dashboard.message.value and dashboard.matrix.value == ""
    monkeypatch.setattr(scenarios, "builtin_scenarios", lambda: ("as_is",))
    monkeypatch.setattr(scenarios, "run", lambda name, **options: run(name, **{**options, "runs": 8}))
    dashboard.populate.click()
    assert dashboard.store.names() == ["as_is"] and dashboard.focus == "as_is"
    assert dashboard.populate.layout.display == "none" and "data-scenario='as_is'" in dashboard.matrix.value
    seconds = dashboard.redraw_whatif()
    assert dashboard.whatif_seconds == seconds and "wb-whatif-text" in dashboard.whatif_result.value


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario-store") / "store.sqlite"
    with ScenarioStore(path) as store:
        for name in ("as_is", "remedies"):
            run(name, runs=RUNS, seed=SEED, progress=False).save(store)
        runs = {name: store.load(name) for name in store.names()}
    return path, runs


@pytest.fixture(scope="module")
def page(stored, tmp_path_factory):
    path, _ = stored
    tmp = tmp_path_factory.mktemp("scenarios")
    notebook = paths.DASHBOARDS / "scenarios.ipynb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(ENV_VAR, str(path))  # the server (and its kernels) inherit it
        with served(notebook, log=tmp / "voila.log", preheat=True) as (url, _), browser(tmp) as chromium:
            page = open_page(chromium, url, ".wb-matrix-table", height=1800, timeout_ms=RENDER_TIMEOUT_MS)
            yield page
            page.close()


def cell(page, scenario: str, community: str, have: str):
    return page.locator(
        f".wb-matrix-table[data-scenario='{scenario}'] td[data-community='{community}'][data-have='{have}']"
    )


def check_matrix(page, stored_run) -> None:
    when = stored_run.tables["when_met"].set_index(["community", "have"])
    for community, have in CELLS:
        shown = cell(page, stored_run.name, community, have)
        year, probability = when.loc[(community, have), ["median_year", "p_final"]]
        shown_year = float(shown.get_attribute("data-year"))
        assert (shown_year != shown_year and year != year) or shown_year == year
        assert float(shown.get_attribute("data-probability")) == probability
        assert f"{probability:.0%}" in shown.inner_text()


@in_browser
def test_the_matrix_and_cost_equal_the_stored_results(page, stored):
    _, runs = stored
    print(f"first render {page.first_render_s:.1f} s")
    check_matrix(page, runs["as_is"])
    for name, saved in runs.items():
        total = page.get_attribute(
            f".wb-cost-table td[data-scenario='{name}'][data-source='total']", "data-value"
        )
        expected = saved.tables["cost"].drop(columns="year").to_numpy().sum()
        assert float(total) == pytest.approx(expected, rel=1e-12)
    assert "报告提出的对策" in page.inner_text(".wb-cost-table")


@in_browser
def test_picking_another_scenario_changes_the_matrix(page, stored):
    _, runs = stored
    before = page.inner_html(".wb-matrix")
    page.select_option(".wb-focus select", label="报告提出的对策")
    page.wait_for_selector(".wb-matrix-table[data-scenario='remedies']", timeout=30_000)
    check_matrix(page, runs["remedies"])
    assert page.inner_html(".wb-matrix") != before


def set_slider(page, css: str, value: int) -> None:
    """Type ``value`` into an ipywidgets slider's editable readout."""
    readout = page.locator(f"{css} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


@in_browser
def test_the_what_if_panel_redraws_quickly(page):
    budget = int(page.inner_text(".wb-budget .widget-readout").replace(",", ""))
    drive = int(page.inner_text(".wb-drive .widget-readout"))
    page.wait_for_timeout(3_000)  # a person reads the page first (nearby plans are solved meanwhile)
    for css, value, shown in (
        (".wb-budget", budget + 5_000, f"[data-budget='{budget + 5_000}'][data-drive='{drive}']"),
        (".wb-drive", drive + 4, f"[data-budget='{budget + 5_000}'][data-drive='{drive + 4}']"),
    ):
        started = time.perf_counter()
        set_slider(page, css, value)
        text = page.wait_for_selector(f".wb-whatif-text{shown}", timeout=30_000)
        seconds = float(text.get_attribute("data-seconds"))
        waited = time.perf_counter() - started
        print(f"what-if {css[4:]} → {value}: {seconds:.2f} s in the kernel, {waited:.2f} s in the browser")
        assert seconds <= WHATIF_LIMIT_S
        assert "秒" in text.inner_text()
    assert page.get_attribute(".wb-whatif-chart", "src")


@in_browser
def test_switching_to_english_changes_the_labels(page):
    page.click(".wb-language button:has-text('English')")
    page.wait_for_selector(".wb-title:has-text('Scenario comparison')", timeout=30_000)
    page.wait_for_selector(
        ".wb-matrix h3:has-text('The year each community meets each have')", timeout=30_000
    )
    page.wait_for_selector(".wb-cost-table:has-text('street budget')", timeout=30_000)
    page.screenshot(path=str(artifact("scenarios-en.png")), full_page=True)
    page.click(".wb-language button:has-text('中文')")
    page.wait_for_selector(".wb-title:has-text('情景比较')", timeout=30_000)
    page.wait_for_selector(".wb-cost-table:has-text('街道预算')", timeout=30_000)
    page.wait_for_selector(".wb-whatif-text:has-text('秒')", timeout=30_000)


@in_browser
def test_no_person_is_named_no_console_errors_and_no_data_leaves_the_machine(page):
    page.screenshot(path=str(artifact("scenarios.png")), full_page=True)
    ledger = sample_ledger()
    text = page.inner_text("body")
    people = {n for sheet in (ledger.members, ledger.cadres, ledger.pipeline) for n in sheet["name"].dropna()}
    assert [name for name in people if name in text] == []
    assert page.console_errors == []
    assert all("fontawesome" in url for url in page.external_requests), page.external_requests
