"""``workbench lab``: open JupyterLab on the notebooks."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from .. import paths

HELP = "打开 JupyterLab 笔记本 / open JupyterLab on the notebooks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8888, help="端口 port")
    parser.add_argument("--no-browser", action="store_true", help="不打开浏览器 do not open a browser")


def lab_command(port: int, open_browser: bool) -> list[str]:
    """The JupyterLab command line; as root JupyterLab needs ``--allow-root``."""
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--notebook-dir={paths.NOTEBOOKS}",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
    ]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def main(args: argparse.Namespace) -> int:
    return subprocess.call(lab_command(args.port, not args.no_browser))
