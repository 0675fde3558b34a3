"""The projected pages of a study session: large type, no code, one idea per page.

Each function returns an :class:`IPython.display.HTML` a notebook cell shows as is (Voilà hides the
cell's code), built from :mod:`.lesson` so the screen says what the handout prints. Text is escaped;
the heatmap is an inline PNG.
"""

from __future__ import annotations

import base64
import html

from IPython.display import HTML

from .. import plots
from ..i18n import t
from ..ledger import Ledger
from ..scorecard import Scorecard
from ..ui.common import figure_image, html_table
from . import lesson

STYLE = """
<style>
.wb-slide { font-size: 24px; line-height: 1.5; max-width: 1200px; margin: 0 auto 1.5em; }
.wb-slide h1 { font-size: 44px; } .wb-slide h2 { font-size: 36px; margin-top: 1em; }
.wb-slide li { margin: 0.3em 0; }
.wb-slide table { border-collapse: collapse; font-size: 22px; margin: 0.5em 0; }
.wb-slide th, .wb-slide td, .wb-exercise th, .wb-exercise td {
  border-bottom: 1px solid #bbb; padding: 6px 14px; text-align: left !important; }
.wb-slide img { max-width: 100%; }
.wb-quiz, .wb-exercise { font-size: 22px; max-width: 1200px; margin: 0 auto; }
.wb-quiz .widget-html-content, .wb-exercise .widget-html-content {
  font-size: 22px; line-height: 1.5; height: auto; }
.wb-quiz .wb-prompt { font-size: 26px; font-weight: bold; }
.wb-quiz .widget-radio-box label, .wb-exercise label {
  font-size: 22px; line-height: 1.6; height: auto; }
.wb-quiz .widget-radio-box input { width: 22px; height: 22px; margin-right: 10px; }
.wb-exercise input, .wb-exercise select { font-size: 20px; height: auto; }
.wb-question { border-top: 2px solid #c62828; padding: 0.5em 0 1em; }
.wb-quiz button, .wb-exercise button { font-size: 20px; height: auto; padding: 4px 18px; }
.wb-right { color: #1b5e20; font-weight: bold; } .wb-wrong { color: #b71c1c; font-weight: bold; }
.wb-hint { color: #555; } .wb-error { color: #b71c1c; }
</style>
"""


def style() -> HTML:
    """The session's stylesheet: large, projector-friendly type for pages, quiz and exercises."""
    return HTML(STYLE)


def _page(title: str, body: str) -> HTML:
    return HTML(f"<div class='wb-slide'><h2>{html.escape(title)}</h2>{body}</div>")


def _items(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def title(lang: str = "zh") -> HTML:
    """The opening page."""
    return HTML(f"<div class='wb-slide'><h1>{html.escape(t('training.title', lang))}</h1></div>")


def case(ledger: Ledger, card: Scorecard, lang: str = "zh") -> HTML:
    """The street in its founding year and the goal."""
    return _page(t("training.case.title", lang), _items(lesson.case_points(ledger, card, lang)))


def problems(lang: str = "zh") -> HTML:
    """The four problems of the case."""
    return _page(t("training.problems.title", lang), _items(lesson.problems(lang)))


def haves(card: Scorecard, lang: str = "zh") -> HTML:
    """The five haves and what each checks, read from the rubric file."""
    checks = lesson.have_checks(card.rubric, lang)
    rows = checks[["have_label", "check", "passes_when"]].itertuples(index=False)
    body = html_table(t("training.haves.columns", lang).split(";"), rows, css="wb-haves")
    body += f"<p>{html.escape(t('training.haves.rule_note', lang))}</p>"
    return _page(t("training.haves.title", lang, rubric=card.rubric.title[lang]), body)


def heatmap_png(card: Scorecard, lang: str = "zh") -> bytes:
    """The community × have score heatmap of ``card`` as PNG bytes."""
    summary = card.summary().set_index("community_name")
    scores = summary[[f"{h}_score" for h in card.rubric.haves]].set_axis(list(card.rubric.haves), axis=1)
    return figure_image(plots.have_heatmap(scores, title=t("training.scorecard.heatmap", lang), lang=lang))


def scorecard(ledger: Ledger, card: Scorecard, lang: str = "zh") -> HTML:
    """Today's standing: communities meeting each have, and the heatmap of scores."""
    table = lesson.standing(card, lang)
    rows = table[["label", "met", "communities"]].itertuples(index=False)
    body = html_table(t("training.scorecard.columns", lang).split(";"), rows, css="wb-standing")
    image = base64.b64encode(heatmap_png(card, lang)).decode("ascii")
    body += f"<img class='wb-heatmap' src='data:image/png;base64,{image}'/>"
    return _page(t("training.scorecard.title", lang, year=ledger.year), body)


def where_to_start(card: Scorecard, lang: str = "zh") -> HTML:
    """The discussion page: where would you start?"""
    return _page(t("training.start.title", lang), _items(lesson.where_to_start(card, lang)))
