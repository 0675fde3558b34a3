"""Time the leaders' overview dashboard in a real browser: first render and a community switch.

    .venv/bin/python benchmarks/dashboard.py [--loads 3]

Serves dashboards/overview.ipynb with Voilà as ``workbench dashboard`` does (preheated kernel),
opens it in headless Chromium, and prints seconds from navigation to the headline numbers, and
from picking another community to its gap list. Targets: first render ≤ 5 s, a switch ≤ 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from workbench import paths
from workbench.browser import chromium, watched_page
from workbench.serve import served

HEADLINE = ".wb-card[data-key='all_met']"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3, help="page loads to time")
    args = parser.parse_args()
    renders, switches = [], []
    with (
        tempfile.TemporaryDirectory() as tmp,
        served(paths.DASHBOARDS / "overview.ipynb", preheat=True) as (
            url,
            _,
        ),
        chromium(Path(tmp)) as browser,
    ):
        for _ in range(args.loads):
            watched = watched_page(browser, viewport={"width": 1280, "height": 1600})
            page = watched.page
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(HEADLINE, timeout=120_000)
            renders.append(time.perf_counter() - started)
            names = page.eval_on_selector_all(".wb-community select option", "els => els.map(e => e.label)")
            started = time.perf_counter()
            page.select_option(".wb-community select", label=names[-1])
            page.wait_for_selector(f".wb-gaps h3:has-text('{names[-1]}')", timeout=60_000)
            switches.append(time.perf_counter() - started)
            page.close()
            time.sleep(3)  # let the pre-heated kernel pool refill, as between two leaders' visits
    print(
        f"first render: median {statistics.median(renders):.2f} s, worst {max(renders):.2f} s (target ≤ 5 s)"
    )
    print(
        f"community switch: median {statistics.median(switches):.2f} s, worst {max(switches):.2f} s (target ≤ 1 s)"
    )


if __name__ == "__main__":
    main()
