"""The study-session notebooks and what they show: thin, hidden-code notebooks over the package.

nbval runs each notebook (with its own value checks) when the suite collects ``notebooks/``; here
papermill runs them again in English with other parameters, and the exercises' arithmetic is checked
against the engines and the rules by independent means.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest

from workbench import serve
from workbench._errors import PlanningError
from workbench.commands.training import TRAINING, notebooks, training_path
from workbench.engines import grouping
from workbench.settings import RULES
from workbench.synth import sample_ledger
from workbench.training import exercises as ex
from workbench.training import lesson

NOTEBOOK_FILES = sorted(TRAINING.glob("*.ipynb"))
CHECK_MARK = "# 自检"  # value-check cells start with this comment
MAX_DISPLAY_LINES = 5


@pytest.fixture(scope="module")
def ledger():
    return sample_ledger()


# --- the notebooks -------------------------------------------------------------------------------


def test_there_are_the_three_sessions():
    assert set(notebooks()) == {"five_haves", "what_if", "quiz"}
    assert training_path("quiz") == training_path("03_quiz") == TRAINING / "03_quiz.ipynb"
    assert training_path(None) == TRAINING
    with pytest.raises(FileNotFoundError, match="what_if"):
        training_path("nonsense")


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_notebooks_are_thin_hide_their_code_and_take_parameters(path):
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    tagged = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1 and cells[0] is tagged[0]
    assert any("".join(c["source"]).startswith(CHECK_MARK) for c in cells), "no value checks"
    for cell in cells:
        source = "".join(cell["source"])
        assert cell["metadata"]["jupyter"]["source_hidden"] and "hide-input" in cell["metadata"]["tags"]
        assert not cell.get("outputs"), "notebooks are stored without outputs"
        if not source.startswith(CHECK_MARK):
            assert len(source.splitlines()) <= MAX_DISPLAY_LINES, source
            assert "def " not in source and "class " not in source


@pytest.fixture
def jupyter_env(tmp_path, monkeypatch):
    for key, value in serve.isolated_jupyter_env(tmp_path / "jupyter").items():
        monkeypatch.setenv(key, value)
    return tmp_path


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("01_five_haves", {"lang": "en"}),
        ("02_what_if", {"lang": "en", "budget": 30_000, "runs": 40, "seed": 3}),
        ("03_quiz", {"lang": "en"}),
    ],
)
def test_notebooks_run_with_other_parameters(name, parameters, jupyter_env):
    import papermill

    out = jupyter_env / f"{name}.ipynb"
    papermill.execute_notebook(
        TRAINING / f"{name}.ipynb", out, parameters=parameters, kernel_name="python3", cwd=str(jupyter_env),
        progress_bar=False,
    )  # fmt: skip
    shown = json.dumps(json.loads(out.read_text(encoding="utf-8"))["cells"], ensure_ascii=False)
    assert "Traceback" not in shown
    if name == "01_five_haves":
        assert "Where the street stands today" in shown and "Venue" in shown


# --- the lesson content --------------------------------------------------------------------------


def test_the_case_reads_its_facts_from_the_ledger(ledger):
    ledger, card = lesson.session_case(ledger)
    points = lesson.case_points(ledger, card)
    assert "6 个社区、6 个社区党支部" in points[0]
    assert "汇丰社区、燕兴社区" in points[1] and "其余 4 个社区" in points[1]
    standing = lesson.standing(card)
    assert standing.loc["venue", "met"] == 2 and standing.loc["all", "met"] == 0
    assert standing.loc["activities", "gaps"] == 0 and standing.loc["team", "gaps"] == 6
    checks = lesson.have_checks(card.rubric)
    assert len(checks) == len(card.rubric.indicators)
    assert checks.loc[checks["check"] == "办公活动用房", "passes_when"].item() == "≥ 80 平方米"


def test_the_rules_page_follows_the_rules():
    lines = lesson.rule_lines(replace(RULES, retirement_age=63, activist_min_months=18))
    assert any("书记 63 岁退休" in line for line in lines)
    assert any("不少于 18 个月" in line for line in lines)


# --- exercise 1: budget ------------------------------------------------------------------------


def test_a_basket_is_scored_like_any_plan(ledger):
    prob = ex.budget_problem(ledger, 20_000)
    empty = ex.basket_plan(prob, {})
    plan = ex.basket_plan(prob, {("C05", "signage"): 1, ("C05", "study_materials"): 0})
    assert ex.basket_cost(prob, {("C05", "signage"): 1}) == plan.table["cost"].sum() == 300.0
    year = int(prob.years[0])
    assert empty.figures_by_year.loc[(year, "C05"), "signage"] == 0
    assert plan.figures_by_year.loc[(year, "C05"), "signage"] == 1
    assert plan.weighted_met == empty.weighted_met + 1  # signage is one check of weight 1
    best = ex.best_plan(prob)
    assert plan.weighted_met <= best.weighted_met
    scores = ex.have_scores(
        best, dict(zip(ledger.communities["id"], ledger.communities["name"], strict=True))
    )
    assert list(scores.index) == ledger.communities["name"].tolist() and scores.to_numpy().max() <= 1


def test_a_basket_over_budget_is_refused(ledger):
    prob = ex.budget_problem(ledger, 1_000)
    with pytest.raises(PlanningError):
        ex.basket_plan(prob, {("C06", "television"): 1})


def test_the_budget_widget(ledger):
    from workbench.ui.exercises import BudgetExercise

    widget = BudgetExercise(ledger, budget=2_000)
    widget.picker.value = "C06"
    boxes = {box.description.split("（")[0]: box for box in widget.items.children}
    boxes["电视机"].value = 1
    assert widget.basket == {("C06", "television"): 1}
    boxes["党组织牌子"].value = 1
    assert "超出预算 300 元" in widget.spent.value
    mine, best = widget.evaluate()
    assert mine is None and "超出预算" in widget.result.value
    widget.budget = 10_000
    mine, best = widget.evaluate()
    assert mine.weighted_met <= best.weighted_met and "最优方案" in widget.result.value
    widget.reset()
    assert widget.basket == {} and all(box.value == 0 for box in widget.items.children)


# --- exercise 2: succession ----------------------------------------------------------------------


def test_no_measures_means_the_same_projection(ledger):
    table = ex.succession_outcome(ledger, recruitment=0, training=0, runs=20, seed=5)
    assert (table["age_plan"] == table["age_none"]).all() and (table["risk_plan"] == table["risk_none"]).all()
    sitting = ledger.cadres.loc[~ledger.cadres["reserve"].astype(bool)]
    today = (ledger.year - sitting["birth_year"]).groupby(sitting["community"]).mean()
    assert table["age_today"].to_numpy() == pytest.approx(today.reindex(table.index).to_numpy())


def test_training_reserves_lowers_the_risk(ledger):
    table = ex.succession_outcome(ledger, recruitment=20, training=8, runs=60, seed=1)
    assert table["risk_plan"].mean() < table["risk_none"].mean()


# --- exercise 3: joint branches ------------------------------------------------------------------


@pytest.fixture(scope="module")
def task(ledger):
    return ex.grouping_task(ledger)


def feasible_alone(task, units: list[str]) -> bool:
    """Independent check: the engine, given only these units, puts them all in one group."""
    part = task.units.loc[task.units["unit"].isin(units)]
    result = grouping.group_units(part, task.adjacency)
    return result.covered == len(units) and result.groups == 1


def test_the_task_is_the_small_enterprises(task, ledger):
    assert (task.units["members"] < RULES.min_members_own_branch).all() and (task.units["members"] >= 1).all()
    kinds = ledger.units.set_index("id").loc[task.units["unit"], "kind"]
    assert (kinds == "non_public_enterprise").all() and len(task.units) == 9


def test_each_breach_is_named(task):
    members = dict(zip(task.units["unit"], task.units["members"], strict=True))
    alone = ex.judge_grouping(task, {"U06": 1})
    assert [p for p in alone.problems if "只有一个单位" in p]
    assert ex.judge_grouping(task, {"U44": 2, "U47": 2}).problems == (
        "联合支部 2：正式党员合计 2 人，不足 3 人。",
    )
    far = ex.judge_grouping(task, {"U06": 1, "U14": 1, "U47": 1})
    assert any("宏达五金厂 与 薛家建筑队" in p for p in far.problems)
    six = ["U14", "U15", "U22", "U23", "U30", "U06"]
    crowd = ex.judge_grouping(task, dict.fromkeys(six, 3), rules=replace(RULES, joint_branch_max_units=5))
    assert any("6 个单位，超过 5 个" in p for p in crowd.problems)
    good = ex.judge_grouping(task, {"U06": 1, "U14": 1, "U15": 1, "U22": None})
    assert (
        good.ok
        and good.covered == 3
        and good.groups == 1
        and sum(members[u] for u in ("U06", "U14", "U15")) >= 3
    )


def test_verdicts_agree_with_the_engine_on_every_small_group(task):
    """Every group of 2–3 enterprises: judged valid exactly when the engine can form it alone."""
    units = task.units["unit"].tolist()
    for size in (2, 3):
        for group in itertools.combinations(units, size):
            verdict = ex.judge_grouping(task, dict.fromkeys(group, 1))
            assert verdict.ok == feasible_alone(task, list(group)), group
            assert verdict.covered <= verdict.engine.covered


def test_the_grouping_widget(ledger):
    from workbench.ui.exercises import GroupingExercise

    widget = GroupingExercise(ledger)
    for unit in ("U06", "U14", "U15"):
        widget.pickers[unit].value = 1
    verdict = widget.evaluate()
    assert verdict.ok and widget.assignment == {"U06": 1, "U14": 1, "U15": 1}
    assert "符合规定" in widget.result.value and "覆盖 9 个" in widget.result.value
    widget.reset()
    assert widget.assignment == {} and widget.result.value == ""


def test_the_training_command_serves_on_localhost(monkeypatch, capsys):
    from workbench.cli import main as cli
    from workbench.commands import training

    calls = []
    monkeypatch.setattr(training.subprocess, "call", lambda command, cwd: calls.append((command, cwd)) or 0)
    assert cli(["training", "quiz", "--no-browser"]) == 0
    command, cwd = calls[-1]
    assert str(TRAINING / "03_quiz.ipynb") in command and "--Voila.ip=127.0.0.1" in command
    assert "--VoilaConfiguration.strip_sources=True" in command and "--no-browser" in command
    assert cwd == TRAINING and "127.0.0.1:8867" in capsys.readouterr().out
    assert cli(["training", "--host", "0.0.0.0", "--no-browser"]) == 0
    command, _ = calls[-1]
    assert str(TRAINING) in command and any(c.startswith("--Voila.token=") for c in command)
    assert not any("preheat" in c for c in command)  # a folder is listed, not preheated
