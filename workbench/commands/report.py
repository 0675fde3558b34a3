"""``workbench report A [B …] --out plan.xlsx|plan.pdf``: an Excel report or a PDF briefing of
scenarios saved in the store, for leaders who do not open dashboards."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._options import add_store_option

HELP = "生成情景报告（Excel 或 PDF 简报） / write a scenario report (Excel workbook or PDF briefing)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="保存的情景名 saved scenario names")
    add_store_option(parser)
    parser.add_argument("--out", type=Path, required=True, help="输出文件 output file (.xlsx or .pdf)")
    parser.add_argument("--force", action="store_true", help="覆盖已有文件 overwrite an existing file")


def main(args: argparse.Namespace) -> int:
    import sys

    from ..i18n import t
    from ..report import write_report
    from ..store import ScenarioStore

    lang = args.lang
    if args.out.suffix.lower() not in (".xlsx", ".pdf"):
        print(t("report.out_format", lang, path=args.out), file=sys.stderr)
        return 1
    if args.out.exists() and not args.force:
        print(t("report.out_exists", lang, path=args.out), file=sys.stderr)
        return 1
    with ScenarioStore(args.store, lang=lang) as store:
        runs = [store.load(name) for name in args.scenarios]
    write_report(args.out, runs, lang=lang, overwrite=args.force)
    print(t("report.written", lang, path=args.out))
    return 0
