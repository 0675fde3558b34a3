"""``workbench dashboard [NAME]``: serve a leaders' dashboard with Voilà."""

from __future__ import annotations

import argparse
import subprocess

from .. import serve

HELP = "用 Voilà 打开领导看板 / serve a leaders' dashboard with Voilà"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", default="overview", help="看板名称 dashboard name (overview)")
    serve.add_arguments(parser, port=8866)


def main(args: argparse.Namespace) -> int:
    notebook = serve.dashboard_path(args.name)
    command, url = serve.command_from_arguments(notebook, args, preheat=True)
    print(
        f"看板地址 dashboard: {url}\n（按 Ctrl+C 停止 / Ctrl+C to stop；规划人员请用 `workbench lab`）",
        flush=True,
    )
    return subprocess.call(command, cwd=notebook.parent)
