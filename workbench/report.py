"""Reports for leaders who do not open dashboards: an Excel workbook and a short PDF briefing.

- :func:`write_workbook` — sheets 说明 (one row per scenario: what it is, its runs, the outcome at
  the end and the money), 经费方案 (the allocation purchases), 达标预测 (per scenario, community and
  have: the median year met, the chance in the final year and in every year), 情景比较 (communities
  expected to meet each have, year by year, one column per scenario) and 经费 (yuan by source and
  year, and a total per scenario). Headers are in ``lang``; numbers are exact, not rounded.
- :func:`write_briefing` — one to three A4 pages: the scenarios, key findings, the comparison
  charts and the year each community meets all five (:mod:`workbench.pdfpages`).

Both take a :class:`~workbench.compare.Comparison` (or the runs to compare) and hold aggregates
only: community figures, never a member's or a cadre's name. Neither replaces an existing file
unless ``overwrite``, and a half-written file never appears.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import plots
from .compare import ALL, Comparison, compare, have_label, source_kind
from .costs import SOURCE_KINDS, load_catalogue
from .i18n import check_lang, t
from .pdfpages import BODY_PT, a4_document
from .ui.common import figure_image

MAX_LISTED = 30  # communities listed one by one in the briefing; the workbook has them all
FORMATS = {"share": "0.0%", "yuan": "#,##0", "count": "0.00"}


def write_report(
    path: str | os.PathLike, comparison: Comparison | Sequence, *, lang: str = "zh", overwrite: bool = False
) -> Path:
    """Write the workbook (``.xlsx``) or the briefing (``.pdf``) chosen by the suffix of ``path``.

    ``comparison``: a :class:`Comparison` or the runs to compare. Raises ValueError for another
    suffix and FileExistsError when ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    writers = {".xlsx": write_workbook, ".pdf": write_briefing}
    if path.suffix.lower() not in writers:
        raise ValueError(t("report.out_format", lang, path=path))
    writers[path.suffix.lower()](path, comparison, lang=lang, overwrite=overwrite)
    return path


def _comparison(comparison: Comparison | Sequence, lang: str) -> Comparison:
    return comparison if isinstance(comparison, Comparison) else compare(comparison, lang=lang)


def _check_target(path: Path, overwrite: bool, lang: str) -> None:
    if path.exists() and not overwrite:
        raise FileExistsError(t("report.out_exists", lang, path=path))


# --- the workbook ---------------------------------------------------------------------------------


def workbook_sheets(comparison: Comparison | Sequence, *, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The workbook's sheets as tables (sheet title → table with translated headers)."""
    lang = check_lang(lang)
    comparison = _comparison(comparison, lang)
    return {
        t(f"report.sheet.{key}", lang): make(comparison, lang)
        for key, make in (
            ("summary", _summary_sheet),
            ("plan", _plan_sheet),
            ("projections", _projections_sheet),
            ("comparison", _comparison_sheet),
            ("cost", _cost_sheet),
        )
    }


def write_workbook(
    path: str | os.PathLike, comparison: Comparison | Sequence, *, lang: str = "zh", overwrite: bool = False
) -> Path:
    """Write the Excel report (see the module notes); returns ``path``."""
    lang = check_lang(lang)
    path = Path(path)
    _check_target(path, overwrite, lang)
    sheets = workbook_sheets(comparison, lang=lang)
    book = Workbook()
    book.remove(book.active)
    for title, table in sheets.items():
        _write_sheet(book.create_sheet(title), table)
    first = book[next(iter(sheets))]
    first.cell(row=len(sheets[first.title]) + 3, column=1, value=t("report.note", lang))
    partial = path.with_name(path.name + ".part")
    try:
        book.save(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _write_sheet(sheet, table: pd.DataFrame) -> None:
    sheet.append([str(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.astype(object).itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    for position, column in enumerate(table.columns, start=1):
        letter = get_column_letter(position)
        kind = table.attrs.get("formats", {}).get(column)
        if kind:
            for cell in sheet[letter][1:]:
                cell.number_format = FORMATS[kind]
        width = max([len(str(column)) * 2, *(len(str(v)) for v in table[column].head(200))], default=8)
        sheet.column_dimensions[letter].width = min(max(width, 8), 60)
    sheet.freeze_panes = "A2"


def _formats(table: pd.DataFrame, **kinds: str) -> pd.DataFrame:
    """``table`` with number formats (:data:`FORMATS` keys) for some columns, by column name."""
    table.attrs["formats"] = kinds
    return table


def _column(name: str, lang: str) -> str:
    return t(f"report.column.{name}", lang)


def _summary_sheet(comparison: Comparison, lang: str) -> pd.DataFrame:
    by_year = comparison.by_year()
    final = by_year[by_year["have"] == ALL].groupby("scenario", sort=False).last()
    cost = comparison.cost().groupby("scenario", sort=False)["cost"].sum()
    rows = []
    for s in comparison.scenarios:
        prov = s.provenance
        rows.append(
            {
                _column("scenario", lang): s.label(lang),
                _column("name", lang): s.name,
                _column("description", lang): s.description.get(lang, ""),
                _column("rubric", lang): prov.get("rubric"),
                _column("runs", lang): prov.get("runs"),
                _column("seed", lang): prov.get("seed"),
                _column("ledger", lang): prov.get("ledger"),
                _column("final_year", lang): int(final.loc[s.name, "year"]),
                _column("expected_all", lang): float(final.loc[s.name, "expected"]),
                _column("communities", lang): int(final.loc[s.name, "communities"]),
                _column("total_cost", lang): float(cost[s.name]),
            }
        )
    return _formats(
        pd.DataFrame(rows),
        **{_column("expected_all", lang): "count", _column("total_cost", lang): "yuan"},
    )


def _plan_sheet(comparison: Comparison, lang: str) -> pd.DataFrame:
    frames = []
    for s in comparison.scenarios:
        plan = s.plan
        names = s.when_met.drop_duplicates("community").set_index("community")["community_name"]
        items = _item_labels(s.spec, lang)
        frames.append(
            pd.DataFrame(
                {
                    _column("scenario", lang): s.label(lang),
                    _column("community", lang): plan["community"].map(names).fillna(plan["community"]),
                    _column("year", lang): plan["year"],
                    _column("item", lang): plan["item"].map(items).fillna(plan["item"]),
                    _column("quantity", lang): plan["quantity"],
                    _column("cost", lang): plan["cost"],
                    _column("source", lang): plan["source"].map(
                        lambda source: t(f"compare.source.{source_kind(source)}", lang)
                    ),
                }
            )
        )
    return _formats(pd.concat(frames, ignore_index=True), **{_column("cost", lang): "yuan"})


def _item_labels(spec, lang: str) -> dict[str, str]:
    name = spec.get("levers", {}).get("allocation", {}).get("catalogue", "default")
    return {item.id: item.label[lang] for item in load_catalogue(name).items}


def _projections_sheet(comparison: Comparison, lang: str) -> pd.DataFrame:
    when = comparison.by_community()
    labels = comparison.labels(lang)
    by_year = pd.concat(
        [s.probability.assign(scenario=s.name) for s in comparison.scenarios], ignore_index=True
    ).pivot_table(index=["scenario", "community", "have"], columns="year", values="probability", sort=False)
    years = {year: t("report.probability_in", lang, year=year) for year in by_year.columns}
    table = when.join(by_year.rename(columns=years), on=["scenario", "community", "have"])
    table = pd.DataFrame(
        {
            _column("scenario", lang): table["scenario"].map(labels),
            _column("community", lang): table["community_name"],
            _column("have", lang): table["have"].map(lambda h: have_label(h, lang)),
            _column("median_year", lang): table["median_year"],
            _column("p_final", lang): table["p_final"],
            **{label: table[label] for label in years.values()},
        }
    )
    return _formats(table, **{c: "share" for c in [_column("p_final", lang), *years.values()]})


def _comparison_sheet(comparison: Comparison, lang: str) -> pd.DataFrame:
    wide = comparison.by_year().pivot_table(
        index=["have", "year"], columns="scenario", values="expected", sort=False
    )[comparison.names]
    wide = wide.rename(columns=comparison.labels(lang)).reset_index()
    wide.insert(0, _column("have", lang), wide.pop("have").map(lambda h: have_label(h, lang)))
    wide = wide.rename(columns={"year": _column("year", lang)})
    wide.columns.name = None
    return _formats(wide, **{label: "count" for label in comparison.labels(lang).values()})


def _cost_sheet(comparison: Comparison, lang: str) -> pd.DataFrame:
    wide = comparison.cost_by_year().pivot_table(
        index=["scenario", "year"], columns="source", values="cost", aggfunc="sum", fill_value=0.0, sort=False
    )
    wide = wide.reindex(columns=list(SOURCE_KINDS), fill_value=0.0)
    wide["total"] = wide.sum(axis=1)
    total_label = t("compare.source.total", lang)
    frames = []
    for name in comparison.names:
        rows = wide.xs(name, level="scenario").reset_index().astype({"year": object})
        total = rows.drop(columns="year").sum().to_frame().T.assign(year=total_label)
        frames.append(pd.concat([rows, total], ignore_index=True).assign(scenario=name))
    table = pd.concat(frames, ignore_index=True)
    sources = {kind: t(f"compare.source.{kind}", lang) for kind in [*SOURCE_KINDS, "total"]}
    table = pd.DataFrame(
        {
            _column("scenario", lang): table["scenario"].map(comparison.labels(lang)),
            _column("year", lang): table["year"],
            **{label: table[kind] for kind, label in sources.items()},
        }
    )
    return _formats(table, **{label: "yuan" for label in sources.values()})


# --- the briefing ---------------------------------------------------------------------------------


def write_briefing(
    path: str | os.PathLike, comparison: Comparison | Sequence, *, lang: str = "zh", overwrite: bool = False
) -> int:
    """Write the PDF briefing (see the module notes); returns the number of pages."""
    lang = check_lang(lang)
    path = Path(path)
    _check_target(path, overwrite, lang)
    comparison = _comparison(comparison, lang)
    labels = comparison.labels(lang)
    by_year = comparison.by_year()
    years = by_year["year"]
    with a4_document(
        path, title=t("report.title", lang), footer=lambda page: t("report.page", lang, page=page)
    ) as writer:
        writer.heading(t("report.title", lang), size=BODY_PT + 8)
        writer.text(t("report.intro", lang, count=len(comparison.names), first=years.min(), last=years.max()))
        writer.heading(t("report.scenarios", lang))
        writer.bullets(
            [
                t("report.colon", lang).join(filter(None, (s.label(lang), s.description.get(lang))))
                for s in comparison.scenarios
            ]
        )
        writer.heading(t("report.findings", lang))
        writer.bullets(findings(comparison, lang=lang))
        writer.image(figure_image(plots.scenario_lines(by_year, names=labels, lang=lang)), height=0.27)
        writer.image(figure_image(plots.cost_bars(comparison.cost(), names=labels, lang=lang)), height=0.16)
        writer.heading(t("report.matrix", lang))
        matrix = comparison.community_table(lang)
        for community, cells in matrix.head(MAX_LISTED).iterrows():
            parts = t("report.separator", lang).join(f"{s} {cell}" for s, cell in cells.items())
            writer.text(f"{community}{t('report.colon', lang)}{parts}", indent=0.01)
        if len(matrix) > MAX_LISTED:
            writer.text(t("report.matrix_more", lang, count=len(matrix) - MAX_LISTED), indent=0.01)
        writer.space()
        writer.text(t("report.note", lang), size=BODY_PT - 1.5)
    return writer.pages


def findings(comparison: Comparison | Sequence, *, lang: str = "zh") -> list[str]:
    """The briefing's key findings: per scenario, the communities expected to meet all five in the
    final year and the money spent; then the scenario with the most."""
    comparison = _comparison(comparison, lang)
    by_year = comparison.by_year()
    final = by_year[by_year["have"] == ALL].groupby("scenario", sort=False).last()
    cost = comparison.cost().pivot(index="scenario", columns="source", values="cost")
    lines = [
        t(
            "report.finding",
            lang,
            scenario=label,
            year=int(final.loc[name, "year"]),
            expected=final.loc[name, "expected"],
            communities=int(final.loc[name, "communities"]),
            cost=cost.loc[name].sum(),
            street=cost.loc[name, "street"],
        )
        for name, label in comparison.labels(lang).items()
    ]
    if len(final) > 1:
        lines.append(t("report.best", lang, scenario=comparison.labels(lang)[final["expected"].idxmax()]))
    return lines
