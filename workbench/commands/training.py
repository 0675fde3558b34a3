"""``workbench training [NAME]``: serve the study-session notebooks with Voilà (no code shown)."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from .. import paths, serve
from ..i18n import t

HELP = "用 Voilà 放映学习课件 / serve the study-session notebooks with Voilà"
TRAINING = paths.NOTEBOOKS / "training"


def notebooks() -> dict[str, Path]:
    """Short name (the file stem without its ``NN_`` order prefix) → notebook path."""
    found = sorted(TRAINING.glob("*.ipynb"))
    return {path.stem.split("_", 1)[1] if path.stem[:2].isdigit() else path.stem: path for path in found}


def training_path(name: str | None, *, lang: str = "zh") -> Path:
    """The notebook called ``name`` (short name or file stem), or the folder when ``name`` is None."""
    if name is None:
        return TRAINING
    known = notebooks()
    by_stem = {path.stem: path for path in known.values()}
    if name in known or name in by_stem:
        return known.get(name) or by_stem[name]
    raise FileNotFoundError(t("training.command.unknown", lang, name=name, known=", ".join(known)))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "name", nargs="?", help="课件名称 notebook: " + ", ".join(notebooks()) + "（缺省：列出全部 all）"
    )
    parser.add_argument("--port", type=int, default=8867, help="端口 port")
    parser.add_argument(
        "--host",
        default=serve.LOCALHOST,
        help="监听地址；非本机地址须配合 --token / address; beyond 127.0.0.1 needs --token",
    )
    parser.add_argument("--token", help="访问令牌 access token (generated when --host is given without one)")
    parser.add_argument("--no-browser", action="store_true", help="不打开浏览器 do not open a browser")


def main(args: argparse.Namespace) -> int:
    target = training_path(args.name, lang=args.lang)
    token = args.token or (serve.new_token() if args.host != serve.LOCALHOST else None)
    command = serve.voila_command(
        target, port=args.port, host=args.host, token=token, preheat=target.is_file()
    )
    if not args.no_browser:
        command.remove("--no-browser")
    url = f"http://{args.host}:{args.port}/" + (f"?token={token}" if token else "")
    print(t("training.command.serving", args.lang, url=url), flush=True)
    return subprocess.call(command, cwd=TRAINING)
