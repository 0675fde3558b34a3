"""The three "what if" exercises of a study session as widgets.

Each class is a small VBox whose choices are traitlets state; the arithmetic is in
:mod:`workbench.training.exercises` (which calls the engines). ``notebooks/training/02_what_if.ipynb``
only builds and shows them.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import traitlets

from .. import plots
from .._errors import PlanningError
from ..i18n import t
from ..ledger import Ledger
from ..training import exercises as ex
from .common import figure_image, html_table, text_block

BUDGET_MAX = 100_000  # the slider's range (yuan); not a rule, a classroom choice
BUDGET_STEP = 1_000
RECRUITMENT_MAX = 40  # slider ranges: recruits and trainees a year across the street
TRAINING_MAX = 12
NO_GROUP = 0  # the grouping pickers' "none" choice
SLIDER = {"width": "40em"}


def _title(key: str, lang: str, **values) -> widgets.HTML:
    return widgets.HTML(f"<h2>{html.escape(t(key, lang, **values))}</h2>")


class BudgetExercise(widgets.VBox):
    """Exercise 1: ``basket`` maps ``(community, item)`` to units bought with ``budget`` yuan."""

    budget = traitlets.Int(20_000)
    community = traitlets.Unicode()
    basket = traitlets.Dict()

    def __init__(self, ledger: Ledger, *, budget: int = 20_000, lang: str = "zh"):
        super().__init__()
        self.add_class("wb-exercise").add_class("wb-budget")
        self.ledger, self.lang = ledger, lang
        self.names = dict(zip(ledger.communities["id"], ledger.communities["name"], strict=True))
        self.problem = ex.budget_problem(ledger, budget)
        self.budget_slider = widgets.IntSlider(
            value=budget,
            min=0,
            max=BUDGET_MAX,
            step=BUDGET_STEP,
            description=t("training.exercise.budget.budget", lang),
            style={"description_width": "8em"},
            layout=SLIDER,
        )
        self.picker = widgets.Dropdown(
            options=[(name, c) for c, name in self.names.items()],
            description=t("training.exercise.budget.community", lang),
            style={"description_width": "8em"},
        )
        self.items = widgets.VBox()
        self.spent = widgets.HTML().add_class("wb-spent")
        self.show = widgets.Button(description=t("training.exercise.budget.show", lang)).add_class("wb-show")
        self.clear = widgets.Button(description=t("training.exercise.budget.reset", lang))
        self.result = widgets.HTML().add_class("wb-result")
        self.images = widgets.HBox([widgets.Image(format="png", layout={"width": "50%"}) for _ in range(2)])
        self.heading = _title("training.exercise.budget.title", lang, budget=f"{budget:,}")
        self.children = [
            self.heading,
            text_block_widget(t("training.exercise.budget.help", lang)),
            self.budget_slider, self.picker, self.items, self.spent,
            widgets.HBox([self.show, self.clear]), self.result, self.images,
        ]  # fmt: skip
        widgets.link((self.budget_slider, "value"), (self, "budget"))
        widgets.link((self.picker, "value"), (self, "community"))
        self.show.on_click(lambda _: self.evaluate())
        self.clear.on_click(lambda _: self.reset())
        self.community = self.picker.value
        self._draw_items()

    @traitlets.observe("budget")
    def _on_budget(self, change) -> None:
        self.problem = ex.budget_problem(self.ledger, change["new"])
        self.heading.value = _title(
            "training.exercise.budget.title", self.lang, budget=f"{change['new']:,}"
        ).value
        self._show_spent()

    @traitlets.observe("community")
    def _on_community(self, change) -> None:
        if self.children:
            self._draw_items()

    @traitlets.observe("basket")
    def _on_basket(self, change) -> None:
        self._show_spent()

    def _draw_items(self) -> None:
        c = list(self.problem.communities).index(self.community)
        rows = []
        for i, item in enumerate(self.problem.catalogue.items):
            limit = int(self.problem.limit[c, i])
            if limit <= 0:
                continue
            box = widgets.BoundedIntText(
                value=self.basket.get((self.community, item.id), 0), min=0, max=limit,
                description=t("training.exercise.budget.item_line", self.lang, label=item.label[self.lang], cost=f"{item.cost:,.0f}"), style={"description_width": "24em"},
                layout={"width": "36em"},
            )  # fmt: skip
            box.observe(
                lambda change, key=(self.community, item.id): self.choose(key, change["new"]), "value"
            )
            rows.append(box)
        self.items.children = rows
        self._show_spent()

    def choose(self, key: tuple[str, str], quantity: int) -> None:
        """Put ``quantity`` units of an item for a community in the basket (0 removes it)."""
        basket = {k: v for k, v in self.basket.items() if k != key}
        if quantity > 0:
            basket[key] = quantity
        self.basket = basket

    def _show_spent(self) -> None:
        spent = ex.basket_cost(self.problem, self.basket)
        text = t(
            "training.exercise.budget.spent", self.lang, spent=f"{spent:,.0f}", budget=f"{self.budget:,}"
        )
        if spent > self.budget:
            text += " " + t("training.exercise.budget.over", self.lang, over=f"{spent - self.budget:,.0f}")
        self.spent.value = text_block(text, "wb-error" if spent > self.budget else "wb-hint")

    def evaluate(self):
        """Score the basket and the optimum; returns ``(mine, best)`` plans (``mine`` None when the
        basket breaks the budget or a limit)."""
        best = ex.best_plan(self.problem)
        try:
            mine = ex.basket_plan(self.problem, self.basket)
        except PlanningError:
            self._show_spent()
            self.result.value = self.spent.value
            return None, best
        today = int(best.summary["indicators_met"].iloc[0])
        self.result.value = text_block(
            t(
                "training.exercise.budget.compare", self.lang,
                mine=mine.indicators_met, mine_all=int(mine.summary["all_met"].iloc[-1]),
                best=best.indicators_met, best_all=int(best.summary["all_met"].iloc[-1]), today=today,
            ),
            "wb-compare",
        )  # fmt: skip
        for image, plan, key in zip(self.images.children, (mine, best), ("mine", "best"), strict=True):
            scores = ex.have_scores(plan, self.names)
            title = t(f"training.exercise.budget.{key}", self.lang)
            image.value = figure_image(plots.have_heatmap(scores, title=title, lang=self.lang))
        return mine, best

    def reset(self) -> None:
        self.basket = {}
        self.result.value = ""
        self._draw_items()


class SuccessionExercise(widgets.VBox):
    """Exercise 2: ``recruitment`` applicants and ``training`` reserve places a year."""

    recruitment = traitlets.Int(0)
    training = traitlets.Int(0)

    def __init__(self, ledger: Ledger, *, years: int = 10, runs: int = 100, seed: int = 0, lang: str = "zh"):
        super().__init__()
        self.add_class("wb-exercise").add_class("wb-succession")
        self.ledger, self.years, self.runs, self.seed, self.lang = ledger, years, runs, seed, lang
        sliders = [
            widgets.IntSlider(
                min=0, max=RECRUITMENT_MAX, description=t("training.exercise.succession.recruitment", lang)
            ),
            widgets.IntSlider(
                min=0, max=TRAINING_MAX, description=t("training.exercise.succession.training", lang)
            ),
        ]
        for slider, name in zip(sliders, ("recruitment", "training"), strict=True):
            slider.style.description_width = "10em"
            slider.layout = widgets.Layout(**SLIDER)
            widgets.link((slider, "value"), (self, name))
        self.run = widgets.Button(description=t("training.exercise.succession.run", lang))
        self.result = widgets.HTML().add_class("wb-result")
        self.run.on_click(lambda _: self.evaluate())
        self.children = [
            _title("training.exercise.succession.title", lang),
            text_block_widget(t("training.exercise.succession.help", lang, runs=runs)),
            *sliders, self.run, self.result,
        ]  # fmt: skip

    def evaluate(self):
        """Run both projections; returns the outcome table (see :func:`succession_outcome`)."""
        table = ex.succession_outcome(
            self.ledger, recruitment=self.recruitment, training=self.training,
            years=self.years, runs=self.runs, seed=self.seed,
        )  # fmt: skip
        columns = t("training.exercise.succession.columns", self.lang, year=self.ledger.year + self.years)
        rows = [
            (
                r.name,
                f"{r.age_today:.1f}",
                f"{r.age_none:.1f}",
                f"{r.age_plan:.1f}",
                f"{r.risk_none:.0%}",
                f"{r.risk_plan:.0%}",
            )
            for r in table.itertuples()
        ]
        self.result.value = html_table(columns.split(";"), rows, css="wb-succession-table") + text_block(
            t("training.exercise.succession.note", self.lang), "wb-hint"
        )
        return table


class GroupingExercise(widgets.VBox):
    """Exercise 3: ``assignment`` maps each small enterprise to a joint-branch number (or None)."""

    assignment = traitlets.Dict()

    def __init__(self, ledger: Ledger, *, lang: str = "zh"):
        super().__init__()
        self.add_class("wb-exercise").add_class("wb-grouping")
        self.lang = lang
        self.task = ex.grouping_task(ledger)
        units = self.task.units
        numbers = range(1, max(2, len(units) // 2) + 1)
        options = [(t("training.exercise.grouping.none", lang), NO_GROUP)]
        options += [(t("training.exercise.grouping.group", lang, number=n), n) for n in numbers]
        header = t("training.exercise.grouping.columns", lang).split(";")
        cells = [widgets.HTML(f"<b>{html.escape(h)}</b>") for h in [*header, ""]]
        self.pickers = {}
        for row in units.itertuples():
            picker = widgets.Dropdown(options=options, value=NO_GROUP, layout={"width": "12em"})
            picker.observe(lambda change, unit=row.unit: self.put(unit, change["new"]), "value")
            self.pickers[row.unit] = picker
            cells += [
                widgets.HTML(html.escape(str(v)))
                for v in (row.name, row.community_name, row.trade, row.members)
            ]
            cells.append(picker)
        grid = widgets.GridBox(cells, layout={"grid_template_columns": "repeat(4, auto) 13em"})
        self.check = widgets.Button(description=t("training.exercise.grouping.check", lang))
        self.check.on_click(lambda _: self.evaluate())
        self.result = widgets.HTML().add_class("wb-result")
        limit = int(units["members"].max()) if len(units) else 0
        self.children = [
            _title("training.exercise.grouping.title", lang),
            text_block_widget(t("training.exercise.grouping.help", lang, max_members=limit)),
            grid, self.check, self.result,
        ]  # fmt: skip

    def put(self, unit: str, number: int | None) -> None:
        """Place ``unit`` in joint branch ``number`` (None or NO_GROUP: in none)."""
        self.assignment = {**self.assignment, unit: number or None}

    def evaluate(self) -> ex.GroupingVerdict:
        """Check the grouping against the rules and compare it with the engine's."""
        verdict = ex.judge_grouping(self.task, self.assignment, lang=self.lang)
        lang, engine = self.lang, verdict.engine
        lines = list(verdict.problems) or [t("training.exercise.grouping.ok", lang)]
        body = "".join(text_block(line, "wb-error" if verdict.problems else "wb-right") for line in lines)
        body += text_block(
            t(
                "training.exercise.grouping.compare", lang,
                mine=verdict.covered, mine_groups=verdict.groups, mine_mismatch=verdict.mismatch,
                best=engine.covered, best_groups=engine.groups, best_mismatch=engine.mismatch,
            ),
            "wb-compare",
        )  # fmt: skip
        names = dict(zip(self.task.units["unit"], self.task.units["name"], strict=True))
        groups = engine.assignment.loc[engine.assignment["group"] >= 0].groupby("group")["unit"]
        rows = [
            (
                t("training.exercise.grouping.group", lang, number=g + 1),
                t("training.separator", lang).join(names[u] for u in units),
            )
            for g, units in groups
        ]
        body += f"<h3>{html.escape(t('training.exercise.grouping.best', lang))}</h3>" + html_table(
            ["", ""], rows, css="wb-engine-groups"
        )
        self.result.value = body
        return verdict

    def reset(self) -> None:
        for picker in self.pickers.values():
            picker.value = NO_GROUP
        self.assignment, self.result.value = {}, ""


def text_block_widget(text: str) -> widgets.HTML:
    """A paragraph of help text."""
    return widgets.HTML(text_block(text, "wb-help"))
