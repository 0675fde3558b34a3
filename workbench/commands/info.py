"""``workbench info FILE``: a summary of a ledger — what it holds and how far coverage reaches."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from .. import graph as g
from ..i18n import t
from ..ledger import Ledger
from ..ledger_io import read_ledger
from ..schema import ORG_KIND, UNIT_KIND, Enum
from ..settings import RULES, Rules

HELP = "台账概况与覆盖情况 / a ledger's summary and its coverage"

LISTED = 10
"""Organisations listed by name before the rest are counted."""

_SCOPES = (None, "non_public_enterprise", "social_org")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="台账（.xlsx 或 CSV 文件夹） ledger (.xlsx or a CSV folder)")


def main(args: argparse.Namespace) -> int:
    print(summary(read_ledger(args.file, lang=args.lang), lang=args.lang))
    return 0


def summary(ledger: Ledger, *, lang: str = "zh", rules: Rules = RULES) -> str:
    """The summary lines of ``ledger`` as one text, in ``lang``."""
    graph = g.build_graph(ledger)
    units, orgs, members = g.unit_table(graph), g.org_table(graph), ledger.members
    full = int((members["status"] == "full").sum())
    lines = [
        t("graph.info.title", lang, street=graph.graph["name"], year=graph.graph["year"]),
        t("graph.info.communities", lang, count=len(g.community_ids(graph))),
        t("graph.info.units", lang, count=len(units), detail=_counts(units["unit_kind"], UNIT_KIND, lang)),
        t(
            "graph.info.orgs",
            lang,
            count=len(orgs),
            detail=_counts(orgs["org_kind"], ORG_KIND, lang),
            preparing=int((orgs["status"] == "preparing").sum()),
        ),
        t("graph.info.members", lang, count=len(members), full=full, probationary=len(members) - full),
        t("graph.info.coverage_title", lang),
    ]
    by_kind = g.coverage(graph, by=("unit_kind",)).set_index("unit_kind")
    for scope in _SCOPES:
        row = g.coverage(graph, by=()).iloc[0] if scope is None else by_kind.reindex([scope]).iloc[0]
        name = t("graph.info.all_units", lang) if scope is None else UNIT_KIND.label(scope, lang)
        lines.append("  " + _coverage_line(row, name, lang))

    uncovered = g.units_without_organisation(graph)
    eligible = g.units_eligible_for_own_branch(graph, rules=rules)
    lines.append(
        t(
            "graph.info.uncovered",
            lang,
            count=len(uncovered),
            own=int((~eligible["joint_only"]).sum()),
            joint=len(g.joint_branch_candidates(graph, rules=rules)),
            preparing=int(uncovered["preparing"].sum()),
            instructor=int(uncovered["instructor"].sum()),
        )
    )

    stale = g.branches_without_admission(graph, rules=rules)
    lines.append(t("graph.info.stale_title", lang, years=rules.no_admission_years, count=len(stale)))
    for row in stale.head(LISTED).itertuples():
        if pd.isna(row.last_admission_year):
            lines.append("  " + t("graph.info.stale_never", lang, name=row.name))
        else:
            text = t(
                "graph.info.stale_line",
                lang,
                name=row.name,
                last=row.last_admission_year,
                since=row.years_since,
            )
            lines.append("  " + text)
    if len(stale) > LISTED:
        lines.append("  " + t("graph.info.more", lang, count=len(stale) - LISTED))
    return "\n".join(lines)


def _counts(codes: pd.Series, enum: Enum, lang: str) -> str:
    """``label count`` for each code present, in the enum's order."""
    counts = codes.value_counts()
    parts = [
        t("graph.info.kind_count", lang, label=enum.label(code, lang), count=int(counts[code]))
        for code in enum.codes()
        if code in counts
    ]
    return t("graph.info.separator", lang).join(parts)


def _coverage_line(row: pd.Series, scope: str, lang: str) -> str:
    units = 0 if pd.isna(row["units"]) else int(row["units"])

    def rate(value: float) -> str:
        return t("graph.info.no_rate", lang) if pd.isna(value) else f"{value:.1%}"

    return t(
        "graph.info.coverage_line",
        lang,
        scope=scope,
        units=units,
        org=0 if units == 0 else int(row["org_covered"]),
        work=0 if units == 0 else int(row["work_covered"]),
        org_rate=rate(row["org_rate"]),
        work_rate=rate(row["work_rate"]),
    )
