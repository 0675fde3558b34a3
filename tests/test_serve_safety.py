"""Safety of served dashboards: loopback by default, a token beyond it, no sources, no tracebacks.

Tests never bind a non-loopback address: the token requirement is checked on 127.0.0.1 with a
token set, and the ``--host`` path of ``workbench dashboard`` is checked on its command line.
"""

from __future__ import annotations

import html
import http.client
import re
import subprocess

import nbformat
import pytest

from workbench import cli, paths, serve
from workbench.serve import served, voila_command

TOKEN = serve.new_token()
OVERVIEW = paths.DASHBOARDS / "overview.ipynb"
SOURCE_SNIPPETS = ("OverviewDashboard.for_sample", "import OverviewDashboard", "from workbench")


def get(url: str, path: str, *, token: str | None = None) -> tuple[int, str | None, str]:
    """``GET url+path`` without following redirects: status, Location header and body (unescaped)."""
    host, port = url.removeprefix("http://").strip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    headers = {"Authorization": f"token {token}"} if token else {}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            response.getheader("Location"),
            html.unescape(response.read().decode(errors="replace")),
        )
    finally:
        connection.close()


def text_of(page: str) -> str:
    """The page without its tags: highlighted source code is split into many ``<span>``s."""
    return re.sub(r"<[^>]+>", "", page)


def refused(status: int, location: str | None) -> bool:
    """A 403, or a redirect to the login page."""
    return status == 403 or (status == 302 and (location or "").startswith("/login"))


# --- the command line -------------------------------------------------------------------------


def test_the_default_command_binds_loopback_and_hides_sources_and_tracebacks():
    command = voila_command(OVERVIEW, port=8866)
    assert "--Voila.ip=127.0.0.1" in command
    assert "--VoilaConfiguration.strip_sources=True" in command
    assert "--VoilaConfiguration.show_tracebacks=False" in command
    assert not any(part.startswith("--Voila.token") for part in command)
    assert any(part.startswith("--MappingKernelManager.cull_idle_timeout=") for part in command)


@pytest.mark.parametrize("token", [None, ""])
def test_another_address_without_a_token_is_refused(token):
    with pytest.raises(ValueError, match="token"):
        voila_command(OVERVIEW, port=8866, host="0.0.0.0", token=token)


@pytest.fixture
def launched(monkeypatch):
    """Run ``workbench dashboard`` with Voilà's launch replaced by recording its command line."""
    commands: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda command, **_: commands.append(command) or 0)
    return commands


def test_workbench_dashboard_serves_loopback_without_a_token(launched, capsys):
    assert cli.main(["dashboard", "--no-browser"]) == 0
    (command,) = launched
    assert "--Voila.ip=127.0.0.1" in command and "--no-browser" in command
    assert not any(part.startswith("--Voila.token") for part in command)


def test_workbench_dashboard_with_a_host_requires_a_generated_token(launched, capsys):
    assert cli.main(["dashboard", "--host", "0.0.0.0", "--no-browser"]) == 0
    (command,) = launched
    tokens = [part.split("=", 1)[1] for part in command if part.startswith("--Voila.token=")]
    assert "--Voila.ip=0.0.0.0" in command and len(tokens) == 1 and len(tokens[0]) >= 24
    assert f"token={tokens[0]}" in capsys.readouterr().out  # the address to share includes it


# --- a served dashboard -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """The overview dashboard on 127.0.0.1 with a token."""
    log = tmp_path_factory.mktemp("guarded") / "voila.log"
    with served(OVERVIEW, log=log, token=TOKEN) as (url, _):
        yield url


@pytest.mark.parametrize("path", ["/", "/voila/render/overview.ipynb", "/api/kernels", "/?token=wrong"])
def test_without_the_token_nothing_is_served(guarded, path):
    status, location, body = get(guarded, path)
    assert refused(status, location), (status, location)
    assert "wb-" not in body and "五有达标总览" not in body


def test_with_the_token_the_page_renders_without_its_sources(guarded):
    status, _, body = get(guarded, "/", token=TOKEN)
    assert status == 200
    assert "application/vnd.jupyter.widget-view+json" in body  # the page rendered its dashboard widget
    for snippet in SOURCE_SNIPPETS:
        assert snippet not in text_of(body), snippet


def test_the_notebook_file_itself_is_not_downloadable(guarded):
    status, _, body = get(guarded, "/voila/files/overview.ipynb", token=TOKEN)
    assert status in (403, 404)
    assert "for_sample" not in body


def test_a_failing_dashboard_shows_a_notice_and_no_traceback(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a workbook")
    code = (
        "from workbench.ledger_io import read_ledger\n"
        "from workbench.ui.overview import OverviewDashboard\n"
        "OverviewDashboard(read_ledger('broken.xlsx'))"
    )
    notebook = tmp_path / "broken.ipynb"
    cells = [nbformat.v4.new_markdown_cell("# 总览"), nbformat.v4.new_code_cell(code)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    with served(notebook, log=tmp_path / "voila.log") as (url, _):
        status, _, body = get(url, "/")
    assert status == 200 and "总览" in body
    assert "There was an error when executing cell" in body  # Voilà's notice, without details
    for leak in ("Traceback", "LedgerError", "broken.xlsx", str(tmp_path), "read_ledger", *SOURCE_SNIPPETS):
        assert leak not in text_of(body), leak
