"""``workbench scorecard FILE``: score a ledger against a five-haves rubric and list the gaps."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "五有达标表与差距清单 / five-haves scorecard and gap list"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="台账（.xlsx 或 CSV 文件夹） ledger (.xlsx or a CSV folder)")
    parser.add_argument(
        "--rubric", default="seed_2003", help="评分标准名称或 YAML 路径 rubric name or YAML path (seed_2003)"
    )
    parser.add_argument(
        "--out", type=Path, help="写出达标表 write the table (.xlsx with a summary sheet, or .csv)"
    )
    parser.add_argument("--force", action="store_true", help="覆盖已有文件 overwrite --out")


def read_ledger(path: Path, *, lang: str = "zh"):
    """The ledger at ``path`` (imported here so that ``workbench --help`` stays fast)."""
    from ..ledger_io import read_ledger as read

    return read(path, lang=lang)


def main(args: argparse.Namespace) -> int:
    from ..i18n import t
    from ..rubric import load_rubric
    from ..scorecard import scorecard

    lang = args.lang
    if args.out is not None:
        if args.out.suffix.lower() not in (".xlsx", ".csv"):
            print(t("scorecard.out_format", lang, path=args.out), file=sys.stderr)
            return 1
        if args.out.exists() and not args.force:
            print(t("scorecard.out_exists", lang, path=args.out), file=sys.stderr)
            return 1
    rubric = load_rubric(args.rubric, lang=lang)
    card = scorecard(read_ledger(args.file, lang=lang), rubric, lang=lang)

    print(t("scorecard.summary_title", lang, rubric=rubric.title[lang]))
    for row in card.street_summary().itertuples():
        rate = f"{row.rate:.0%}" if row.communities else "—"
        print(
            "  "
            + t("scorecard.street_line", lang, have=row.label, met=row.met, total=row.communities, rate=rate)
        )
    print()
    print(t("scorecard.gaps_title", lang))
    gaps = card.gaps()
    for text in gaps["text"]:
        print("  " + text)
    if gaps.empty:
        print("  " + t("scorecard.no_gaps", lang))

    if args.out is not None:
        if args.out.suffix.lower() == ".csv":
            card.table.to_csv(args.out, index=False, encoding="utf-8-sig")
        else:
            import pandas as pd

            with pd.ExcelWriter(args.out, engine="openpyxl") as writer:
                card.table.to_excel(writer, sheet_name="scorecard", index=False)
                card.summary().to_excel(writer, sheet_name="summary")
        print(t("scorecard.written", lang, path=args.out))
    return 0
