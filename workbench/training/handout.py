"""The printable handout of a study session: the case, the rules, the exercises and the quiz.

A4 pages drawn with matplotlib's :class:`~matplotlib.backends.backend_pdf.PdfPages` in the bundled
Chinese font, embedded as TrueType (``pdf.fonttype`` 42) so the text can be searched and copied.
The content is :mod:`.lesson`'s, the same as on the screen; the quiz's answer key closes it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib as mpl
import matplotlib.image as mpimg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..fonts import use_chinese_font
from ..i18n import check_lang, t
from ..ledger import Ledger
from ..scorecard import Scorecard
from ..settings import RULES, Rules
from . import exercises, lesson, quiz, slides

A4_INCHES = (8.27, 11.69)
MARGIN = 0.07  # of the page, each side
BODY_PT = 10.5
LINE = 1.55  # line height, in font sizes
EXERCISE_BUDGET = 20_000  # yuan, the budget exercise's opening figure (a classroom choice)


def text_width(text: str) -> float:
    """Width of ``text`` in em: a CJK or full-width character is 1, anything else ½."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)


def wrap(text: str, width_em: float) -> list[str]:
    """``text`` cut into lines at most ``width_em`` wide (breaking anywhere in CJK, at spaces
    in Latin text when one is near)."""
    lines, line = [], ""
    for ch in text:
        if text_width(line + ch) > width_em:
            cut = line.rfind(" ")
            if ch != " " and cut > len(line) * 0.6:
                lines.append(line[:cut])
                line = line[cut + 1 :]
            else:
                lines.append(line)
                line = ""
            if ch == " ":
                continue
        line += ch
    return [*lines, line] if line else lines


class _Writer:
    """Flowing text onto A4 pages: a cursor moving down, a new page when the current is full."""

    def __init__(self, pdf: PdfPages, lang: str):
        self.pdf, self.lang, self.pages = pdf, lang, 0
        self.figure: Figure | None = None
        self.y = 0.0

    def _pt(self, size: float) -> float:
        """A line of ``size`` points as a fraction of the page height."""
        return size * LINE / 72 / A4_INCHES[1]

    def _room(self, height: float) -> None:
        if self.figure is None or self.y - height < MARGIN:
            self.finish()
            self.figure = Figure(figsize=A4_INCHES)
            self.y = 1 - MARGIN
            self.pages += 1
            page = t("training.handout.page", self.lang, page=self.pages)
            self.figure.text(0.5, MARGIN / 2, page, ha="center", fontsize=BODY_PT - 2, color="#666")

    def text(self, text: str, *, size: float = BODY_PT, bold: bool = False, indent: float = 0.0) -> None:
        width_em = (1 - 2 * MARGIN - indent) * A4_INCHES[0] * 72 / size
        for line in wrap(text, width_em):
            self._room(self._pt(size))
            self.y -= self._pt(size)
            self.figure.text(
                MARGIN + indent,
                self.y,
                line,
                fontsize=size,
                fontweight="bold" if bold else "normal",
                va="bottom",
            )

    def heading(self, text: str, *, size: float = BODY_PT + 4) -> None:
        self.space(0.5)
        self.text(text, size=size, bold=True)
        self.space(0.3)

    def bullets(self, lines: list[str]) -> None:
        for line in lines:
            self.text(f"• {line}", indent=0.01)

    def space(self, lines: float = 1.0) -> None:
        self.y -= lines * self._pt(BODY_PT)

    def image(self, png: bytes, *, height: float) -> None:
        self._room(height)
        picture = mpimg.imread(io.BytesIO(png), format="png")
        aspect = picture.shape[1] / picture.shape[0] * A4_INCHES[1] / A4_INCHES[0]
        width = min(1 - 2 * MARGIN, height * aspect)
        self.y -= height
        axes = self.figure.add_axes((0.5 - width / 2, self.y, width, height))
        axes.imshow(picture)
        axes.set_axis_off()

    def finish(self) -> None:
        if self.figure is not None:
            self.pdf.savefig(self.figure)
            self.figure = None


def write_handout(
    path: str | os.PathLike,
    *,
    ledger: Ledger | None = None,
    rubric: str = "seed_2003",
    rules: Rules = RULES,
    lang: str = "zh",
    overwrite: bool = False,
) -> int:
    """Write the handout PDF for ``ledger`` (default: the sample street) to ``path``; returns the
    number of pages. Raises FileExistsError when ``path`` exists and ``overwrite`` is False."""
    lang = check_lang(lang)
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(t("training.handout.exists", lang, path=path))
    ledger, card = lesson.session_case(ledger, rubric=rubric, rules=rules, lang=lang)
    use_chinese_font()
    partial = path.with_name(path.name + ".part")
    metadata = {"Title": t("training.title", lang), "CreationDate": None}
    with mpl.rc_context({"pdf.fonttype": 42}), PdfPages(partial, metadata=metadata) as pdf:
        writer = _Writer(pdf, lang)
        _case_pages(writer, ledger, card, lang)
        _rules_and_exercises(writer, ledger, card, rules, lang)
        writer.finish()
    partial.replace(path)
    return writer.pages


def _case_pages(writer: _Writer, ledger: Ledger, card: Scorecard, lang: str) -> None:
    writer.heading(t("training.title", lang), size=BODY_PT + 8)
    writer.heading(t("training.case.title", lang))
    writer.bullets(lesson.case_points(ledger, card, lang))
    writer.heading(t("training.problems.title", lang))
    writer.bullets(lesson.problems(lang))
    writer.heading(t("training.haves.title", lang, rubric=card.rubric.title[lang]))
    for _, group in lesson.have_checks(card.rubric, lang).groupby("have", sort=False):
        checks = t("rubric.gap.separator", lang).join(
            f"{c} {p}" for c, p in zip(group["check"], group["passes_when"], strict=True)
        )
        writer.text(group["have_label"].iloc[0] + t("training.colon", lang) + checks, indent=0.01)
    writer.text(t("training.haves.rule_note", lang))
    writer.heading(t("training.scorecard.title", lang, year=ledger.year))
    standing = lesson.standing(card, lang)
    writer.text(
        t("rubric.gap.separator", lang).join(
            f"{r.label} {r.met}/{r.communities}" for r in standing.itertuples()
        )
    )
    writer.image(slides.heatmap_png(card, lang), height=0.3)
    writer.heading(t("training.start.title", lang))
    writer.bullets(lesson.where_to_start(card, lang))


def _rules_and_exercises(writer: _Writer, ledger: Ledger, card: Scorecard, rules: Rules, lang: str) -> None:
    writer.heading(t("training.rules.title", lang))
    writer.bullets(lesson.rule_lines(rules, lang))
    writer.heading(t("training.handout.exercises", lang))
    writer.text(t("training.exercise.budget.short", lang), bold=True)
    writer.text(t("training.handout.exercise.budget", lang, budget=f"{EXERCISE_BUDGET:,}"), indent=0.01)
    writer.text(t("training.exercise.succession.short", lang), bold=True)
    writer.text(t("training.handout.exercise.succession", lang), indent=0.01)
    writer.text(t("training.exercise.grouping.short", lang), bold=True)
    writer.text(
        t(
            "training.handout.exercise.grouping",
            lang,
            own=rules.min_members_own_branch,
            units=rules.joint_branch_max_units,
            members=rules.joint_branch_min_members,
        ),
        indent=0.01,
    )
    task = exercises.grouping_task(ledger, rules=rules)
    writer.bullets(
        [
            t(
                "training.handout.unit_line",
                lang,
                name=r.name,
                community=r.community_name,
                trade=r.trade,
                members=r.members,
            )
            for r in task.units.itertuples()
        ]
    )
    items = quiz.questions(rules=rules, rubric=card.rubric, lang=lang)
    writer.finish()
    writer.heading(t("training.quiz.title", lang))
    for number, question in enumerate(items, start=1):
        writer.text(f"{number}. {question.prompt}")
        letters = "   ".join(f"{chr(ord('A') + k)}. {o}" for k, o in enumerate(question.options))
        writer.text(letters, indent=0.03)
    writer.space()
    key = "   ".join(f"{n}{chr(ord('A') + q.answer)}" for n, q in enumerate(items, start=1))
    writer.text(t("training.quiz.answers", lang) + t("training.colon", lang) + key, size=BODY_PT - 1)
