"""Options several commands share."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """``--store PATH``: the scenario store file (default: the user's store)."""
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="情景库文件（默认 $WORKBENCH_STORE 或 ~/.local/share/workbench/scenarios.sqlite） store file",
    )
