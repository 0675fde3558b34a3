"""``workbench handout --out handout.pdf``: print the study session's handout (A4 PDF)."""

from __future__ import annotations

import argparse
import sys

from ..i18n import t
from ..training.handout import write_handout

HELP = "生成学习讲义 PDF / write the printable study handout (PDF)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="输出文件 output PDF")
    parser.add_argument("--force", action="store_true", help="覆盖已有文件 overwrite an existing file")
    parser.add_argument("--rubric", default="seed_2003", help="评价标准 rubric (seed_2003)")


def main(args: argparse.Namespace) -> int:
    try:
        pages = write_handout(args.out, rubric=args.rubric, lang=args.lang, overwrite=args.force)
    except FileExistsError as error:
        print(error, file=sys.stderr)
        return 1
    print(t("training.handout.written", args.lang, path=args.out, pages=pages))
    return 0
