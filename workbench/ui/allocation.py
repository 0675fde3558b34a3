"""The planners' allocation widget (经费分配规划): budget and source sliders → the spending plan,
the scorecard before and after it, indicators met against the budget for the optimum and each
baseline, and the inverse answer (the least money by year, and what money cannot buy).

The notebook ``notebooks/30_allocation.ipynb`` only builds an :class:`AllocationPlanner` and
checks its values; the planning lives in :mod:`workbench.engines.allocation` and
:mod:`workbench.engines.baselines`.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
import traitlets
from matplotlib.figure import Figure

from .. import paths, plots
from ..costs import Catalogue, Funds, load_catalogue, make_funds
from ..engines.allocation import BudgetNeed, Plan, least_budget, solve
from ..engines.allocation_model import Problem, setup
from ..engines.baselines import budget_curve
from ..i18n import t
from ..ledger import Ledger
from ..ledger_io import read_ledger
from ..rubric import Rubric, load_rubric
from .common import figure_image, html_table, text_block

LANGUAGES = (("中文", "zh"), ("English", "en"))
BUDGETS = (0.0, 3_000.0, 6_000.0, 10_000.0, 15_000.0, 20_000.0)
"""Street budgets (yuan a year) of the curve."""
SLIDER_MAX, SLIDER_STEP = 30_000, 500
GRANT_ID = "higher_level"


class AllocationPlanner(widgets.VBox):
    """Plans for one ledger; ``budget``, ``cobuilding``, ``grant``, ``years`` and ``lang`` are
    its state. After each change ``plan`` (and, when the sources change, ``curve`` and ``need``)
    hold the answers the widget shows."""

    lang = traitlets.Unicode("zh")
    budget = traitlets.Float(8_000.0)
    cobuilding = traitlets.Bool(True)
    grant = traitlets.Float(0.0)
    years = traitlets.Int(3)

    def __init__(
        self,
        ledger: Ledger,
        *,
        rubric: Rubric | str = "seed_2003",
        catalogue: Catalogue | str = "default",
        budget: float = 8_000.0,
        years: int = 3,
        budgets: Sequence[float] = BUDGETS,
        lang: str = "zh",
    ):
        super().__init__()
        self.add_class("wb-allocation")
        self.ledger, self.budgets = ledger, tuple(budgets)
        self.rubric = load_rubric(rubric) if isinstance(rubric, str) else rubric
        self.catalogue = load_catalogue(catalogue) if isinstance(catalogue, str) else catalogue
        self.names = ledger.communities.set_index("id")["name"]
        self.title = widgets.HTML()
        self.language = widgets.ToggleButtons(options=LANGUAGES, value=lang)
        self.budget_slider = widgets.IntSlider(min=0, max=SLIDER_MAX, step=SLIDER_STEP, value=int(budget))
        self.cobuilding_box = widgets.Checkbox(value=True)
        self.grant_slider = widgets.IntSlider(min=0, max=SLIDER_MAX, step=SLIDER_STEP, value=0)
        self.years_slider = widgets.IntSlider(min=1, max=5, value=years)
        self.summary = widgets.HTML().add_class("wb-plan-summary")
        self.table = widgets.HTML().add_class("wb-plan")
        self.before, self.after = widgets.Image(format="png"), widgets.Image(format="png")
        self.curve_image = widgets.Image(format="png").add_class("wb-curve")
        self.need_text = widgets.HTML().add_class("wb-need")
        self.children = [
            self.title,
            widgets.HBox([self.language, self.years_slider]),
            widgets.HBox([self.budget_slider, self.grant_slider, self.cobuilding_box]),
            self.summary,
            self.table,
            widgets.HBox([self.before, self.after]),
            self.curve_image,
            self.need_text,
        ]
        for control, name in (
            (self.language, "lang"),
            (self.budget_slider, "budget"),
            (self.cobuilding_box, "cobuilding"),
            (self.grant_slider, "grant"),
            (self.years_slider, "years"),
        ):
            widgets.link((control, "value"), (self, name))
        self._ready = True
        self._sources_changed()

    @classmethod
    def for_sample(cls, **options) -> AllocationPlanner:
        """The planner on the bundled sample street."""
        return cls(read_ledger(paths.SAMPLE_LEDGER), **options)

    # --- the answers ----------------------------------------------------------------------------

    def funds(self, budget: float | None = None) -> Funds:
        """The funds at ``budget`` (default: the current one) and the current sources."""
        budget = self.budget if budget is None else budget
        return make_funds(
            self.ledger, budget=budget, years=self.years, grants=self._grants(), cobuilding=self.cobuilding
        )

    def _grants(self) -> list[dict]:
        return [{"id": GRANT_ID, "amount": self.grant}] if self.grant > 0 else []

    def _replan(self) -> None:
        self.problem: Problem = setup(self.ledger, self.rubric, self.catalogue, self.funds())
        self.plan: Plan = solve(self.problem)

    def _sources_changed(self) -> None:
        self._replan()
        self.curve: pd.DataFrame = budget_curve(
            self.ledger, self.budgets, self.rubric, self.catalogue, years=self.years, grants=self._grants(),
            cobuilding=self.cobuilding,
        )  # fmt: skip
        self.need: BudgetNeed = least_budget(
            self.ledger, self.rubric, self.catalogue, by_year=self.ledger.year + self.years,
            grants=self._grants(), cobuilding=self.cobuilding,
        )  # fmt: skip
        self._draw()

    @traitlets.observe("budget")
    def _on_budget(self, change) -> None:
        if getattr(self, "_ready", False):
            self._replan()
            self._draw_plan()

    @traitlets.observe("cobuilding", "grant", "years")
    def _on_sources(self, change) -> None:
        if getattr(self, "_ready", False):
            self._sources_changed()

    @traitlets.observe("lang")
    def _on_lang(self, change) -> None:
        if getattr(self, "_ready", False):
            self._draw()

    # --- in words and pictures ------------------------------------------------------------------

    def plan_table(self) -> pd.DataFrame:
        """The plan's purchases with names and labels in ``lang``."""
        lang, table = self.lang, self.plan.table
        items = {i.id: i.label[lang] for i in self.catalogue.items}
        shown = pd.DataFrame(
            {
                "community": table["community"].map(self.names),
                "year": table["year"],
                "item": table["item"].map(items),
                "quantity": table["quantity"].round(2),
                "cost": table["cost"].round(0),
                "source": table["source"].map(self._source_label),
            }
        )
        return shown.rename(columns={c: t(f"allocation.column.{c}", lang) for c in shown.columns})

    def _source_label(self, source: str) -> str:
        kind, _, community = source.partition(":")
        if kind == "cobuilding":
            return t(
                "allocation.source.cobuilding", self.lang, community=self.names.get(community, community)
            )
        return t(f"allocation.source.{kind}", self.lang)

    def heatmap(self, when: str = "after") -> Figure:
        """The community × have scores ``"before"`` the plan (the ledger year) or ``"after"`` it."""
        years = self.plan.summary.index
        year = years[0] if when == "before" else years[-1]
        scores = self.plan.scores.xs(year, level="year")
        heat = scores[[f"{h}_score" for h in self.rubric.haves]].set_axis(list(self.rubric.haves), axis=1)
        heat.index = heat.index.map(self.names)
        return plots.have_heatmap(
            heat, title=t(f"allocation.ui.{when}", self.lang, year=year), lang=self.lang
        )

    def curve_figure(self) -> Figure:
        """Indicators met against the street budget, the optimum beside each baseline."""
        return plots.budget_curve(self.curve, lang=self.lang)

    def need_lines(self) -> list[str]:
        """The inverse answer in words: the least money by year, then what money cannot buy."""
        lang, need = self.lang, self.need
        year = int(need.by_year.index[-1])
        split = "；" if lang == "zh" else "; "
        lines = [
            t("allocation.ui.need_total", lang, year=year, total=need.total)
            + split.join(
                t("allocation.ui.need_year", lang, year=y, amount=a) for y, a in need.by_year.items()
            )
        ]
        if need.feasible:
            return [*lines, t("allocation.ui.all_buyable", lang)]
        labels = {i.id: i.label[lang] for i in self.rubric.indicators}
        lines.append(t("allocation.ui.unbuyable", lang))
        comma = "、" if lang == "zh" else ", "
        for (have, indicator, reason), rows in need.unbuyable.groupby(
            ["have", "indicator", "reason"], sort=False
        ):
            communities = comma.join(rows["community"].map(self.names))
            lines.append(
                t("allocation.ui.unbuyable_line", lang, indicator=labels[indicator], have=t(f"have.{have}", lang),
                  communities=communities, reason=t(f"allocation.reason.{reason}", lang))
            )  # fmt: skip
        return lines

    def _draw(self) -> None:
        lang = self.lang
        self.title.value = f"<h2>{t('allocation.ui.title', lang)}</h2>"
        for control, key in (
            (self.budget_slider, "budget"),
            (self.cobuilding_box, "cobuilding"),
            (self.grant_slider, "grant"),
            (self.years_slider, "years"),
        ):
            control.description = t(f"allocation.ui.{key}", lang)
            control.style = {"description_width": "initial"}
        self._draw_plan()
        self.curve_image.value = figure_image(self.curve_figure())
        lines = self.need_lines()
        items = "".join(f"<li>{text_block(line, 'wb-unbuyable')}</li>" for line in lines[2:])
        self.need_text.value = (
            f"<h3>{t('allocation.ui.need', lang)}</h3>"
            + "".join(text_block(x, "wb-need-line") for x in lines[:2])
        ) + (f"<ul>{items}</ul>" if items else "")

    def _draw_plan(self) -> None:
        lang, plan = self.lang, self.plan
        self.summary.value = f"<h3>{t('allocation.ui.plan', lang)}</h3>" + text_block(
            t("allocation.ui.summary", lang, years=self.years, spent=plan.table["cost"].sum(),
              met=plan.indicators_met, today=int(plan.summary["indicators_met"].iloc[0]),
              value=plan.objective_value, status=plan.status),
            "wb-summary",
        )  # fmt: skip
        table = self.plan_table()
        self.table.value = (
            html_table(table.columns, table.itertuples(index=False), css="wb-plan-table")
            if len(table)
            else text_block(t("allocation.ui.no_purchase", lang), "wb-empty")
        )
        self.before.value = figure_image(self.heatmap("before"))
        self.after.value = figure_image(self.heatmap("after"))
