"""``workbench allocate FILE --budget YUAN``: the best spending plan for a street's budget."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "经费分配方案（最优化） / optimal allocation of a budget to the five-haves"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="台账（.xlsx 或 CSV 文件夹） ledger (.xlsx or a CSV folder)")
    parser.add_argument(
        "--budget", type=float, required=True, help="街道每年预算（元） street budget, yuan a year"
    )
    parser.add_argument("--years", type=int, help="规划年数（默认一届任期） plan years (default: one term)")
    parser.add_argument(
        "--objective", choices=("score", "all_met", "lexicographic"), default="score", help="目标 objective"
    )
    parser.add_argument("--rubric", default="seed_2003", help="评分标准名称或 YAML 路径 rubric name or path")
    parser.add_argument("--catalogue", default="default", help="成本目录名称或 YAML 路径 cost catalogue")
    parser.add_argument("--time-limit", type=float, default=10.0, help="求解时限（秒） solver time limit (s)")
    parser.add_argument("--out", type=Path, help="写出方案 write the plan (.xlsx)")
    parser.add_argument("--force", action="store_true", help="覆盖已有文件 overwrite --out")


def main(args: argparse.Namespace) -> int:
    from ..engines.allocation import optimise
    from ..i18n import t
    from ..ledger_io import read_ledger

    lang = args.lang
    if args.out is not None:
        if args.out.suffix.lower() != ".xlsx":
            print(t("allocate.out_format", lang, path=args.out), file=sys.stderr)
            return 1
        if args.out.exists() and not args.force:
            print(t("allocate.out_exists", lang, path=args.out), file=sys.stderr)
            return 1
    ledger = read_ledger(args.file, lang=lang)
    plan = optimise(
        ledger, args.rubric, args.catalogue, args.budget, years=args.years, objective=args.objective,
        time_limit=args.time_limit,
    )  # fmt: skip
    objective = t(f"allocation.objective.{args.objective}", lang)
    gap = f"{plan.gap:.2%}"
    print(
        t(
            "allocate.summary",
            lang,
            objective=objective,
            value=plan.objective_value,
            status=plan.status,
            gap=gap,
            seconds=plan.solve_seconds,
        )
    )
    for year, row in plan.summary.iterrows():
        met = int(row["indicators_met"])
        print(
            "  "
            + t(
                "allocate.met_line",
                lang,
                year=year,
                met=met,
                all_met=int(row["all_met"]),
                score=row["mean_score"],
            )
        )
        if row["spent"] > 0:
            print("    " + t("allocate.spent_line", lang, year=year, spent=row["spent"]))
    if args.out is not None:
        write_plan(plan, args.out, lang=lang)
        print(t("allocate.written", lang, path=args.out))
    return 0


def write_plan(plan, path: Path, *, lang: str = "zh") -> None:
    """The plan table, the scores by year and the funds as sheets of one workbook."""
    import pandas as pd

    from ..i18n import t

    with pd.ExcelWriter(path, engine="openpyxl") as book:
        plan.table.to_excel(book, sheet_name=t("allocate.sheet.plan", lang), index=False)
        plan.scores.reset_index().to_excel(book, sheet_name=t("allocate.sheet.scores", lang), index=False)
        plan.funds.table().to_excel(book, sheet_name=t("allocate.sheet.funds", lang), index=False)
