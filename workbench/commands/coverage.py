"""``workbench coverage FILE``: project Party organisation coverage and propose joint branches."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LONG = 5_000_000  # unit-years above which a progress bar is shown
HELP = "党组织覆盖推演与联合支部组建建议 / project organisation coverage and propose joint branches"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="台账（.xlsx 或 CSV 文件夹） ledger (.xlsx or a CSV folder)")
    parser.add_argument("--years", type=int, default=10, help="推演年数 years ahead (10)")
    parser.add_argument("--runs", type=int, default=200, help="推演次数 runs (200)")
    parser.add_argument("--seed", type=int, default=0, help="随机种子 seed (0)")
    parser.add_argument(
        "--instructors", type=int, help="每年在岗党建指导员 instructors in post (as in the ledger)"
    )
    parser.add_argument(
        "--caseload", type=int, default=5, help="每名指导员联系单位数 units per instructor (5)"
    )
    parser.add_argument(
        "--drive", type=float, default=0.0, help="非公企业每年额外发展党员 extra NPE admissions a year (0)"
    )
    parser.add_argument("--no-grouping", action="store_true", help="不组建新的联合支部 no new joint branches")
    parser.add_argument("--target-year", type=int, help="达标年份 target year (the last year)")
    parser.add_argument(
        "--target", type=float, help="非公企业覆盖率目标 NPE coverage target (national 2017 level)"
    )
    parser.add_argument("--out", type=Path, help="写出结果表 write the results table (.csv)")


def main(args: argparse.Namespace) -> int:
    from ..engines import coverage, grouping
    from ..i18n import t
    from ..ledger_io import read_ledger
    from ..settings import RULES

    lang = args.lang
    if args.out is not None and args.out.suffix.lower() != ".csv":
        print(t("coverage.out_format", lang, path=args.out), file=sys.stderr)
        return 1
    ledger = read_ledger(args.file, lang=lang)
    levers = coverage.CoverageLevers(
        instructors=args.instructors,
        instructor_caseload=args.caseload,
        recruitment_drive=args.drive,
        grouping=not args.no_grouping,
        target_year=args.target_year,
        target_coverage=args.target,
    )
    table = coverage.simulate(
        ledger,
        levers,
        years=args.years,
        runs=args.runs,
        seed=args.seed,
        progress=len(ledger.units) * args.runs * args.years > LONG,
    )
    last = ledger.year + args.years
    print(t("coverage.title", lang, street=ledger.street_name, runs=args.runs, first=ledger.year, last=last))
    print(t("coverage.header", lang))
    print(summary(table).to_string(index=False, header=False))
    level = RULES.national_npe_coverage_2017 if args.target is None else args.target
    year = last if args.target_year is None else args.target_year
    reached = coverage.target_reached(table, level=level)
    print(t("coverage.target", lang, year=year, level=level, share=float(reached.get(year, 0.0))))
    half = reached[reached >= 0.5]
    print(t("coverage.first_year", lang, year=int(half.index[0])) if len(half) else t("coverage.never", lang))
    proposal = grouping.propose(ledger)
    exact = (
        t("coverage.proposal_exact", lang)
        if proposal.exact and proposal.gap == 0
        else t("coverage.proposal_gap", lang, gap=proposal.gap)
    )
    print(
        t(
            "coverage.proposal",
            lang,
            groups=proposal.groups,
            covered=proposal.covered,
            bound=proposal.upper_bound,
            exact=exact,
        )
    )
    if args.out is not None:
        table.to_csv(args.out, index=False, encoding="utf-8-sig")
        print(t("coverage.written", lang, path=args.out))
    return 0


def summary(table):
    """Street medians by year: NPE organisation coverage, work coverage, units not covered (text)."""
    from ..engines.coverage import STREET

    street = table[table["community"] == STREET]
    names = ["npe_org_coverage", "work_coverage", "uncovered_units"]
    wide = street[street["indicator"].isin(names)].pivot_table(
        index="year", columns="indicator", values="value", aggfunc="median"
    )[names]
    return wide.reset_index().assign(
        npe_org_coverage=lambda d: d["npe_org_coverage"].map("{:.1%}".format),
        work_coverage=lambda d: d["work_coverage"].map("{:.1%}".format),
        uncovered_units=lambda d: d["uncovered_units"].map("{:.0f}".format),
    )
