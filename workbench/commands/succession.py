"""``workbench succession FILE``: project cadre succession and the member pipeline."""

from __future__ import annotations

import argparse

import numpy as np

from ..engines.succession import SuccessionLevers, simulate
from ..i18n import t
from ..ledger_io import read_ledger
from ..results import cube

HELP = "预测社区干部接班与党员发展 / project cadre succession and the member pipeline"
PROGRESS_FROM = 200_000
"""Show a progress bar when runs × communities × years reaches this."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="台账 .xlsx 文件或 CSV 文件夹 / ledger .xlsx file or CSV folder")
    parser.add_argument("--years", type=int, default=10, help="预测年数 years ahead")
    parser.add_argument("--runs", type=int, default=200, help="模拟次数 runs")
    parser.add_argument("--seed", type=int, default=0, help="随机种子 seed")
    parser.add_argument("--drive", type=int, default=0, help="每年额外入党申请人 extra applicants a year")
    parser.add_argument("--training", type=int, default=0, help="每年后备干部培训名额 training slots a year")
    parser.add_argument(
        "--reserves", type=int, default=None, help="每个关键岗位后备干部数 reserves per key post"
    )
    parser.add_argument(
        "--appointments", type=int, default=0, help="每年选派干部数 outside appointments a year"
    )
    parser.add_argument("--retirement-age", type=int, default=None, help="退休年龄 retirement age")
    parser.add_argument("--out", help="结果另存为 CSV / save the long results table as CSV")


def main(args: argparse.Namespace) -> int:
    ledger = read_ledger(args.file, lang=args.lang)
    levers = SuccessionLevers(
        recruitment_drive=args.drive,
        training_slots=args.training,
        reserves_per_post=args.reserves,
        outside_appointments=args.appointments,
        retirement_age=args.retirement_age,
    )
    size = args.runs * args.years * len(ledger.communities)
    table = simulate(
        ledger, levers, years=args.years, runs=args.runs, seed=args.seed, progress=size >= PROGRESS_FROM
    )
    print(summary(table, ledger.communities.set_index("id")["name"], lang=args.lang))
    if args.out:
        table.to_csv(args.out, index=False)
        print(t("succession.saved", args.lang, path=args.out, rows=len(table)))
    return 0


def summary(table, names, *, lang: str = "zh") -> str:
    """Per community: mean cadre age, succession risk and full members, first year → last (means
    over runs)."""
    lines = []
    means = {}
    for indicator in ("cadre_mean_age", "succession_risk", "full_members"):
        values, years, communities = cube(table, indicator)
        with np.errstate(invalid="ignore"):
            means[indicator] = np.nanmean(values[:, [0, -1]], axis=0)
    start, end = int(years[0]), int(years[-1])
    runs = int(table["run"].max()) + 1
    lines.append(t("succession.header", lang, runs=runs, start=start, end=end))
    lines.append(t("succession.columns", lang, start=start, end=end))
    for j, community in enumerate(communities):
        age, risk, full = (
            means[name][:, j] for name in ("cadre_mean_age", "succession_risk", "full_members")
        )
        lines.append(
            f"{names.get(community, community)}｜{age[0]:.1f} → {age[1]:.1f}｜"
            f"{risk[0]:.0%} → {risk[1]:.0%}｜{full[0]:.0f} → {full[1]:.0f}"
        )
    return "\n".join(lines)
