"""The succession planner (干部接班与党员发展): the levers as widgets, and what they lead to.

The notebook ``notebooks/20_succession.ipynb`` only builds a :class:`SuccessionPlanner` and shows
its parts; the levers are traitlets linked to sliders, **Run** projects them with the succession
engine (:mod:`workbench.engines.succession`), and the figures redraw: age pyramids of cadres and
members today and at the horizon, succession risk by community and year, fan charts of the cadres'
mean age and of ready reserves per key post, and a table per community.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets
from matplotlib.figure import Figure

from .. import plots, results
from ..engines import succession
from ..i18n import t
from ..ledger import Ledger
from ..settings import RULES, Rules
from .common import figure_image, html_table

LEVERS = {  # trait: (lever field, slider range)
    "recruitment_drive": ("recruitment_drive", (0, 100)),
    "training_slots": ("training_slots", (0, 30)),
    "reserves_per_post": ("reserves_per_post", (0, 3)),
    "outside_appointments": ("outside_appointments", (0, 10)),
    "retirement_age": ("retirement_age", (50, 70)),
}
FANS = ("cadre_mean_age", "ready_reserves_per_key_post")
PARTS = ("members", "cadres", "risk", *FANS)
"""What :meth:`SuccessionPlanner.figure` draws: two age pyramids, the risk map, two fan charts."""


class SuccessionPlanner(widgets.VBox):
    """Levers (traitlets) and the projection they give; :meth:`run` projects and redraws."""

    recruitment_drive = traitlets.Int(0)
    training_slots = traitlets.Int(0)
    reserves_per_post = traitlets.Int(RULES.reserves_per_key_post)
    outside_appointments = traitlets.Int(0)
    retirement_age = traitlets.Int(RULES.retirement_age)
    lang = traitlets.Unicode("zh")

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
        self.add_class("wb-succession")
        self.ledger, self.years, self.runs, self.seed, self.rules = ledger, years, runs, seed, rules
        self.names = ledger.communities.set_index("id")["name"].to_dict()
        self.lang = lang
        self.sliders = {}
        for trait, (_, (low, high)) in LEVERS.items():
            label = t(f"succession.ui.{trait}", lang)
            slider = widgets.IntSlider(value=getattr(self, trait), min=low, max=high, description=label)
            widgets.link((slider, "value"), (self, trait))
            self.sliders[trait] = slider.add_class(f"wb-{trait.replace('_', '-')}")
        self.button = widgets.Button(description=t("succession.ui.run", lang)).add_class("wb-run")
        self.button.on_click(lambda _: self.run())
        self.images = {name: widgets.Image(format="png").add_class(f"wb-{name}") for name in PARTS}
        self.summary = widgets.HTML().add_class("wb-summary")
        self.children = [
            widgets.HTML(f"<h2>{t('succession.ui.title', lang)}</h2>"),
            widgets.VBox([*self.sliders.values(), self.button]),
            self.summary,
            widgets.HBox([self.images["members"], self.images["cadres"]]),
            self.images["risk"],
            widgets.HBox([self.images[name] for name in FANS]),
        ]
        self.run()

    @property
    def levers(self) -> succession.SuccessionLevers:
        """The levers as the engine takes them."""
        return succession.SuccessionLevers(
            **{field: getattr(self, trait) for trait, (field, _) in LEVERS.items()}
        )

    def project(self, levers: succession.SuccessionLevers | None = None) -> pd.DataFrame:
        """The long results table of ``levers`` (the current ones by default), seeded."""
        return succession.simulate(
            self.ledger,
            levers or self.levers,
            years=self.years,
            runs=self.runs,
            seed=self.seed,
            rules=self.rules,
        )

    def run(self) -> None:
        """Project the current levers and redraw every part."""
        levers = self.levers
        self.table = self.project(levers)
        self.profiles = succession.age_profiles(
            self.ledger, levers, years=self.years, runs=self.runs, seed=self.seed, rules=self.rules
        )
        for name in PARTS:
            self.images[name].value = figure_image(self.figure(name))
        self.summary.value = html_table(*self._summary())

    # --- figures ---------------------------------------------------------------------------------

    def figure(self, part: str) -> Figure:
        """One part of the planner (:data:`PARTS`) as a figure."""
        lang = self.lang
        if part in ("members", "cadres"):
            pyramid = pd.DataFrame({year: table[part] for year, table in self.profiles.items()}).fillna(0)
            title = t(f"succession.ui.pyramid_{part}", lang)
            return plots.age_pyramid(pyramid.sort_index(), title=title, lang=lang)
        if part == "risk":
            return plots.risk_heatmap(self.mean_by_year("succession_risk"), lang=lang)
        return plots.fan_chart(self.table, part, names=self.names, lang=lang)

    def mean_by_year(self, indicator: str) -> pd.DataFrame:
        """Community (name) × year: the mean of ``indicator`` over runs."""
        values, years, communities = results.cube(self.table, indicator)
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(values, axis=0).T
        return pd.DataFrame(mean, index=[self.names.get(c, c) for c in communities], columns=years)

    def _summary(self) -> tuple[list[str], list[list[str]]]:
        lang = self.lang
        age, risk = self.mean_by_year("cadre_mean_age"), self.mean_by_year("succession_risk")
        start, end = age.columns[0], age.columns[-1]
        columns = [
            t("succession.ui.community", lang),
            *(t(f"succession.ui.{k}", lang, start=start, end=end) for k in ("age", "risk")),
        ]
        rows = [
            [
                name,
                f"{age.loc[name, start]:.1f} → {age.loc[name, end]:.1f}",
                f"{risk.loc[name, start]:.0%} → {risk.loc[name, end]:.0%}",
            ]
            for name in age.index
        ]
        return columns, rows
