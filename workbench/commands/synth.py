"""``workbench synth``: write the sample street's ledger, or a synthetic one of any size."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HELP = "生成示范街道或任意规模的合成台账 / write the sample street or a synthetic ledger of any size"
LARGE_WORKBOOK_MEMBERS = 50_000  # beyond this, suggest a CSV folder instead of a workbook


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="输出：.xlsx 工作簿，或不带扩展名的路径（CSV 文件夹） .xlsx workbook, or a path without suffix (CSV folder)",
    )
    parser.add_argument("--sample", action="store_true", help="示范街道（2003 年） the sample street (2003)")
    parser.add_argument("--communities", type=int, default=12, help="社区数 number of communities (12)")
    parser.add_argument("--seed", type=int, default=0, help="随机种子 random seed (0)")
    parser.add_argument("--year", type=int, default=2024, help="台账年份 ledger year (2024)")
    parser.add_argument("--force", action="store_true", help="覆盖已有文件 overwrite --out")


def main(args: argparse.Namespace) -> int:
    from ..i18n import t
    from ..ledger_io import write_ledger
    from ..synth import sample_ledger, synthetic_ledger

    lang, out = args.lang, args.out
    if out.suffix and out.suffix.lower() != ".xlsx":
        print(t("synth.bad_suffix", lang, path=out), file=sys.stderr)
        return 1
    if out.exists() and not args.force:
        print(t("synth.exists", lang, path=out), file=sys.stderr)
        return 1
    start = time.perf_counter()
    if args.sample:
        ledger = sample_ledger()
    else:
        ledger = synthetic_ledger(args.communities, seed=args.seed, year=args.year)
    if out.suffix and len(ledger.members) > LARGE_WORKBOOK_MEMBERS:
        print(t("synth.large_workbook", lang, members=len(ledger.members)), file=sys.stderr)
    write_ledger(ledger, out, overwrite=args.force, lang=lang)
    print(
        t(
            "synth.written",
            lang,
            path=out,
            communities=len(ledger.communities),
            units=len(ledger.units),
            orgs=len(ledger.party_orgs),
            members=len(ledger.members),
            seconds=time.perf_counter() - start,
        )
    )
    return 0
