"""``workbench run SCENARIO``: project a scenario, print when each community meets each have and
what it costs, and optionally save it to the store or keep an executed notebook as a record."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ._options import add_store_option

if TYPE_CHECKING:
    import pandas as pd

HELP = "运行情景推演（达标年份矩阵与分来源支出）/ run a scenario (when-met matrix and cost by source)"
RECORD_NOTEBOOK = "40_scenarios.ipynb"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="情景文件（.yaml）或内置情景名 scenario file or built-in name")
    parser.add_argument("--runs", type=int, help="推演次数 runs (the scenario's)")
    parser.add_argument("--seed", type=int, help="随机种子 seed (the scenario's)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--dask", action="store_true", help="在本机 Dask 集群上运行 run on a local Dask cluster"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="连接已有的 Dask 集群 use an existing Dask cluster"
    )
    parser.add_argument("--workers", type=int, help="本机 Dask 工作进程数 local Dask workers (one per core)")
    parser.add_argument("--save", action="store_true", help="保存到情景库 save to the scenario store")
    parser.add_argument("--name", help="保存时使用的名称 name to save under (the scenario's)")
    add_store_option(parser)
    parser.add_argument(
        "--record", type=Path, metavar="OUT.ipynb", help="写出执行过的情景笔记本 write an executed notebook"
    )


def main(args: argparse.Namespace) -> int:
    import pandas as pd

    from .. import parallel
    from ..i18n import t
    from ..runner import run
    from ..scenario import load_scenario
    from ..store import ScenarioStore

    if args.record is not None and args.record.exists():  # say so before the run, not after it
        raise FileExistsError(
            f"{args.record} exists; choose another --record path / 文件已存在，请换一个路径"
        )

    lang = args.lang
    scenario = load_scenario(args.scenario)
    client = (
        parallel.dask_client(args.scheduler, workers=args.workers) if args.dask or args.scheduler else None
    )
    try:
        result = run(
            scenario, runs=args.runs, seed=args.seed, executor=client or "auto", progress=sys.stderr.isatty()
        )
    finally:
        if client is not None:
            client.close()
    prov = result.provenance
    print(t("run.title", lang, title=scenario.label(lang), runs=prov["runs"], seed=prov["seed"],
            first=int(result.years[0]), last=int(result.years[-1])))  # fmt: skip
    if result.plan.status != "optimal":
        print(t("run.plan_time_limit", lang, gap=result.plan.gap))
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200):
        print()
        print(t("run.when_met", lang))
        print(when_met_matrix(result, lang).to_string())
        print()
        cost = cost_table(result, lang)
        print(t("run.cost", lang) if len(cost) else t("run.no_cost", lang))
        if len(cost):
            print(cost.to_string(float_format=lambda v: f"{v:,.0f}"))
    if args.save:
        with ScenarioStore(args.store, lang=lang) as store:
            saved = result.save(store, name=args.name)
            print(t("run.saved", lang, path=store.path, name=saved.name))
    if args.record is not None:
        path = record(args.record, scenario=args.scenario, runs=prov["runs"], seed=prov["seed"], lang=lang)
        print(t("run.recorded", lang, path=path))
    return 0


def when_met_matrix(result, lang: str = "zh") -> pd.DataFrame:
    """Community × have (and all five): "year (probability)" cells of :meth:`ScenarioResult.when_met`."""
    from ..compare import have_label, when_text
    from ..i18n import t

    table = result.when_met()
    table = table.assign(
        cell=[when_text(y, p, lang) for y, p in zip(table["median_year"], table["p_final"], strict=True)]
    )
    haves = list(dict.fromkeys(table["have"]))
    wide = table.pivot(index="community_name", columns="have", values="cell")[haves]
    order = table.drop_duplicates("community").sort_values("community")["community_name"]
    wide = wide.reindex(order).rename(columns={h: have_label(h, lang) for h in haves})
    return wide.rename_axis(index=t("run.community", lang), columns=None)


def cost_table(result, lang: str = "zh") -> pd.DataFrame:
    """Year × source kind (street, co-building, grants) and the total, yuan."""
    import pandas as pd

    from ..compare import source_kind
    from ..costs import SOURCE_KINDS
    from ..i18n import t

    spending = result.cost_by_source()
    if spending.empty:
        return pd.DataFrame()
    by_kind = spending.T.groupby(source_kind).sum().T.reindex(columns=list(SOURCE_KINDS), fill_value=0.0)
    by_kind["total"] = by_kind.sum(axis=1)
    by_kind.loc[t("run.total", lang)] = by_kind.sum()
    by_kind.columns = [t(f"compare.source.{kind}", lang) for kind in by_kind.columns]
    return by_kind.rename_axis(index=None)


def record(out: Path, *, scenario: str, runs: int, seed: int, lang: str) -> Path:
    """Execute the scenarios notebook with these parameters into ``out`` (papermill)."""
    import papermill

    from ..paths import NOTEBOOKS

    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} exists / 文件已存在")
    scenario_arg = str(Path(scenario).resolve()) if Path(scenario).suffix else scenario
    papermill.execute_notebook(
        str(NOTEBOOKS / RECORD_NOTEBOOK),
        str(out),
        parameters={"scenario": scenario_arg, "runs": runs, "seed": seed, "lang": lang},
        cwd=str(NOTEBOOKS),
        progress_bar=False,
    )
    return out
