"""The leaders' overview dashboard (五有达标总览): headline figures, the community × have heatmap,
one community's radar and gaps, a rubric picker, a language switch and a ledger upload.

The notebook ``dashboards/overview.ipynb`` only does ``OverviewDashboard.for_sample()``; all
behaviour lives here and reads the package (scorecard, plots, ledger import).
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import traitlets

from .. import paths, plots
from .._errors import LedgerError
from ..headlines import Headlines, headlines
from ..i18n import t
from ..ledger import Ledger
from ..ledger_io import load_ledger
from ..rubric import builtin_rubrics, load_rubric
from ..scorecard import Scorecard, scorecard
from ..uploads import store_upload
from .common import STYLE, figure_image, html_table, text_block

LANGUAGES = (("中文", "zh"), ("English", "en"))


class OverviewDashboard(widgets.VBox):
    """The overview of one ledger; ``lang``, ``rubric_name`` and ``community`` are its state."""

    lang = traitlets.Unicode("zh")
    rubric_name = traitlets.Unicode("seed_2003")
    community = traitlets.Unicode(None, allow_none=True)

    def __init__(self, ledger: Ledger, *, source: str = "", lang: str = "zh", rubric: str = "seed_2003"):
        super().__init__()
        self.add_class("wb-overview")
        self.ledger, self.source = ledger, source
        self.title = widgets.HTML().add_class("wb-title")
        self.language = widgets.ToggleButtons(options=LANGUAGES, value=lang).add_class("wb-language")
        self.rubric_picker = widgets.Dropdown(options=_rubric_options(lang), value=rubric).add_class(
            "wb-rubric"
        )
        self.upload = widgets.FileUpload(accept=".xlsx,.csv", multiple=True).add_class("wb-upload")
        self.message = widgets.HTML().add_class("wb-message")
        self.headline = widgets.HTML().add_class("wb-headline")
        self.heatmap = widgets.Image(format="png").add_class("wb-heatmap")
        self.picker = widgets.Dropdown().add_class("wb-community")
        self.radar = widgets.Image(format="png").add_class("wb-radar")
        self.gaps = widgets.HTML().add_class("wb-gaps")
        self.children = [
            widgets.HTML(STYLE),
            self.title,
            widgets.HBox([self.language, self.rubric_picker, self.upload]),
            self.message,
            self.headline,
            self.heatmap,
            self.picker,
            widgets.HBox([self.radar, self.gaps]),
        ]
        widgets.link((self.language, "value"), (self, "lang"))
        widgets.link((self.rubric_picker, "value"), (self, "rubric_name"))
        widgets.link((self.picker, "value"), (self, "community"))
        self.upload.observe(self._on_upload, "value")
        self.lang, self.rubric_name = lang, rubric
        self._refresh()

    @classmethod
    def for_path(cls, path: str | Path, *, lang: str = "zh", **options) -> widgets.Widget:
        """The dashboard on the ledger at ``path``, or a friendly note when it cannot be read."""
        path = Path(path)
        try:
            result = load_ledger(path, lang=lang)
        except (LedgerError, OSError) as error:
            return widgets.HTML(text_block(t("dashboard.unreadable", lang, reason=error), "wb-error"))
        if not result.ok:
            note = t("dashboard.upload_failed", lang, count=len(result.errors))
            return widgets.HTML(text_block(note, "wb-error") + problems_table(result.problems, lang))
        return cls(result.ledger, source=path.name, lang=lang, **options)

    @classmethod
    def for_sample(cls, **options) -> widgets.Widget:
        """The dashboard on the bundled sample street."""
        return cls.for_path(paths.SAMPLE_LEDGER, **options)

    # --- state changes --------------------------------------------------------------------------

    @traitlets.observe("lang", "rubric_name")
    def _on_setting(self, change) -> None:
        if self.children:
            self._refresh()

    @traitlets.observe("community")
    def _on_community(self, change) -> None:
        if self.children and change["new"]:
            self._draw_community()

    def _on_upload(self, change) -> None:
        files = [(f["name"], bytes(f["content"])) for f in change["new"]]
        if not files:
            return
        try:
            result = load_ledger(store_upload(files, lang=self.lang), lang=self.lang)
        except (LedgerError, OSError, ValueError) as error:
            self.message.value = text_block(t("dashboard.unreadable", self.lang, reason=error), "wb-error")
            return
        if not result.ok:
            note = t("dashboard.upload_failed", self.lang, count=len(result.errors))
            self.message.value = text_block(note, "wb-error") + problems_table(result.problems, self.lang)
            return
        self.ledger, self.source = result.ledger, files[0][0]
        self._refresh()

    # --- drawing --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        lang = self.lang
        self.upload.description = t("dashboard.upload", lang)
        if list(self.rubric_picker.options) != (options := _rubric_options(lang)):
            current = self.rubric_name  # new options reset the picker to the first one
            with self.hold_trait_notifications():
                self.rubric_picker.options = options
                self.rubric_picker.value = self.rubric_name = current
        self.card: Scorecard = scorecard(self.ledger, load_rubric(self.rubric_name), lang=lang)
        summary = self.card.summary()
        self.title.value = (
            f"<h2>{t('app.title', lang)} · {t('dashboard.overview.title', lang)}</h2>"
            f"<p>{t('dashboard.street', lang, street=self.ledger.street_name, year=self.ledger.year)}</p>"
        )
        self.message.value = text_block(t("dashboard.loaded", lang, name=self.source), "wb-loaded")
        self.headline.value = _headline_html(headlines(self.ledger, self.card), lang)
        heat = summary.set_index("community_name")[[f"{h}_score" for h in self.card.rubric.haves]]
        heat.columns = list(self.card.rubric.haves)
        self.heatmap.value = figure_image(
            plots.have_heatmap(heat, title=t("dashboard.heatmap", lang), lang=lang)
        )
        options = list(zip(summary["community_name"], summary.index.astype(str), strict=True))
        current = self.community if self.community in summary.index else options[0][1]
        self.picker.options = options
        self.picker.value = current
        self._draw_community()

    def _draw_community(self) -> None:
        lang, community = self.lang, self.community
        summary = self.card.summary()
        name = summary.loc[community, "community_name"]
        scores = summary.loc[community, [f"{h}_score" for h in self.card.rubric.haves]]
        scores.index = list(self.card.rubric.haves)
        self.radar.value = figure_image(plots.radar(scores.astype(float), title=name, lang=lang))
        gaps = self.card.gaps(lang)
        lines = gaps.loc[gaps["community"] == community, "text"].tolist()
        body = "".join(f"<li>{line}</li>" for line in lines) or f"<li>{t('dashboard.no_gaps', lang)}</li>"
        self.gaps.value = (
            f"<h3>{t('dashboard.gaps', lang)} · {name}</h3><ul data-community='{community}'>{body}</ul>"
        )


def _rubric_options(lang: str) -> list[tuple[str, str]]:
    """(title in ``lang``, name) of each built-in rubric, for the picker."""
    return [(load_rubric(name).title.get(lang, name), name) for name in builtin_rubrics()]


def problems_table(problems, lang: str) -> str:
    """The errors among ``problems`` as an HTML table (sheet, row, column, value, problem)."""
    columns = [t(f"dashboard.problem.{c}", lang) for c in ("sheet", "row", "column", "value", "message")]
    rows = [(p.sheet, p.row, p.column, p.value, p.message) for p in problems if p.severity == "error"]
    return html_table(columns, rows, css="wb-problems")


def _headline_html(figures: Headlines, lang: str) -> str:
    cells = [
        (
            t("dashboard.all_met", lang),
            f"{figures.all_met} / {figures.communities}",
            "all_met",
            figures.all_met,
        ),
        (
            t("dashboard.npe_coverage", lang),
            f"{figures.npe_coverage:.0%}",
            "npe_coverage",
            f"{figures.npe_coverage:.6f}",
        ),
    ]
    cells += [
        (
            t("dashboard.have_rate", lang, have=t(f"have.{have}", lang)),
            f"{met} / {figures.communities}",
            f"have-{have}",
            met,
        )
        for have, met in figures.haves_met.items()
    ]
    return (
        "<div class='wb-cards'>"
        + "".join(
            f"<div class='wb-card' data-key='{key}' data-value='{value}'><div class='wb-card-label'>{label}</div>"
            f"<div class='wb-card-value'>{shown}</div></div>"
            for label, shown, key, value in cells
        )
        + "</div>"
    )
