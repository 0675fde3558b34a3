"""``workbench compare A B [C …]``: saved scenarios side by side — communities meeting all five by
year, the year each community does, and the money by source."""

from __future__ import annotations

import argparse

from ._options import add_store_option

HELP = "比较情景库中保存的情景 / compare scenarios saved in the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="保存的情景名 saved scenario names")
    add_store_option(parser)


def main(args: argparse.Namespace) -> int:
    import sys

    import pandas as pd

    from ..compare import compare
    from ..i18n import t
    from ..store import ScenarioStore

    lang = args.lang
    if len(args.scenarios) < 2:
        print(t("compare.too_few", lang), file=sys.stderr)
        return 1
    with ScenarioStore(args.store, lang=lang) as store:
        comparison = compare([store.load(name) for name in args.scenarios], lang=lang)
    print(t("compare.store", lang, path=store.path))
    sections = (
        ("compare.heading.by_year", comparison.year_table(lang).round(2)),
        ("compare.heading.by_community", comparison.community_table(lang)),
        ("compare.heading.cost", comparison.cost_table(lang).round(0).astype("int64")),
    )
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
        for heading, table in sections:
            print(f"\n{t(heading, lang)}")
            print(table.to_string())
    return 0
