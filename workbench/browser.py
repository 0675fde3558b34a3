"""Headless Chromium for browser tests and timing: Debian's ``/usr/bin/chromium`` driven by
Playwright, with fontconfig pointed at the vendored Chinese font.

Playwright is a test dependency (``pip install 'workbench[test]'``); it is imported lazily.
Pages opened with :func:`watched_page` record console errors and answer requests that would
leave the machine (Voilà's template links Font Awesome from a CDN although its bundle already
holds the icons) with an empty stylesheet, so a dashboard behaves the same offline.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
LOCAL_PREFIX = "http://127.0.0.1:"


@contextmanager
def chromium(workdir: Path):
    """A headless Chromium (Playwright ``Browser``) for the ``with`` block."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Playwright is not installed: pip install 'workbench[test]'") from error
    from .fonts import fontconfig_file

    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        )
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(Path(workdir) / "fontconfig"))}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), env=env)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class WatchedPage:
    """A page with what it logged as errors and the outside requests it tried."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


def watched_page(browser, **options) -> WatchedPage:
    """A new page that records console errors and keeps every request on this machine."""
    page = browser.new_page(**options)
    watched = WatchedPage(page)
    page.on("console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.console_errors.append(str(e)))

    def answer_empty(route) -> None:
        watched.external_requests.append(route.request.url)
        route.fulfill(status=200, content_type="text/css", body="")

    page.route(lambda url: not url.startswith(LOCAL_PREFIX), answer_empty)
    return watched
