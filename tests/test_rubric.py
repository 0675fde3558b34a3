"""Rubric files: the shipped rubrics load, and every malformed file is reported with its line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from workbench import RubricError, paths
from workbench.figures import FIGURES
from workbench.i18n import t
from workbench.rubric import HAVES, OPS, load_rubric
from workbench.settings import RULES

GOOD = """\
name: city
title: {zh: 某市标准, en: a city's standard}
haves:
  venue:
    - figure: space_m2
      op: ">="
      threshold: 60
      label: {zh: 办公活动用房, en: office space}
    - figure: signage
      op: is_true
      label: {zh: 有牌子, en: signage}
  team:
    - figure: years_since_admission
      op: "<="
      threshold: {rule: no_admission_years}
      weight: 2
      required: false
      label: {zh: 距上次发展党员, en: time since the last admission}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["seed_2003", "modern"])
def test_shipped_rubrics_load_with_all_five_haves_and_known_figures(name):
    rubric = load_rubric(name)
    assert rubric.name == name
    assert rubric.haves == HAVES
    assert all(i.figure in FIGURES and i.op in OPS and i.weight > 0 for i in rubric.indicators)
    assert {i.label["zh"] for i in rubric.indicators} and all(i.label["en"] for i in rubric.indicators)
    assert load_rubric(paths.RUBRICS / f"{name}.yaml") == rubric  # by name or by path alike


def test_seed_rubric_follows_the_design_table():
    rubric = load_rubric("seed_2003")
    figures = {have: [i.figure for i in rubric.of(have)] for have in HAVES}
    assert figures["organisation"][:2] == ["has_branch", "org_coverage"]
    assert {"space_m2", "signage", "two_machines_one_room", "study_materials"} == set(figures["venue"])
    assert {"secretary_below_retirement", "ready_reserves_per_key_post", "years_since_admission"} <= set(
        figures["team"]
    )
    assert figures["funding"] == ["funds_per_household", "non_street_funds_share"]


def test_a_city_file_reads_defaults_and_rule_thresholds(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD))
    assert rubric.title["zh"] == "某市标准" and rubric.haves == ("venue", "team")
    space, signage, admission = rubric.indicators
    assert (space.id, space.threshold, space.weight, space.required, space.line) == (
        "space_m2",
        60,
        1,
        True,
        5,
    )
    assert signage.threshold is None
    assert (admission.threshold, admission.rule, admission.required) == (
        RULES.no_admission_years,
        "no_admission_years",
        False,
    )


def test_a_rule_threshold_follows_changed_rules(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD), rules=replace(RULES, no_admission_years=3))
    assert rubric.of("team")[0].threshold == 3


ERRORS = [
    # (what to replace in GOOD, replacement, line named, words in the message)
    ("figure: space_m2", "figure: space_m3", 5, "space_m2"),  # unknown figure, with a hint
    ('op: ">="\n      threshold: 60', 'op: "=>"\n      threshold: 60', 6, "=>"),
    ("threshold: 60", "threshold: sixty", 7, "sixty"),
    ('op: ">="\n      threshold: 60\n', 'op: ">="\n', 5, ">="),  # missing threshold: the indicator's line
    ("weight: 2", "weight: 0", 16, "0"),
    ("weight: 2", "weight: -1", 16, "-1"),
    ("label: {zh: 有牌子, en: signage}", "label: {zh: 有牌子}", 11, "en"),
    ("  team:", "  teams:", 12, "teams"),
    ("    - figure: signage", "    - figure: space_m2", 9, "space_m2"),  # duplicate id (line of the 2nd)
    ("rule: no_admission_years", "rule: no_admision_years", 15, "no_admission_years"),
    ("required: false", "required: perhaps", 17, "required"),
    ("weight: 2", "wieght: 2", 16, "wieght"),
    ("label: {zh: 有牌子, en: signage}", "label: {zh: 有牌子, en: signage", 12, "YAML"),
]


@pytest.mark.parametrize(("old", "new", "line", "words"), ERRORS)
def test_each_malformed_file_is_reported_with_its_line(tmp_path, old, new, line, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(RubricError) as caught:
        load_rubric(path, lang="en")
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_the_duplicate_message_names_the_first_line(tmp_path):
    path = write(tmp_path, GOOD.replace("    - figure: signage", "    - figure: space_m2", 1))
    with pytest.raises(ValueError, match=r"space_m2.*line 5"):
        load_rubric(path, lang="en")


def test_a_second_indicator_on_one_figure_needs_its_own_id(tmp_path):
    text = GOOD.replace("    - figure: signage", "    - id: space_big\n      figure: space_m2", 1)
    text = text.replace("op: is_true", 'op: ">="\n      threshold: 300', 1)
    rubric = load_rubric(write(tmp_path, text))
    assert [i.id for i in rubric.of("venue")] == ["space_m2", "space_big"]


def test_messages_are_in_the_asked_language(tmp_path):
    path = write(tmp_path, GOOD.replace("weight: 2", "weight: 0"))
    with pytest.raises(ValueError, match="权重须为正数"):
        load_rubric(path)


def test_an_unknown_rubric_name_lists_the_builtin_ones():
    with pytest.raises(ValueError, match="seed_2003") as caught:
        load_rubric("no_such_rubric", lang="en")
    assert "modern" in str(caught.value)


def test_a_bad_gap_template_is_caught_at_load_time(tmp_path):
    text = GOOD.replace(
        "label: {zh: 有牌子, en: signage}",
        "label: {zh: 有牌子, en: signage}\n      gap:\n        zh: 缺{sign}\n        en: no sign",
    )
    with pytest.raises(ValueError, match=r"city.yaml:12: .*sign"):
        load_rubric(write(tmp_path, text), lang="en")


def test_every_error_label_exists_in_both_languages():
    for key in ("rubric.error.unknown_figure", "rubric.error.threshold", "rubric.error.duplicate_indicator"):
        assert t(key, "zh", figure="x", hint="", op=">=", value=1, id="x", first=1)
        assert t(key, "en", figure="x", hint="", op=">=", value=1, id="x", first=1)


def test_the_readme_example_loads_and_lists_every_figure(tmp_path):
    readme = (paths.RUBRICS / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n")[1].split("```")[0]
    rubric = load_rubric(write(tmp_path, example))
    assert [i.figure for i in rubric.indicators] == ["space_per_100_households", "signage"]
    assert all(f"`{name}`" in readme for name in FIGURES)
