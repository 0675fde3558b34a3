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
    serve.add_arguments(parser, port=8867)


def main(args: argparse.Namespace) -> int:
    target = training_path(args.name, lang=args.lang)
    command, url = serve.command_from_arguments(target, args, preheat=target.is_file())
    print(t("training.command.serving", args.lang, url=url), flush=True)
    return subprocess.call(command, cwd=TRAINING)
