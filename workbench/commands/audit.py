"""``workbench audit FILE``: check the ledger's pipeline records against the stage rules."""

from __future__ import annotations

import argparse

from ..audit import audit
from ..i18n import t
from ..ledger_io import load_ledger
from ..validate import report

HELP = "检查发展党员程序是否合规 / check the member pipeline records against the rules"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="台账 .xlsx 文件或 CSV 文件夹 / ledger .xlsx file or CSV folder")


def main(args: argparse.Namespace) -> int:
    """0 when every record keeps the rules, 1 when some breach them, 2 when the file is missing.

    The records are audited as read, even when the ledger has other problems (``workbench
    validate`` lists those)."""
    try:
        ledger = load_ledger(args.file, lang=args.lang).ledger
    except FileNotFoundError as error:
        print(error)
        return 2
    problems = audit(ledger, lang=args.lang)
    if not problems:
        print(t("audit.clean", args.lang, path=args.file))
        return 0
    print(report(problems, args.lang))
    print(t("audit.summary", args.lang, path=args.file, count=len(problems)))
    return 1
