"""Shared by the browser tests: Debian's Chromium driven by Playwright, Chinese fonts included."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def require_chromium() -> None:
    """Fail (not skip) when the browser is missing: the test command installs it."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run the README test command (python3 tasks.py test)")


@contextmanager
def browser(tmp_path: Path):
    """A headless Chromium whose fontconfig sees the vendored Chinese font."""
    from playwright.sync_api import sync_playwright

    from workbench.fonts import fontconfig_file

    require_chromium()
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(tmp_path / "fontconfig"))}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env)
        try:
            yield chromium
        finally:
            chromium.close()


def artifact(name: str) -> Path:
    """A path under ``test-artifacts/`` for screenshots a person may want to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
