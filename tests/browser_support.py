"""Shared by the browser tests: Debian's Chromium (see :mod:`workbench.browser`), a page opened on a
served dashboard with what it logged, and a folder for screenshots."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from workbench.browser import CHROMIUM, CHROMIUM_ARGS, chromium, watched_page

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "artifact", "browser", "open_page", "require_chromium"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def require_chromium() -> None:
    """Fail (not skip) when the browser is missing: the test command installs it."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run the README test command (python3 tasks.py test)")


@contextmanager
def browser(tmp_path: Path):
    """A headless Chromium whose fontconfig sees the vendored Chinese font."""
    require_chromium()
    with chromium(tmp_path) as instance:
        yield instance


def open_page(instance, url: str, ready: str, *, height: int = 1600, timeout_ms: int = 90_000):
    """A page on ``url``, once ``ready`` (a selector) shows; it carries ``console_errors``,
    ``external_requests`` (answered empty: Voilà's template links Font Awesome from a CDN) and
    ``first_render_s``."""
    watched = watched_page(instance, viewport={"width": 1280, "height": height})
    page = watched.page
    page.console_errors, page.external_requests = watched.console_errors, watched.external_requests
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(ready, timeout=timeout_ms)
    page.first_render_s = time.perf_counter() - started
    return page


def artifact(name: str) -> Path:
    """A path under ``test-artifacts/`` for screenshots a person may want to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
