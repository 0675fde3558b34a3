"""The documents stay true: the ledger tables match the schema, and every command they show exists."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path

import pytest

from workbench import cli
from workbench.schema import ENUMS, SHEETS

ROOT = Path(__file__).resolve().parents[1]
LEDGER_DOC = ROOT / "docs" / "ledger.md"
GUIDES = ("docs/guide.zh.md", "docs/guide.en.md")
SHELL_BLOCKS = ("", "bash", "sh", "shell", "console", "text")  # fenced blocks that may show a command

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
_INLINE = re.compile(r"`([^`\n]+)`")
_COMMAND = re.compile(r"(?:^|(?<=[\s/`]))workbench\s+([a-z][\w-]*)", re.MULTILINE)


def _ledger_doc():
    spec = importlib.util.spec_from_file_location("ledger_doc", ROOT / "tools" / "ledger_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mentioned_commands(markdown: str) -> set[str]:
    """Sub-commands named as ``workbench NAME`` in inline code and in shell or output blocks."""
    code = [body for lang, body in _FENCE.findall(markdown) if lang in SHELL_BLOCKS]
    prose = _FENCE.sub("", markdown)
    code += _INLINE.findall(prose)
    return {name for text in code for name in _COMMAND.findall(text)}


# --- docs/ledger.md ----------------------------------------------------------------------------


def test_ledger_md_holds_the_generated_tables_verbatim():
    assert _ledger_doc().tables() in LEDGER_DOC.read_text(encoding="utf-8")


def test_the_tables_name_every_sheet_column_and_code():
    tables = _ledger_doc().tables()
    for sheet in SHEETS.values():
        assert f"{sheet.zh} · {sheet.en} (`{sheet.name}`)" in tables
        for column in sheet.columns:
            assert f"| {column.zh} | {column.en} | `{column.name}` |" in tables
    for enum in ENUMS.values():
        for code, (zh, en) in enum.labels.items():
            assert f"| `{code}` | {zh} | {en} |" in tables


def test_a_changed_schema_makes_the_document_stale(monkeypatch):
    doc = _ledger_doc()
    units = SHEETS["units"]
    renamed = dataclasses.replace(units.column("trade"), zh="所属行业")
    changed = dataclasses.replace(
        units, columns=tuple(renamed if c.name == "trade" else c for c in units.columns)
    )
    monkeypatch.setitem(doc.SHEETS, "units", changed)
    assert doc.tables() not in LEDGER_DOC.read_text(encoding="utf-8")


def test_render_replaces_only_the_generated_part():
    doc = _ledger_doc()
    document = f"# title\nprose\n{doc.BEGIN}\nold table\n{doc.END}\nmore prose\n"
    assert doc.render(document) == f"# title\nprose\n{doc.tables()}\nmore prose\n"
    with pytest.raises(ValueError, match="markers"):
        doc.render("no markers here")


# --- commands named in README.md and the guides --------------------------------------------------


def test_mentioned_commands_reads_shell_and_inline_code_only():
    text = (
        "The workbench reads a ledger; `workbench validate FILE` checks it.\n"
        "```bash\n.venv/bin/workbench scorecard x.xlsx   # then workbench run remedies\n```\n"
        "```python\nimport workbench as wb\n```\n"
        "```text\n规划人员请用 `workbench lab`\n```\n"
    )
    assert mentioned_commands(text) == {"validate", "scorecard", "run", "lab"}


@pytest.mark.parametrize("name", ["README.md", *GUIDES])
def test_every_command_mentioned_exists(name):
    known = set(cli._command_names())
    mentioned = mentioned_commands((ROOT / name).read_text(encoding="utf-8"))
    assert len(mentioned) >= 5, f"{name}: too few commands found; is the pattern broken?"
    assert mentioned <= known, f"{name} names commands that do not exist: {sorted(mentioned - known)}"


@pytest.mark.parametrize("name", GUIDES)
def test_the_guides_cover_every_command(name):
    mentioned = mentioned_commands((ROOT / name).read_text(encoding="utf-8"))
    missing = set(cli._command_names()) - mentioned
    assert not missing, f"{name} does not show these commands: {sorted(missing)}"
