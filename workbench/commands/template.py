"""``workbench template OUT.xlsx``: write the blank ledger workbook to fill in."""

from __future__ import annotations

import argparse

from ..i18n import t
from ..ledger_io import write_template

HELP = "生成空白台账模板 / write a blank ledger template"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="输出文件 output .xlsx file")
    parser.add_argument("--overwrite", action="store_true", help="覆盖已有文件 replace an existing file")


def main(args: argparse.Namespace) -> int:
    try:
        path = write_template(args.out, overwrite=args.overwrite, lang=args.lang)
    except FileExistsError as error:
        print(error)
        return 1
    print(t("ledger.template.written", args.lang, path=path))
    return 0
