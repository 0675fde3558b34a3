"""The rules quiz (规则小测验): questions whose answer keys are read from the rules and the rubric.

There is one source of truth: a question such as "how many full members does a unit need for its
own branch?" takes its answer from ``rules.min_members_own_branch``, and a five-haves question takes
its answer from the rubric file (itself reading thresholds from the same rules). Change a rule with
``dataclasses.replace`` and the key, the options and the explanation all change with it.

Numeric questions offer four evenly spaced numbers around the answer; where the answer sits among
them varies from question to question but never between runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import check_lang, t
from ..rubric import HAVES, Rubric, load_rubric
from ..settings import RULES, Rules

OPTIONS = 4

# key, the Rules field holding the answer, the unit label, the spacing of the wrong options
NUMERIC = (
    ("own_branch", "min_members_own_branch", "members", 1),
    ("joint_units", "joint_branch_max_units", "units", 1),
    ("joint_members", "joint_branch_min_members", "members", 1),
    ("branch_max", "branch_max_members", "members", 10),
    ("branch_committee", "branch_committee_min_members", "members", 2),
    ("activist", "activist_min_months", "months", 6),
    ("probation", "probation_months", "months", 6),
    ("sponsors", "sponsors_required", "members", 1),
)
AGE_STEP = 5  # years between the options of the cadre-age question
CADRE_AGE_FIGURE = "cadre_mean_age"  # the rubric check behind the cadre-age question
WHICH_HAVE_FIGURE = "two_machines_one_room"  # the rubric check behind the "which have" question


@dataclass(frozen=True)
class Question:
    """One multiple-choice question; ``answer`` indexes ``options``."""

    key: str
    prompt: str
    options: tuple[str, ...]
    answer: int
    explanation: str

    def feedback(self, choice: int | None, lang: str = "zh") -> tuple[bool, str]:
        """``(correct, text)`` for the option index ``choice``: a verdict and the rule it rests on."""
        if choice is None:
            return False, t("training.quiz.pick", lang)
        if choice == self.answer:
            return True, f"{t('training.quiz.right', lang)} {self.explanation}"
        wrong = t("training.quiz.wrong", lang, answer=self.options[self.answer])
        return False, f"{wrong} {self.explanation}"


def spaced_options(answer: float, step: float, position: int, *, count: int = OPTIONS) -> list[float]:
    """``count`` numbers ``step`` apart with ``answer`` at ``position`` (moved right while any
    would be below ``step``, so every option stays positive)."""
    position = min(position, max(0, int(answer // step) - 1))
    return [answer + (k - position) * step for k in range(count)]


def questions(
    *, rules: Rules = RULES, rubric: Rubric | str = "seed_2003", lang: str = "zh"
) -> tuple[Question, ...]:
    """The quiz: eight questions on branches, joint branches and the member pipeline (from
    ``rules``) and two on the five-haves (from ``rubric``, loaded with ``rules`` when a name)."""
    lang = check_lang(lang)
    rubric = load_rubric(rubric, rules=rules, lang=lang) if isinstance(rubric, str) else rubric
    extra = {
        "review": rules.activist_review_months,
        "ext_min": rules.probation_extension_min_months,
        "ext_max": rules.probation_extension_max_months,
    }
    out = [
        _numeric(key, getattr(rules, field), unit, step, k % OPTIONS, lang, extra)
        for k, (key, field, unit, step) in enumerate(NUMERIC)
    ]
    out.append(_cadre_age(rubric, lang, len(out) % OPTIONS))
    out.append(_which_have(rubric, lang))
    return tuple(out)


def _numeric(key: str, answer: int, unit: str, step: int, position: int, lang: str, extra: dict) -> Question:
    numbers = spaced_options(answer, step, position)
    return Question(
        key=key,
        prompt=t(f"training.quiz.{key}.prompt", lang),
        options=tuple(t(f"training.unit.{unit}", lang, value=f"{n:g}") for n in numbers),
        answer=numbers.index(answer),
        explanation=t(f"training.quiz.{key}.why", lang, value=answer, **extra),
    )


def _indicator(rubric: Rubric, figure: str):
    found = [i for i in rubric.indicators if i.figure == figure]
    if not found:
        raise ValueError(f"the rubric {rubric.name!r} has no check of {figure!r}, which the quiz asks about")
    return found[0]


def _cadre_age(rubric: Rubric, lang: str, position: int) -> Question:
    indicator = _indicator(rubric, CADRE_AGE_FIGURE)
    answer = indicator.threshold
    numbers = spaced_options(answer, AGE_STEP, position)
    title, label = rubric.title[lang], indicator.label[lang]
    return Question(
        key="cadre_age",
        prompt=t("training.quiz.cadre_age.prompt", lang, rubric=title),
        options=tuple(t("training.unit.years_of_age", lang, value=f"{n:g}") for n in numbers),
        answer=numbers.index(answer),
        explanation=t("training.quiz.cadre_age.why", lang, label=label, value=f"{answer:g}"),
    )


def _which_have(rubric: Rubric, lang: str) -> Question:
    indicator = _indicator(rubric, WHICH_HAVE_FIGURE)
    names = [t(f"have.{h}", lang) for h in HAVES]
    label = indicator.label[lang]
    return Question(
        key="which_have",
        prompt=t("training.quiz.which_have.prompt", lang, rubric=rubric.title[lang], label=label),
        options=tuple(names),
        answer=HAVES.index(indicator.have),
        explanation=t(
            "training.quiz.which_have.why", lang, label=label, have=names[HAVES.index(indicator.have)]
        ),
    )
