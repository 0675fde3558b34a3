"""The quiz notebook in a real browser: served by Voilà (no code shown), answered by Playwright."""

from __future__ import annotations

import pytest
from browser_support import artifact, browser, open_page

from workbench import paths
from workbench.serve import served
from workbench.training.quiz import questions

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
RENDER_TIMEOUT_MS = 90_000
NOTEBOOK = paths.NOTEBOOKS / "training" / "03_quiz.ipynb"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quiz")
    with served(NOTEBOOK, log=tmp / "voila.log", preheat=True) as (url, _), browser(tmp) as chromium:
        page = open_page(chromium, url, ".wb-quiz .wb-score", timeout_ms=RENDER_TIMEOUT_MS)
        yield page
        page.close()


def answer(page, key: str, option: str) -> str:
    card = f".wb-question-{key}"
    page.click(f"{card} .wb-options label:text-is('{option}')")
    page.click(f"{card} .wb-submit")
    page.wait_for_selector(f"{card} .wb-feedback p", timeout=30_000)
    return page.inner_text(f"{card} .wb-feedback")


def test_no_code_is_shown(page):
    content = page.content()
    assert "Quiz.for_rules" not in content and "import" not in page.inner_text("body")


def test_a_right_answer_is_praised_with_the_rule(page):
    question = {q.key: q for q in questions()}["own_branch"]
    text = answer(page, "own_branch", question.options[question.answer])
    assert text.startswith("回答正确") and "支部工作条例" in text
    assert page.locator(".wb-question-own_branch .wb-right").count() == 1
    assert "已答对 1 /" in page.inner_text(".wb-score")


def test_a_wrong_answer_gets_the_right_one_and_the_rule(page):
    question = {q.key: q for q in questions()}["sponsors"]
    wrong = question.options[(question.answer + 1) % len(question.options)]
    text = answer(page, "sponsors", wrong)
    assert text.startswith(f"不对，正确答案是：{question.options[question.answer]}")
    assert "党章" in text and page.locator(".wb-question-sponsors .wb-wrong").count() == 1
    page.screenshot(path=str(artifact("training_quiz.png")), full_page=True)


def test_no_console_errors_and_no_data_leaves_the_machine(page):
    assert page.console_errors == []
    assert all("fontawesome" in url for url in page.external_requests), page.external_requests
