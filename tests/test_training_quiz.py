"""The rules quiz: the answer key is the rules (and the rubric), and the widgets give feedback."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.i18n import t
from workbench.rubric import load_rubric
from workbench.settings import RULES
from workbench.training.quiz import NUMERIC, OPTIONS, questions, spaced_options
from workbench.ui.quiz import Quiz


def keyed(items) -> dict:
    return {q.key: q for q in items}


def answer_text(question) -> str:
    return question.options[question.answer]


def test_eight_to_ten_questions_covering_every_topic():
    items = questions()
    assert 8 <= len(items) <= 10
    assert len({q.key for q in items}) == len(items)
    assert {"own_branch", "joint_units", "joint_members", "activist", "probation", "which_have"} <= set(
        keyed(items)
    )
    for q in items:
        assert len(set(q.options)) == len(q.options) >= OPTIONS and 0 <= q.answer < len(q.options)
        assert q.prompt and q.explanation


def test_numeric_answers_are_the_rules_values():
    items = keyed(questions())
    for key, field, _, _ in NUMERIC:
        value = getattr(RULES, field)
        assert answer_text(items[key]).split()[0] == str(value), key
        assert str(value) in items[key].explanation
    assert answer_text(items["own_branch"]) == f"{RULES.min_members_own_branch} 名"
    assert answer_text(items["probation"]) == f"{RULES.probation_months} 个月"


def test_changing_a_rule_changes_the_key():
    rules = replace(
        RULES, min_members_own_branch=5, joint_branch_max_units=7, probation_months=18, cadre_mean_age_max=45
    )
    before, after = keyed(questions()), keyed(questions(rules=rules))
    assert answer_text(after["own_branch"]) == "5 名" != answer_text(before["own_branch"])
    assert answer_text(after["joint_units"]) == "7 个"
    assert answer_text(after["probation"]) == "18 个月"
    # the five-haves question reads the rubric, whose threshold reads the same rules
    assert answer_text(before["cadre_age"]) == f"{RULES.cadre_mean_age_max} 岁"
    assert answer_text(after["cadre_age"]) == "45 岁"
    assert "5 人以上" in after["own_branch"].explanation


def test_the_have_question_follows_the_rubric_file():
    rubric = load_rubric("seed_2003")
    have = next(i for i in rubric.indicators if i.figure == "two_machines_one_room").have
    question = keyed(questions(rubric=rubric))["which_have"]
    assert answer_text(question) == t(f"have.{have}") == "有阵地"
    assert "两机一室" in question.prompt and rubric.title["zh"] in question.prompt


def test_feedback_right_wrong_and_unanswered():
    question = keyed(questions())["sponsors"]
    right, text = question.feedback(question.answer)
    assert right and text.startswith("回答正确") and str(RULES.sponsors_required) in text and "党章" in text
    wrong_choice = (question.answer + 1) % len(question.options)
    right, text = question.feedback(wrong_choice)
    assert not right and text.startswith("不对") and answer_text(question) in text
    right, text = question.feedback(None)
    assert not right and "请先选择" in text


def test_english_questions():
    question = keyed(questions(lang="en"))["probation"]
    assert question.prompt.startswith("How long")
    assert question.options[question.answer] == f"{RULES.probation_months} months"
    assert question.feedback(question.answer, "en")[1].startswith("Correct!")


@settings(max_examples=60, deadline=None)
@given(
    answer=st.integers(min_value=1, max_value=200),
    step=st.integers(min_value=1, max_value=20),
    position=st.integers(min_value=0, max_value=OPTIONS - 1),
)
def test_spaced_options_hold_the_answer_and_stay_positive(answer, step, position):
    options = spaced_options(answer, step, position)
    assert answer in options and len(set(options)) == OPTIONS
    assert min(options) > 0
    assert all(b - a == step for a, b in itertools.pairwise(options))
    if answer > OPTIONS * step:  # room below: the requested position is kept
        assert options.index(answer) == position


def test_the_quiz_widget_scores_answers():
    quiz = Quiz.for_rules()
    card = quiz.card("joint_members")
    card.answer(card.question.answer)
    assert card.correct is True and quiz.right == 1
    assert "wb-right" in card.feedback.value and "回答正确" in card.feedback.value
    other = quiz.card("activist")
    other.answer((other.question.answer + 1) % len(other.question.options))
    assert other.correct is False and quiz.right == 1 and "wb-wrong" in other.feedback.value
    assert f"已答对 1 / {len(quiz.cards)} 题" in quiz.score.value
    card.choice.value = card.question.answer
    card.submit.click()
    assert quiz.right == 1
    quiz.reset()
    assert quiz.right == 0 and all(c.correct is None and c.feedback.value == "" for c in quiz.cards)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_quiz_widget_escapes_and_labels(lang):
    quiz = Quiz.for_rules(lang=lang)
    assert all(card.submit.description for card in quiz.cards)
    assert len(quiz.cards) == len(questions(lang=lang))
