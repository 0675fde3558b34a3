"""Uploads through a dashboard: only .xlsx/.csv, bounded in size, never written outside a fresh
temporary folder, whatever the file is called."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from workbench import paths
from workbench._errors import LedgerError
from workbench.i18n import t
from workbench.serve import served
from workbench.uploads import MAX_UPLOAD_BYTES, store_upload

CONTENT = b"PK\x03\x04 not really a workbook"
HOSTILE_NAMES = [
    "../../etc/passwd.xlsx",
    "..\\..\\x.csv",
    "/etc/cron.d/job.csv",
    "C:\\Windows\\System32\\x.xlsx",
    "a\x00b.xlsx",
    "x.exe\x00.csv",
    "line\nbreak.csv",
    "tab\tand\rreturn.xlsx",
    "~/.ssh/authorized_keys.csv",
    "a" * 5000 + ".xlsx",
    "台" * 300 + ".csv",
    "..xlsx.csv",
    "%2e%2e%2fescape.xlsx",
    " spaced name .xlsx",
]
REFUSED_NAMES = [".xlsx", ".csv", "..", "x.xlsm", "x.exe", "x.xlsx.exe", "x.csv\x00.exe", "x.xlsx.", "noext"]


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A private temporary root (and working directory) so every write can be seen."""
    root, cwd = tmp_path / "tmp", tmp_path / "cwd"
    root.mkdir()
    cwd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    monkeypatch.chdir(cwd)
    return tmp_path


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_hostile_name_lands_in_a_fresh_temporary_folder(sandbox, name):
    stored = store_upload([(name, CONTENT)])
    path = stored if stored.is_file() else stored / next(p.name for p in stored.iterdir())
    assert path.parent.parent == sandbox / "tmp"  # one fresh folder under the temporary root
    assert files_under(sandbox) == [path]  # nothing written anywhere else (not in the cwd either)
    assert path.read_bytes() == CONTENT
    assert not path.name.startswith(".") and len(path.name.encode()) <= 255
    assert not set(path.name) & set("/\\\x00\n\r\t")
    assert path.suffix == Path(name).suffix  # the kind is kept


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_only_xlsx_and_csv_are_accepted(sandbox, name):
    with pytest.raises(LedgerError, match="xlsx"):
        store_upload([(name, CONTENT)], lang="en")
    assert files_under(sandbox) == []


@pytest.mark.parametrize(
    "files", [[("a.xlsx", b"1"), ("b.xlsx", b"2")], [("a.xlsx", b"1"), ("b.csv", b"2")]], ids=["two", "mixed"]
)
def test_one_workbook_or_only_csv_files(sandbox, files):
    with pytest.raises(LedgerError):
        store_upload(files)
    assert files_under(sandbox) == []


def test_csv_files_with_the_same_cleaned_name_are_all_kept(sandbox):
    folder = store_upload([("a/members.csv", b"1"), ("b\\members.csv", b"2"), ("members.csv", b"3")])
    assert sorted(p.read_bytes() for p in folder.iterdir()) == [b"1", b"2", b"3"]


def test_every_upload_gets_its_own_folder(sandbox):
    first, second = store_upload([("x.xlsx", b"1")]), store_upload([("x.xlsx", b"2")])
    assert first.parent != second.parent and first.read_bytes() == b"1"


@pytest.mark.parametrize("limit", [1_000, MAX_UPLOAD_BYTES])
def test_too_many_bytes_are_refused_before_anything_is_written(sandbox, limit):
    assert store_upload([("ok.xlsx", b"x" * limit)], max_bytes=limit).stat().st_size == limit
    with pytest.raises(LedgerError, match="too large"):
        store_upload([("big.xlsx", b"x" * (limit + 1))], max_bytes=limit, lang="en")
    with pytest.raises(LedgerError):  # the limit counts all files together
        store_upload([("a.csv", b"x" * (limit // 2 + 1)), ("b.csv", b"x" * (limit // 2))], max_bytes=limit)
    assert len(files_under(sandbox)) == 1


def test_nothing_uploaded_is_refused(sandbox):
    with pytest.raises(LedgerError):
        store_upload([])


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_an_oversized_upload_in_the_browser_is_refused_politely(tmp_path):
    from browser_support import browser

    big = tmp_path / "big.xlsx"
    big.write_bytes(b"\0" * (MAX_UPLOAD_BYTES + 2**20))
    notebook = paths.DASHBOARDS / "overview.ipynb"
    with served(notebook, log=tmp_path / "voila.log") as (url, _), browser(tmp_path) as chromium:
        page = chromium.new_page()
        page.route(
            lambda address: not address.startswith(url),
            lambda route: route.fulfill(status=200, content_type="text/css", body=""),
        )
        page.goto(url)
        page.wait_for_selector(".wb-card[data-key='all_met']", timeout=90_000)
        with page.expect_file_chooser() as chooser:
            page.click(".wb-upload")
        chooser.value.set_files(str(big))
        page.wait_for_selector(".wb-message .wb-error", timeout=60_000)
        shown = page.inner_text(".wb-message")
        content = page.content()
    limit = MAX_UPLOAD_BYTES // 2**20
    assert t("upload.too_large", "zh", size=limit + 1, limit=limit) in shown
    assert "Traceback" not in content
    assert not list(Path(tempfile.gettempdir()).glob("workbench-upload-*/big.xlsx"))
