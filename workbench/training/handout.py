"""The printable handout of a study session: the case, the rules, the exercises and the quiz.

A4 pages drawn with matplotlib's :class:`~matplotlib.backends.backend_pdf.PdfPages` in the bundled
Chinese font, embedded as TrueType (``pdf.fonttype`` 42) so the text can be searched and copied.
The content is :mod:`.lesson`'s, the same as on the screen; the quiz's answer key closes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..i18n import check_lang, t
from ..ledger import Ledger
from ..pdfpages import BODY_PT, PageWriter, a4_document, text_width, wrap
from ..scorecard import Scorecard
from ..settings import RULES, Rules
from . import exercises, lesson, quiz, slides

__all__ = ["EXERCISE_BUDGET", "text_width", "wrap", "write_handout"]

EXERCISE_BUDGET = 20_000  # yuan, the budget exercise's opening figure (a classroom choice)


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
    with a4_document(
        path,
        title=t("training.title", lang),
        footer=lambda page: t("training.handout.page", lang, page=page),
    ) as writer:
        _case_pages(writer, ledger, card, lang)
        _rules_and_exercises(writer, ledger, card, rules, lang)
    return writer.pages


def _case_pages(writer: PageWriter, ledger: Ledger, card: Scorecard, lang: str) -> None:
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


def _rules_and_exercises(
    writer: PageWriter, ledger: Ledger, card: Scorecard, rules: Rules, lang: str
) -> None:
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
