"""``workbench sweep SCENARIO --factor NAME LOW HIGH …``: which lever or assumption moves the goal
most (Latin-hypercube sweep, ranked by partial rank correlation)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

HELP = "情景敏感性分析（拉丁超立方抽样与影响排序）/ sweep a scenario's levers and assumptions, rank them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="情景文件（.yaml）或内置情景名 scenario file or built-in name")
    parser.add_argument(
        "--factor",
        nargs=3,
        action="append",
        required=True,
        metavar=("NAME", "LOW", "HIGH"),
        help="因素及其取值范围，可重复，如 allocation.budget 0 40000 / a factor and its range (repeatable)",
    )
    parser.add_argument("--samples", type=int, default=32, help="抽样组数 samples (32)")
    parser.add_argument("--runs", type=int, default=20, help="每组推演次数 runs per sample (20)")
    parser.add_argument("--year", type=int, help="评估年份 year judged (the horizon's last)")
    parser.add_argument("--seed", type=int, default=0, help="随机种子 seed (0)")
    parser.add_argument(
        "--outcome",
        choices=("mean_met", "p_all"),
        default="mean_met",
        help="排序依据 outcome ranked (mean_met)",
    )
    parser.add_argument("--serial", action="store_true", help="不使用多进程 run in this process only")


def main(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..i18n import t
    from ..sweep import Factor, factor_label, sweep

    lang = args.lang
    try:
        factors = [Factor(name, float(low), float(high)) for name, low, high in args.factor]
    except ValueError as error:
        print(t("sweep.bad_range", lang, error=error), file=sys.stderr)
        return 1
    result = sweep(
        args.scenario,
        factors,
        samples=args.samples,
        runs=args.runs,
        year=args.year,
        seed=args.seed,
        executor="serial" if args.serial else "auto",
        progress=sys.stderr.isatty(),
    )
    title = result.scenario.label(lang)
    print(t("sweep.title", lang, title=title, samples=args.samples, runs=args.runs, year=result.year))
    print(t("sweep.baseline", lang, p_all=result.baseline("p_all"), mean_met=result.baseline("mean_met")))
    print()
    print(t("sweep.ranking", lang, outcome=t(f"sweep.outcome.{args.outcome}", lang)))
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
        ranking = result.ranking(args.outcome)
        ranking["factor"] = [factor_label(name, lang) for name in ranking["factor"]]
        print(_columns(ranking, lang).to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print()
        print(t("sweep.worst", lang))
        worst = result.worst_ranges(args.outcome)
        worst["factor"] = [factor_label(name, lang) for name in worst["factor"]]
        print(_columns(worst, lang).to_string(index=False, float_format=_number))
    return 0


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _columns(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    from ..i18n import t

    return table.rename(columns={c: t(f"sweep.column.{c}", lang) for c in table.columns})
