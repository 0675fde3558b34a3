"""The coverage planner (党组织覆盖推演): the street's coverage levers as widgets, the projection
of organisation coverage by unit kind, the chance of reaching the non-public-enterprise target by
year, and next year's proposed joint branches.

The notebook ``notebooks/10_coverage.ipynb`` shows :class:`CoveragePlanner` and calls its
methods; all behaviour lives here and in :mod:`workbench.engines.coverage` and
:mod:`workbench.engines.grouping`.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import traitlets
from matplotlib.figure import Figure

from .. import plots
from ..engines import coverage, grouping
from ..i18n import t
from ..ledger import Ledger
from ..schema import UNIT_KIND
from ..settings import RULES, Rules
from .common import figure_image, html_table

SHARE = "org_coverage"  # the street figure shown by unit kind


class CoveragePlanner(widgets.VBox):
    """The coverage levers of one ledger; any lever change reruns the projection and redraws.

    State (traitlets): ``instructors``, ``caseload``, ``drive`` (extra NPE admissions a year),
    ``grouping`` (regroup small units into joint branches) and ``target`` (NPE organisation
    coverage to reach). ``table`` is the latest long results table.
    """

    instructors = traitlets.Int(0)
    caseload = traitlets.Int(coverage.CoverageLevers().instructor_caseload)
    drive = traitlets.Float(0.0)
    grouping = traitlets.Bool(True)
    target = traitlets.Float(RULES.national_npe_coverage_2017)

    def __init__(
        self,
        ledger: Ledger,
        *,
        years: int = 10,
        runs: int = 200,
        seed: int = 0,
        lang: str = "zh",
        rules: Rules = RULES,
    ):
        super().__init__()
        self.add_class("wb-coverage")
        self.ledger, self.years, self.runs, self.seed, self.lang, self.rules = (
            ledger,
            years,
            runs,
            seed,
            lang,
            rules,
        )
        instructed = int(ledger.units["instructor"].fillna(False).astype(bool).sum())
        start = coverage.ledger_instructors(instructed, self.caseload)
        style = {"description_width": "initial"}
        controls = {
            "instructors": widgets.IntSlider(min=0, max=max(10, 3 * start), style=style),
            "caseload": widgets.IntSlider(min=1, max=20, style=style),
            "drive": widgets.FloatSlider(min=0, max=50, step=0.5, style=style),
            "grouping": widgets.Checkbox(indent=False),
            "target": widgets.FloatSlider(min=0, max=1, step=0.01, readout_format=".0%", style=style),
        }
        self.instructors = start
        for name, control in controls.items():
            control.value = getattr(self, name)
            control.description = t(f"coverage.ui.{name}", lang)
            control.add_class(f"wb-{name}")
            widgets.link((control, "value"), (self, name))
        self.controls = controls
        self.summary = widgets.HTML().add_class("wb-target")
        self.chart = widgets.Image(format="png").add_class("wb-chart")
        self.children = [widgets.VBox(list(controls.values())), self.summary, self.chart]
        self.run()
        self.observe(self.run, names=["instructors", "caseload", "drive", "grouping"])
        self.observe(self._show_target, names=["target"])

    @property
    def levers(self) -> coverage.CoverageLevers:
        """The levers the widgets set."""
        return coverage.CoverageLevers(
            instructors=self.instructors,
            instructor_caseload=self.caseload,
            recruitment_drive=self.drive,
            grouping=self.grouping,
            target_coverage=self.target,
        )

    def run(self, change: dict | None = None) -> pd.DataFrame:
        """Project with the current levers (same seed every time), redraw, and return the table."""
        self.table = coverage.simulate(
            self.ledger, self.levers, years=self.years, runs=self.runs, seed=self.seed, rules=self.rules
        )
        self.chart.value = figure_image(self.kind_chart())
        self._show_target()
        return self.table

    # --- what the notebook shows ----------------------------------------------------------------

    def kind_chart(self) -> Figure:
        """Fan chart of street organisation coverage by unit kind (kinds the ledger has)."""
        street = self.table[self.table["community"] == coverage.STREET]
        kinds = [k for k in UNIT_KIND.codes() if k in set(self.ledger.units["kind"])]
        rows = street[street["indicator"].isin([f"{SHARE}.{k}" for k in kinds])]
        by_kind = rows.assign(community=rows["indicator"].str.removeprefix(f"{SHARE}."), indicator=SHARE)
        names = {k: UNIT_KIND.label(k, self.lang) for k in kinds}
        return plots.fan_chart(by_kind, SHARE, names=names, lang=self.lang)

    def street(self, indicator: str, *, stat: str = "median") -> pd.Series:
        """Year → ``stat`` over the runs of a street figure (``coverage.STREET`` rows)."""
        rows = self.table[
            (self.table["community"] == coverage.STREET) & (self.table["indicator"] == indicator)
        ]
        return rows.groupby("year")["value"].agg(stat)

    def target_table(self) -> pd.DataFrame:
        """Year → share of runs in which street NPE organisation coverage has reached the target."""
        reached = coverage.target_reached(self.table, level=self.target)
        return reached.rename_axis("year").rename("probability").reset_index()

    def first_year(self, probability: float = 0.5) -> int | None:
        """The first year in which at least ``probability`` of the runs reach the target."""
        table = self.target_table()
        hits = table.loc[table["probability"] >= probability, "year"]
        return int(hits.iloc[0]) if len(hits) else None

    def proposal(self) -> grouping.Grouping:
        """The exact joint-branch proposal for next year (the ledger's units without organisation)."""
        return grouping.propose(self.ledger, rules=self.rules)

    def proposal_table(self) -> pd.DataFrame:
        """The proposal with unit and community names, one row per candidate unit, by group."""
        found = self.proposal().assignment
        units = self.ledger.units.set_index("id")["name"]
        communities = self.ledger.communities.set_index("id")["name"]
        table = found.assign(
            group=found["group"].where(found["group"] < 0, found["group"] + 1),
            unit=found["unit"].map(units),
            community=found["community"].map(communities),
            left=found["group"] < 0,
        )
        table = table.sort_values(["left", "group", "community", "unit"]).drop(columns="left")
        headers = {c: t(f"coverage.ui.column.{c}", self.lang) for c in table.columns}
        return table.rename(columns=headers).reset_index(drop=True)

    def proposal_chart(self) -> Figure:
        """The proposal as a picture (:func:`workbench.plots.joint_branches`)."""
        return plots.joint_branches(
            self.proposal().assignment,
            units=dict(self.ledger.units[["id", "name"]].itertuples(index=False)),
            communities=dict(self.ledger.communities[["id", "name"]].itertuples(index=False)),
            lang=self.lang,
        )

    def target_note(self) -> str:
        """The first year in which half the runs reach the target, as a sentence."""
        first = self.first_year()
        return (
            t("coverage.never", self.lang)
            if first is None
            else t("coverage.first_year", self.lang, year=first)
        )

    def _show_target(self, change: dict | None = None) -> None:
        lang = self.lang
        rows = [(int(y), f"{p:.0%}") for y, p in self.target_table().itertuples(index=False)]
        columns = [t("coverage.ui.column.year", lang), t("coverage.ui.column.probability", lang)]
        self.summary.value = (
            f"<p>{t('coverage.ui.target_title', lang, level=self.target)}</p>"
            + html_table(columns, rows, css="wb-target-table")
            + f"<p>{self.target_note()}</p>"
        )
