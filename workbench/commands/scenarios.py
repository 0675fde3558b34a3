"""``workbench scenarios``: list the scenario runs saved in the store, or delete one."""

from __future__ import annotations

import argparse

from ._options import add_store_option

HELP = "列出（或删除）情景库中保存的情景 / list (or delete) the scenarios saved in the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_option(parser)
    parser.add_argument("--delete", metavar="NAME", help="删除这个情景 delete this scenario")


def main(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..i18n import t
    from ..store import ScenarioStore

    lang = args.lang
    with ScenarioStore(args.store, lang=lang) as store:
        if args.delete is not None:
            store.delete(args.delete)
            print(t("scenarios.deleted", lang, name=args.delete))
        listed = store.list()
    print(t("scenarios.store", lang, path=store.path))
    if listed.empty:
        print(t("scenarios.empty", lang))
        return 0
    listed["ledger"] = listed["ledger"].str[:12]  # a fingerprint's head identifies it
    listed.columns = [t(f"scenarios.column.{column}", lang) for column in listed.columns]
    with pd.option_context("display.unicode.east_asian_width", True):  # align Chinese names
        print(listed.to_string(index=False, na_rep="—"))
    print(t("scenarios.count", lang, count=len(listed)))
    return 0
