"""The overview dashboard under load: ten browser sessions at once against one Voilà server.

Every session must show the headline numbers of the scorecard; the kernels of closed sessions
must be culled so the server's memory falls back instead of growing with every visitor.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time

import psutil
import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, require_chromium

from workbench import paths
from workbench.headlines import headlines
from workbench.ledger_io import read_ledger
from workbench.rubric import load_rubric
from workbench.scorecard import scorecard
from workbench.serve import served

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
SESSIONS = 10
POOL = 1  # the preheated kernel Voilà keeps ready (serve.voila_command(preheat=True))
RENDER_TIMEOUT_MS = 150_000
HEADLINE = ".wb-card[data-key='all_met']"
# Short, so the test sees culling soon; not shorter, or a kernel whose page is still loading its
# scripts under load (no websocket yet) counts as idle and is culled before the page connects.
IDLE_TIMEOUT_S = 40


def kernels(server: psutil.Process) -> list[psutil.Process]:
    """The kernel processes the Voilà server has started."""
    found = []
    for child in server.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child)
    return found


def rss_mb(server: psutil.Process) -> float:
    """Resident memory of the server and all its children, in MiB."""
    total = 0
    for proc in [server, *server.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total / 2**20


def wait_until(condition, *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.25)


async def _answer_empty(route) -> None:
    # Voilà's template links Font Awesome from a CDN; offline, that request is answered empty.
    await route.fulfill(status=200, content_type="text/css", body="")


async def _session(chromium, url: str) -> tuple[object, float, str]:
    context = await chromium.new_context(viewport={"width": 1280, "height": 1200})
    page = await context.new_page()
    await page.route(lambda address: not address.startswith(url), _answer_empty)
    started = time.perf_counter()
    await page.goto(url, timeout=RENDER_TIMEOUT_MS)
    await page.wait_for_selector(HEADLINE, timeout=RENDER_TIMEOUT_MS)
    return context, time.perf_counter() - started, await page.get_attribute(HEADLINE, "data-value")


async def _visit(url: str, server: psutil.Process) -> tuple[list[float], list[str], float, int]:
    """Open the sessions at once; returns render times, headline values, peak MiB and kernels."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            opened = await asyncio.gather(*(_session(chromium, url) for _ in range(SESSIONS)))
            peak, running = rss_mb(server), len(kernels(server))
            for context, _, _ in opened:
                await context.close()
        finally:
            await chromium.close()
    return [s for _, s, _ in opened], [v for _, _, v in opened], peak, running


def test_ten_sessions_render_their_headlines_and_idle_kernels_are_culled(tmp_path):
    require_chromium()
    ledger = read_ledger(paths.SAMPLE_LEDGER)
    expected = headlines(ledger, scorecard(ledger, load_rubric("seed_2003"))).all_met
    notebook = paths.DASHBOARDS / "overview.ipynb"
    options = dict(preheat=True, idle_timeout_s=IDLE_TIMEOUT_S, cull_interval_s=2)
    with served(notebook, log=tmp_path / "voila.log", **options) as (url, process):
        server = psutil.Process(process.pid)
        wait_until(lambda: len(kernels(server)) == POOL, timeout_s=60, what="the preheated kernel")
        idle = rss_mb(server)

        times, values, peak, running = asyncio.run(_visit(url, server))

        wait_until(lambda: len(kernels(server)) <= POOL, timeout_s=IDLE_TIMEOUT_S + 60, what="culling")
        after = rss_mb(server)
        print(
            f"{SESSIONS} sessions: render median {statistics.median(times):.1f} s, "
            f"worst {max(times):.1f} s; server RSS idle {idle:.0f} MiB, {SESSIONS} open {peak:.0f} MiB "
            f"({running} kernels), after culling {after:.0f} MiB ({len(kernels(server))} kernels)"
        )
    assert values == [str(expected)] * SESSIONS
    assert running >= SESSIONS  # one kernel per session (plus the refilled pool)
    assert after < idle + (peak - idle) / 4, "memory did not fall back after the sessions closed"
