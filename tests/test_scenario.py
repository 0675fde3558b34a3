"""Scenario files: the shipped ones load, every wrong field is named, and they round-trip."""

from __future__ import annotations

import pytest
import yaml

from workbench import ScenarioError
from workbench.scenario import builtin_scenarios, load_scenario, save_scenario, scenario_from_dict


def test_three_scenarios_ship_for_the_sample_street():
    assert {"as_is", "remedies", "ambitious"} <= set(builtin_scenarios())
    as_is, remedies, ambitious = (load_scenario(n) for n in ("as_is", "remedies", "ambitious"))
    assert as_is.allocation.cobuilding is False and as_is.succession.recruitment_drive == 0
    assert remedies.policies.guidance_committee_year == 2004 and remedies.allocation.cobuilding
    assert ambitious.allocation.budget > remedies.allocation.budget > as_is.allocation.budget
    assert all(s.title["zh"] and s.title["en"] for s in (as_is, remedies, ambitious))


@pytest.mark.parametrize(
    ("patch", "named"),
    [
        ({"horizon": 0}, "horizon"),
        ({"runs": "many"}, "runs"),
        ({"levers": {"coverage": {"instructor": 3}}}, "levers.coverage.instructor"),
        ({"levers": {"succession": {"training_slots": 2.5}}}, "levers.succession.training_slots"),
        ({"levers": {"allocation": {"budget": -5}}}, "levers.allocation.budget"),
        ({"levers": {"allocation": {"cobuilding": "yes"}}}, "levers.allocation.cobuilding"),
        ({"levers": {"transport": {}}}, "levers.transport"),
        ({"assumptions": {"coverage": {"npe_arrival": [0.2, 0.1]}}}, "assumptions.coverage.npe_arrival"),
        (
            {"assumptions": {"succession": {"attrition_activist": "high"}}},
            "assumptions.succession.attrition_activist",
        ),
        ({"title": {"zh": "只有中文"}}, "title"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_wrong_field_is_named_in_the_error(patch, named):
    data = {"name": "x", "title": {"zh": "试", "en": "x"}, **patch}
    with pytest.raises(ScenarioError, match=named.replace(".", r"\.")):
        scenario_from_dict(data)


def test_ranges_and_numbers_become_engine_fields():
    s = scenario_from_dict(
        {
            "name": "x",
            "levers": {"coverage": {"instructors": 3}, "allocation": {"budget": 5000}},
            "assumptions": {"coverage": {"npe_arrival": [0.05, 0.08], "transfer_in": 0.03}},
        }
    )
    assert s.coverage.instructors == 3
    assert s.allocation.budget == 5000.0 and isinstance(s.allocation.budget, float)
    assert s.coverage_assumptions.npe_arrival == (0.05, 0.08)
    assert s.coverage_assumptions.transfer_in == 0.03


def test_a_saved_scenario_loads_back_equal(tmp_path):
    original = load_scenario("remedies")
    path = save_scenario(original, tmp_path / "copy.yaml")
    assert load_scenario(path) == original
    with pytest.raises(FileExistsError):
        save_scenario(original, path)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["levers"]["allocation"]["cobuilding"] is True


def test_with_changes_replaces_engine_levers():
    s = load_scenario("as_is").with_changes(**{"succession.training_slots": 7, "horizon": 5})
    assert s.succession.training_slots == 7 and s.horizon == 5
    with pytest.raises(ScenarioError, match=r"succession\.trainng"):
        load_scenario("as_is").with_changes(**{"succession.trainng": 1})
