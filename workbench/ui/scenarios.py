"""The leaders' scenario dashboard (情景比较): saved scenarios side by side, the year each community
meets each have, the money by source, and a "what if" panel that re-runs a scenario with another
budget or recruitment drive on the sample street.

The notebook ``dashboards/scenarios.ipynb`` only does ``ScenarioDashboard()``; the store is the
default one (``$WORKBENCH_STORE``, see :func:`workbench.store.default_path`) unless ``store_path``
is given. Numbers shown are also kept exactly in ``data-*`` attributes (median year, probability,
yuan) so they can be checked. Only aggregates appear: no member or cadre is named.
"""

from __future__ import annotations

import asyncio
import html
import math
import time
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import ipywidgets as widgets
import traitlets
from matplotlib import colormaps
from matplotlib.colors import to_hex

from .. import plots
from ..compare import ALL, Comparison, ScenarioSummary, compare, have_label, summarise, when_text
from ..costs import SOURCE_KINDS
from ..engines.allocation import Plan
from ..i18n import t
from ..ledger import Ledger
from ..ledger_io import read_ledger
from ..projection import allocation_plan
from ..rubric import load_rubric
from ..runner import ScenarioResult, run
from ..scenario import SAMPLE, Scenario, builtin_scenarios, load_scenario, scenario_from_dict
from ..settings import RULES, Rules
from ..store import ScenarioStore
from .common import figure_image, text_block
from .overview import LANGUAGES

WHATIF_RUNS = 50  # runs of a what-if: enough for the expected counts, fast enough to redraw at once
WHATIF_NAME = "what_if"  # the name a what-if result is compared under
WHATIF_BASE = "remedies"  # what-ifs start from this built-in when the shown scenario is not on the sample
BUDGET_MAX, BUDGET_STEP = 60_000, 5_000  # yuan a year
DRIVE_MAX = 30  # extra applicants a year
IDLE_DELAY_S = 0.5  # after drawing, the kernel solves the shown scenario's plan this much later
_COLOURS = colormaps["RdYlGn"]
CHART = {"width": "600px"}  # charts keep their aspect at this width


@cache
def _ledger(path: Path) -> Ledger:
    return read_ledger(path)


class WhatIf:
    """Quick re-runs of ``scenario`` with changed levers (``with_changes`` keys), ``runs`` runs from
    ``seed``: the ledger is read once, and each allocation plan is solved once per process (see
    :func:`workbench.projection.allocation_plan`), so a change of any other lever costs one
    projection. A result equals :func:`workbench.runner.run`'s with the same levers, runs and seed."""

    def __init__(self, scenario: Scenario, *, runs: int = WHATIF_RUNS, seed: int = 0, rules: Rules = RULES):
        self.scenario, self.runs, self.seed, self.rules = scenario, runs, seed, rules
        self.ledger = _ledger(scenario.ledger_path())
        self._baseline: ScenarioResult | None = None

    def plan(self, scenario: Scenario) -> Plan:
        """The allocation plan of ``scenario`` (solved once per allocation levers and horizon)."""
        return allocation_plan(
            self.ledger, scenario, load_rubric(scenario.rubric, rules=self.rules), rules=self.rules
        )

    def baseline(self) -> ScenarioResult:
        """The scenario itself, with the same runs and seed (so a what-if differs by its levers only)."""
        if self._baseline is None:
            self._baseline = self.run(name=self.scenario.name)
        return self._baseline

    def run(
        self, *, name: str = WHATIF_NAME, title: Mapping[str, str] | None = None, **changes
    ) -> ScenarioResult:
        """The scenario with ``changes``, projected; named ``name`` (and ``title``) for comparing."""
        scenario = self.scenario.with_changes(**changes)
        scenario = scenario.with_changes(name=name, title=dict(title or scenario.title))
        return run(
            scenario,
            ledger=self.ledger,
            runs=self.runs,
            seed=self.seed,
            executor="serial",
            progress=False,
            rules=self.rules,
        )


def _cell_colour(probability: float) -> str:
    return to_hex(_COLOURS(0.15 + 0.7 * probability))


def _number(value: float) -> str:
    """An exact, parseable number for a ``data-*`` attribute ("nan" when missing)."""
    return "nan" if value is None or (isinstance(value, float) and math.isnan(value)) else repr(float(value))


def matrix_html(summary: ScenarioSummary, haves: list[str], lang: str) -> str:
    """Community × have table of one scenario: "year (probability)" cells coloured by probability."""
    rows = summary.when_met
    head = "".join(f"<th>{html.escape(have_label(h, lang))}</th>" for h in haves)
    body = []
    for community, cells in rows.groupby("community", sort=True):
        by_have = cells.set_index("have")
        tds = []
        for have in haves:
            year, probability = by_have.loc[have, "median_year"], by_have.loc[have, "p_final"]
            tds.append(
                f"<td class='wb-cell' data-community='{html.escape(community)}' data-have='{have}'"
                f" data-year='{_number(year)}' data-probability='{_number(probability)}'"
                f" style='background:{_cell_colour(probability)}'>{html.escape(when_text(year, probability, lang))}</td>"
            )
        name = html.escape(str(cells["community_name"].iloc[0]))
        body.append(f"<tr><th>{name}</th>{''.join(tds)}</tr>")
    return (
        f"<h3>{html.escape(t('dashboard.scenarios.matrix', lang))} · {html.escape(summary.label(lang))}</h3>"
        f"<table class='wb-matrix-table' data-scenario='{html.escape(summary.name)}'>"
        f"<thead><tr><th>{html.escape(t('compare.column.community', lang))}</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def cost_html(comparison: Comparison, lang: str) -> str:
    """Scenario × source kind (and total) table of yuan over the horizon."""
    cost = comparison.cost().pivot(index="scenario", columns="source", values="cost")
    kinds = [*SOURCE_KINDS, "total"]
    cost["total"] = cost[list(SOURCE_KINDS)].sum(axis=1)
    head = "".join(f"<th>{html.escape(t(f'compare.source.{k}', lang))}</th>" for k in kinds)
    body = []
    for name, label in comparison.labels(lang).items():
        tds = "".join(
            f"<td data-scenario='{html.escape(name)}' data-source='{k}' data-value='{_number(cost.loc[name, k])}'>"
            f"{cost.loc[name, k]:,.0f}</td>"
            for k in kinds
        )
        body.append(f"<tr><th>{html.escape(label)}</th>{tds}</tr>")
    return (
        f"<h3>{html.escape(t('dashboard.scenarios.cost', lang))}</h3>"
        f"<table class='wb-cost-table'><thead><tr><th>{html.escape(t('compare.column.scenario', lang))}</th>"
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


class ScenarioDashboard(widgets.VBox):
    """Saved scenarios compared; ``lang``, ``selected`` (names compared) and ``focus`` (the
    scenario whose matrix is shown) are its state. ``whatif_seconds`` is the last what-if's time."""

    lang = traitlets.Unicode("zh")
    selected = traitlets.Tuple()
    focus = traitlets.Unicode(None, allow_none=True)
    whatif_seconds = traitlets.Float(None, allow_none=True)

    def __init__(
        self,
        *,
        store_path: str | Path | None = None,
        lang: str = "zh",
        whatif_runs: int = WHATIF_RUNS,
        seed: int = 0,
    ):
        super().__init__()
        self.add_class("wb-scenarios")
        self._quiet = True  # no redraws while the widgets are being built and filled
        self.store = ScenarioStore(store_path, lang=lang)
        self.whatif_runs, self.seed = whatif_runs, seed
        self._summaries: dict[str, ScenarioSummary] = {}
        self._whatifs: dict[str, WhatIf] = {}
        self.title = widgets.HTML().add_class("wb-title")
        self.language = widgets.ToggleButtons(options=LANGUAGES, value=lang).add_class("wb-language")
        self.message = widgets.HTML().add_class("wb-message")
        self.populate = widgets.Button(layout={"display": "none", "width": "auto"}).add_class("wb-populate")
        self.picker = widgets.SelectMultiple(rows=4).add_class("wb-picker")
        self.focus_picker = widgets.Dropdown().add_class("wb-focus")
        self.matrix = widgets.HTML().add_class("wb-matrix")
        self.lines = widgets.Image(format="png", layout=CHART).add_class("wb-lines")
        self.cost = widgets.HTML().add_class("wb-cost")
        self.cost_chart = widgets.Image(format="png", layout=CHART).add_class("wb-cost-chart")
        self.whatif_title = widgets.HTML()
        slider = {
            "style": {"description_width": "12em"},
            "layout": {"width": "36em"},
            "continuous_update": False,
        }
        self.budget = widgets.IntSlider(min=0, max=BUDGET_MAX, step=BUDGET_STEP, **slider).add_class(
            "wb-budget"
        )
        self.drive = widgets.IntSlider(min=0, max=DRIVE_MAX, step=1, **slider).add_class("wb-drive")
        self.whatif_result = widgets.HTML().add_class("wb-whatif-result")
        self.whatif_chart = widgets.Image(format="png", layout=CHART).add_class("wb-whatif-chart")
        self.whatif = widgets.VBox(
            [self.whatif_title, self.budget, self.drive, self.whatif_result, self.whatif_chart]
        ).add_class("wb-whatif")
        self.children = [
            self.title,
            self.language,
            self.message,
            self.populate,
            widgets.HBox([self.picker, self.focus_picker]),
            self.matrix,
            widgets.HBox([self.lines, widgets.VBox([self.cost, self.cost_chart])]),
            self.whatif,
        ]
        widgets.link((self.language, "value"), (self, "lang"))
        widgets.link((self.picker, "value"), (self, "selected"))
        widgets.link((self.focus_picker, "value"), (self, "focus"))
        self.populate.on_click(lambda _: self.run_builtin())
        self.budget.observe(self._on_lever, "value")
        self.drive.observe(self._on_lever, "value")
        self.reload()

    # --- loading --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the store's list again and redraw (the first saved scenarios are compared)."""
        names = self.store.names()
        self._quiet = True
        with self.hold_trait_notifications():
            self._set_options(names)
            self.selected = tuple(n for n in self.selected if n in names) or tuple(names[:3])
            self.focus = self.focus if self.focus in names else (names[0] if names else None)
        self._quiet = False
        self._reset_levers()
        self._draw()

    def summary(self, name: str) -> ScenarioSummary:
        """The summary of the saved run ``name`` (read from the store once)."""
        if name not in self._summaries:
            self._summaries[name] = summarise(self.store.load(name), lang=self.lang)
        return self._summaries[name]

    def run_builtin(self) -> None:
        """Run the shipped scenarios (their own runs and seed) on the sample street and save them."""
        self.message.value = text_block(t("dashboard.scenarios.running", self.lang), "wb-running")
        for name in builtin_scenarios():
            run(name, progress=False).save(self.store, overwrite=True)
            self._summaries.pop(name, None)
        self.reload()

    def _set_options(self, names: list[str]) -> None:
        labels = [(self.summary(n).label(self.lang), n) for n in names]
        self.picker.options, self.focus_picker.options = labels, labels

    # --- state changes --------------------------------------------------------------------------

    @traitlets.observe("lang")
    def _on_lang(self, change) -> None:
        if not self.children:
            return
        self._quiet = True
        with self.hold_trait_notifications():
            selected, focus = self.selected, self.focus
            self._set_options(self.store.names())
            self.selected, self.focus = selected, focus
        self._quiet = False
        self._draw()
        if self.whatif_result.value:
            self.redraw_whatif()

    @traitlets.observe("selected", "focus")
    def _on_pick(self, change) -> None:
        if self.children and not self._quiet:
            if change["name"] == "focus":
                self._reset_levers()
            self._draw()

    def _on_lever(self, change) -> None:
        if not self._quiet:
            self.redraw_whatif()

    # --- drawing --------------------------------------------------------------------------------

    def _draw(self) -> None:
        lang = self.lang
        self.title.value = f"<h2>{t('app.title', lang)} · {t('dashboard.scenarios.title', lang)}</h2>"
        self.picker.description = t("dashboard.scenarios.pick", lang)
        self.focus_picker.description = t("dashboard.scenarios.focus", lang)
        self.populate.description = t("dashboard.scenarios.populate", lang)
        self.budget.description = t("dashboard.scenarios.budget", lang)
        self.drive.description = t("dashboard.scenarios.drive", lang)
        self.whatif_title.value = f"<h3>{t('dashboard.scenarios.whatif', lang, runs=self.whatif_runs)}</h3>"
        empty = not self.focus_picker.options
        self.populate.layout.display = "" if empty else "none"
        self.message.value = (
            text_block(t("dashboard.scenarios.empty", lang, path=self.store.path), "wb-empty")
            if empty
            else ""
        )
        self.whatif.layout.display = "none" if empty else ""
        if empty:
            self.matrix.value = self.cost.value = ""
            self.lines.value = self.cost_chart.value = b""
            return
        comparison = compare([self.summary(n) for n in self.selected or (self.focus,)], lang=lang)
        labels = comparison.labels(lang)
        focus = self.summary(self.focus)
        haves = [h for h in dict.fromkeys(focus.when_met["have"]) if h != ALL] + [ALL]
        self.matrix.value = matrix_html(focus, haves, lang)
        self.lines.value = figure_image(plots.scenario_lines(comparison.by_year(), names=labels, lang=lang))
        self.cost.value = cost_html(comparison, lang)
        self.cost_chart.value = figure_image(plots.cost_bars(comparison.cost(), names=labels, lang=lang))

    def _base(self) -> Scenario:
        """The scenario the what-if changes: the one shown, when it is on the sample street."""
        spec = self.summary(self.focus).spec if self.focus else {}
        if spec.get("ledger") == SAMPLE:
            return scenario_from_dict(spec, where=self.focus)
        return load_scenario(WHATIF_BASE)

    def _what_if(self) -> WhatIf:
        key = self.focus or WHATIF_BASE
        if key not in self._whatifs:
            self._whatifs[key] = WhatIf(self._base(), runs=self.whatif_runs, seed=self.seed)
        return self._whatifs[key]

    def _reset_levers(self) -> None:
        """Put the sliders at the shown scenario's levers; prepare its what-if when the kernel is idle."""
        if not self.focus:
            return
        base = self._base()
        self._quiet = True
        self.budget.value = int(base.allocation.budget)
        self.drive.value = int(base.succession.recruitment_drive)
        self._quiet = False
        self.whatif_result.value = ""
        self.whatif_chart.value = b""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script): the first what-if prepares itself
            return
        loop.call_later(IDLE_DELAY_S, self._what_if().baseline)

    def redraw_whatif(self) -> float:
        """Re-run the what-if at the sliders' levers and redraw it; returns the seconds it took."""
        started = time.perf_counter()
        lang, what_if = self.lang, self._what_if()
        title = {code: t("dashboard.scenarios.whatif_name", code) for code in ("zh", "en")}
        changed = what_if.run(
            title=title,
            **{
                "allocation.budget": float(self.budget.value),
                "succession.recruitment_drive": self.drive.value,
            },
        )
        base = what_if.baseline()
        comparison = compare([base, changed], lang=lang)
        final = comparison.by_year().query("have == @ALL").groupby("scenario").last()
        cost = comparison.cost().groupby("scenario")["cost"].sum()
        self.whatif_chart.value = figure_image(
            plots.scenario_lines(comparison.by_year(), names=comparison.labels(lang), lang=lang)
        )
        seconds = time.perf_counter() - started
        expected = float(final.loc[WHATIF_NAME, "expected"])
        self.whatif_result.value = (
            f"<p class='wb-whatif-text' data-budget='{self.budget.value}' data-drive='{self.drive.value}'"
            f" data-expected='{_number(expected)}' data-seconds='{seconds:.3f}'>"
            + html.escape(
                t(
                    "dashboard.scenarios.whatif_result",
                    lang,
                    year=int(final.loc[WHATIF_NAME, "year"]),
                    expected=expected,
                    base=float(final.loc[base.scenario.name, "expected"]),
                    cost=float(cost[WHATIF_NAME]),
                    seconds=seconds,
                )
            )
            + "</p>"
        )
        self.whatif_seconds = seconds
        return seconds
