"""``workbench validate FILE``: check a ledger workbook or CSV folder and list every problem."""

from __future__ import annotations

import argparse

from ..i18n import t
from ..ledger_io import load_ledger
from ..validate import report

HELP = "检查台账并列出全部问题 / check a ledger and list every problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="台账 .xlsx 文件或 CSV 文件夹 / ledger .xlsx file or CSV folder")


def main(args: argparse.Namespace) -> int:
    """0 when the ledger has no error (warnings are printed), 1 when it has errors, 2 when unreadable."""
    try:
        result = load_ledger(args.file, lang=args.lang)
    except FileNotFoundError as error:
        print(error)
        return 2
    if result.problems:
        print(report(result.problems, args.lang))
    counts = {"path": args.file, "errors": len(result.errors), "warnings": len(result.warnings)}
    print(t("ledger.report.valid" if result.ok else "ledger.report.invalid", args.lang, **counts))
    return 0 if result.ok else 1
