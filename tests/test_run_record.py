"""`workbench run --record`: the scenario notebook executed with the run's parameters, as a record."""

from __future__ import annotations

import json

import pytest

from workbench import cli

pytestmark = pytest.mark.timeout(600)


def test_a_run_leaves_its_executed_notebook_and_never_overwrites_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_STORE", str(tmp_path / "store.sqlite"))
    out = tmp_path / "record.ipynb"
    assert cli.main(["run", "as_is", "--runs", "10", "--seed", "5", "--record", str(out)]) == 0
    notebook = json.loads(out.read_text(encoding="utf-8"))
    injected = [c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected, "papermill injects the run's parameters"
    source = "".join(injected[0]["source"])
    assert 'scenario = "as_is"' in source and "runs = 10" in source and "seed = 5" in source
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), "every cell ran (its assert cells passed)"
    before = out.read_bytes()
    capsys.readouterr()
    assert cli.main(["run", "as_is", "--runs", "10", "--record", str(out)]) == 2
    assert "exists" in capsys.readouterr().err and out.read_bytes() == before
