"""The rules quiz as widgets: one card per question, immediate feedback citing the rule.

``Quiz.for_rules()`` is what ``notebooks/training/03_quiz.ipynb`` shows. Questions and answer keys
come from :func:`workbench.training.quiz.questions`; these classes only lay them out and react.
"""

from __future__ import annotations

import ipywidgets as widgets
import traitlets

from ..i18n import t
from ..settings import RULES, Rules
from ..training.quiz import Question, questions
from .common import text_block


class QuestionCard(widgets.VBox):
    """One question: the options, a submit button and the feedback; ``correct`` is its state
    (None until answered)."""

    correct = traitlets.Bool(None, allow_none=True)

    def __init__(self, question: Question, number: int, *, lang: str = "zh"):
        super().__init__()
        self.question, self.lang = question, lang
        self.add_class("wb-question").add_class(f"wb-question-{question.key}")
        prompt = t("training.quiz.number", lang, number=number) + " · " + question.prompt
        self.prompt = widgets.HTML(text_block(prompt, "wb-prompt"))
        self.choice = widgets.RadioButtons(
            options=[(text, k) for k, text in enumerate(question.options)], value=None
        ).add_class("wb-options")
        self.submit = widgets.Button(description=t("training.quiz.check", lang)).add_class("wb-submit")
        self.feedback = widgets.HTML().add_class("wb-feedback")
        self.submit.on_click(lambda _: self.answer(self.choice.value))
        self.children = [self.prompt, self.choice, self.submit, self.feedback]

    def answer(self, choice: int | None) -> None:
        """Mark the option ``choice`` (None: nothing chosen yet) and show the feedback."""
        right, text = self.question.feedback(choice, self.lang)
        css = "wb-right" if right else ("wb-wrong" if choice is not None else "wb-hint")
        self.feedback.value = text_block(text, css)
        self.correct = right if choice is not None else None

    def reset(self) -> None:
        self.choice.value, self.feedback.value, self.correct = None, "", None


class Quiz(widgets.VBox):
    """All questions and a running score; ``right`` counts the questions answered correctly."""

    right = traitlets.Int(0)

    def __init__(self, items: tuple[Question, ...], *, lang: str = "zh"):
        super().__init__()
        self.add_class("wb-quiz")
        self.lang = lang
        self.cards = [QuestionCard(q, k + 1, lang=lang) for k, q in enumerate(items)]
        self.score = widgets.HTML().add_class("wb-score")
        for card in self.cards:
            card.observe(self._count, "correct")
        self.children = [widgets.HTML(f"<h2>{t('training.quiz.title', lang)}</h2>"), *self.cards, self.score]
        self._count()

    @classmethod
    def for_rules(cls, *, rules: Rules = RULES, rubric: str = "seed_2003", lang: str = "zh") -> Quiz:
        """The quiz on ``rules`` and the rubric named ``rubric``."""
        return cls(questions(rules=rules, rubric=rubric, lang=lang), lang=lang)

    def card(self, key: str) -> QuestionCard:
        """The card of the question ``key``."""
        return next(c for c in self.cards if c.question.key == key)

    def reset(self) -> None:
        for card in self.cards:
            card.reset()

    def _count(self, change=None) -> None:
        self.right = sum(bool(c.correct) for c in self.cards)
        self.score.value = text_block(
            t("training.quiz.score", self.lang, right=self.right, total=len(self.cards)), "wb-score-text"
        )
