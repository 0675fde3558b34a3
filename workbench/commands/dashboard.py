"""``workbench dashboard [NAME]``: serve a leaders' dashboard with Voilà."""

from __future__ import annotations

import argparse
import subprocess

from .. import serve

HELP = "用 Voilà 打开领导看板 / serve a leaders' dashboard with Voilà"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", default="overview", help="看板名称 dashboard name (overview)")
    parser.add_argument("--port", type=int, default=8866, help="端口 port")
    parser.add_argument(
        "--host",
        default=serve.LOCALHOST,
        help="监听地址；非本机地址须配合 --token / address; beyond 127.0.0.1 needs --token",
    )
    parser.add_argument("--token", help="访问令牌 access token (generated when --host is given without one)")
    parser.add_argument("--no-browser", action="store_true", help="不打开浏览器 do not open a browser")


def main(args: argparse.Namespace) -> int:
    notebook = serve.dashboard_path(args.name)
    token = args.token or (serve.new_token() if args.host != serve.LOCALHOST else None)
    command = serve.voila_command(notebook, port=args.port, host=args.host, token=token, preheat=True)
    if not args.no_browser:
        command.remove("--no-browser")
    url = f"http://{args.host}:{args.port}/" + (f"?token={token}" if token else "")
    print(
        f"看板地址 dashboard: {url}\n（按 Ctrl+C 停止 / Ctrl+C to stop；规划人员请用 `workbench lab`）",
        flush=True,
    )
    return subprocess.call(command, cwd=notebook.parent)
