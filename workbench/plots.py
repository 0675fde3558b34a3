"""Charts of the workbench: projections, the five-haves, the organisation graph, sensitivity.

Every function takes ``lang`` ("zh" by default), labels its chart from the catalogue
(``workbench/labels``) and the figure registry, and returns a :class:`matplotlib.figure.Figure`
without showing it: a notebook displays the returned figure, a report saves it. Figures are made
without pyplot, so none is left open. Chinese is drawn with the bundled font
(:func:`workbench.fonts.use_chinese_font`, called on import).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .figures import FIGURES
from .fonts import use_chinese_font
from .graph import edge_table, node, node_table, org_table, unit_table
from .i18n import catalogue, check_lang, t
from .schema import COMMUNITIES, PARTY_ORGS, STREET

use_chinese_font()

MAX_ANNOTATED_ROWS = 60  # a heatmap taller than this drops its cell texts and row names
MAX_UNITS_DRAWN = 60  # an organisation graph with more units shows them as counts per community
MAX_COMMUNITIES_DRAWN = 40  # beyond this, draw one community at a time
COVERAGE = ("own", "joint", "instructor", "none")
COLOURS = {
    "street": "#6d4c41",
    "community": "#1e88e5",
    "party_org": "#c62828",
    "preparing": "#ffffff",
    "own": "#2e7d32",
    "joint": "#9ccc65",
    "instructor": "#ffb300",
    "none": "#9e9e9e",
    "low": "#1e88e5",
    "high": "#e53935",
}


def _label(name: Hashable, lang: str) -> str:
    """The label of a figure, a have or a catalogue key; the name itself when it has none."""
    if name in FIGURES:
        return FIGURES[name].label(lang)
    for key in (name, f"have.{name}"):
        if key in catalogue():
            return t(key, lang)
    return str(name)


def _is_share(indicator: str) -> bool:
    figure = FIGURES.get(indicator)
    return figure is not None and (figure.unit == "share" or figure.boolean)


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


# ── projections ────────────────────────────────────────────────────────────────────────────────


def fan_chart(
    table: pd.DataFrame,
    indicator: str,
    *,
    by: str = "community",
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    names: Mapping[str, str] | None = None,
    agg: str = "mean",
    lang: str = "zh",
    ax: Axes | None = None,
) -> Figure:
    """Median line and band (low–high quantile over runs) of ``indicator`` over the years.

    ``table`` is a long results table (:mod:`workbench.results`). One line per ``by`` group
    ("community" or "scenario"); with ``by="scenario"`` each run's communities are combined with
    ``agg`` ("mean", "sum", …) first. ``names`` maps community ids to the names shown. Draws on
    ``ax`` when given. Raises ValueError when the indicator has no rows, or when ``by="community"``
    meets several scenarios (filter one first).
    """
    lang = check_lang(lang)
    if by not in ("community", "scenario"):
        raise ValueError(f"by must be 'community' or 'scenario', not {by!r}")
    low, mid, high = quantiles
    if not 0 <= low < mid < high <= 1:
        raise ValueError(f"quantiles must be three increasing shares in [0, 1], not {quantiles!r}")
    rows = table[table["indicator"] == indicator]
    if rows.empty:
        raise ValueError(f"the results table has no rows of indicator {indicator!r}")
    if by == "community" and rows["scenario"].nunique() > 1:
        raise ValueError("several scenarios: pass by='scenario' or filter one scenario first")
    per_run = rows.groupby([by, "run", "year"], sort=True)["value"].agg(agg)
    bands = per_run.groupby(level=[by, "year"]).quantile(list(quantiles)).unstack()

    fig = ax.figure if ax is not None else _figure(7, 4)
    ax = ax if ax is not None else fig.add_subplot()
    for group, band in bands.groupby(level=by, sort=False):
        years = band.index.get_level_values("year")
        label = group if names is None else names.get(group, group)
        (line,) = ax.plot(years, band[mid], label=str(label))
        ax.fill_between(years, band[low], band[high], color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_title(_label(indicator, lang))
    ax.set_xlabel(t("plots.year", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if _is_share(indicator):
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    note = t("plots.fan.note", lang, low=round(low * 100), high=round(high * 100))
    ax.legend(title=note, fontsize="small", title_fontsize="small")
    return fig


# ── the five-haves ────────────────────────────────────────────────────────────────────────────


def have_heatmap(summary: pd.DataFrame, *, title: str | None = None, lang: str = "zh") -> Figure:
    """Community × have matrix of ``summary`` (index: community names; columns: have keys).

    Boolean columns (met or not) are marked ✓/×, float columns (scores 0–1) as percentages; a
    missing value is grey. From a scorecard: ``summary.set_index("community_name")`` and its
    ``<have>_met`` columns renamed to the have keys. Taller than ``MAX_ANNOTATED_ROWS`` rows, cells and row names are left
    bare.
    """
    lang = check_lang(lang)
    values = summary.to_numpy(dtype=float, na_value=np.nan)
    boolean = all(pd.api.types.is_bool_dtype(dtype) for dtype in summary.dtypes)
    n_rows, n_cols = values.shape
    small = n_rows <= MAX_ANNOTATED_ROWS
    fig = _figure(1.4 * n_cols + 2.5 + (0 if boolean else 1), min(0.4 * n_rows + 1.6, 24))
    ax = fig.add_subplot()
    cmap = ListedColormap(mpl.colormaps["RdYlGn"](np.linspace(0.2, 0.8, 256))).with_extremes(bad="#dddddd")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(n_cols), [_label(key, lang) for key in summary.columns])
    ax.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.set_yticks(range(n_rows) if small else [], [str(i) for i in summary.index] if small else [])
    if small:
        for (row, col), value in np.ndenumerate(values):
            ax.text(col, row, _cell_text(value, boolean, lang), ha="center", va="center")
    if not boolean:
        fig.colorbar(image, ax=ax, format=PercentFormatter(1.0), shrink=0.8)
    ax.set_title(title or t("plots.heatmap.title", lang))
    return fig


def _cell_text(value: float, boolean: bool, lang: str) -> str:
    if np.isnan(value):
        return t("plots.heatmap.unknown", lang)
    if boolean:
        return t("plots.heatmap.met" if value else "plots.heatmap.not_met", lang)
    return f"{value:.0%}"


def radar(scores: pd.Series, *, title: str | None = None, lang: str = "zh") -> Figure:
    """One community's score per have (``scores`` indexed by have key, 0–1) on a polar chart."""
    lang = check_lang(lang)
    angles = np.linspace(0, 2 * np.pi, len(scores), endpoint=False)
    values = scores.to_numpy(dtype=float)
    fig = _figure(5, 5)
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.plot(np.append(angles, angles[0]), np.append(values, values[0]), color=COLOURS["party_org"])
    ax.fill(angles, values, color=COLOURS["party_org"], alpha=0.25)
    ax.set_xticks(angles, [_label(key, lang) for key in scores.index])
    ax.set_ylim(0, 1)
    ax.set_yticks([0.25, 0.5, 0.75, 1.0], ["25%", "50%", "75%", "100%"], fontsize="small")
    ax.set_title(title or t("plots.radar.title", lang))
    return fig


# ── sensitivity ───────────────────────────────────────────────────────────────────────────────


def tornado(
    effects: pd.DataFrame,
    *,
    baseline: float = 0.0,
    title: str | None = None,
    xlabel: str | None = None,
    lang: str = "zh",
) -> Figure:
    """Horizontal bars of the outcome with each factor at its low and high setting.

    ``effects`` has columns ``factor, low, high`` (outcomes, or changes when ``baseline`` is 0);
    bars start at ``baseline``; the factor with the widest swing is on top.
    """
    lang = check_lang(lang)
    data = effects.assign(swing=(effects["high"] - effects["low"]).abs()).sort_values("swing")
    y = np.arange(len(data))
    fig = _figure(7, 0.45 * len(data) + 1.6)
    ax = fig.add_subplot()
    for side in ("low", "high"):
        ax.barh(
            y,
            data[side] - baseline,
            left=baseline,
            color=COLOURS[side],
            alpha=0.85,
            label=t(f"plots.tornado.{side}", lang),
        )
    ax.axvline(baseline, color="black", linewidth=0.8)
    ax.set_yticks(y, [_label(factor, lang) for factor in data["factor"]])
    ax.set_xlabel(xlabel or t("plots.tornado.effect", lang))
    ax.set_title(title or t("plots.tornado.title", lang))
    ax.legend(fontsize="small")
    return fig


# ── the organisation graph ────────────────────────────────────────────────────────────────────

Point = tuple[float, float]


def _coverage(units: pd.DataFrame) -> pd.Series:
    """Each unit's coverage class (:data:`COVERAGE`) from :func:`workbench.graph.unit_table`."""
    own = units["org_covered"] & ~units["joint_only"]
    classes = np.select([own, units["joint_only"], units["work_covered"]], COVERAGE[:3], COVERAGE[3])
    return pd.Series(classes, index=units.index)


def org_graph(graph: nx.MultiDiGraph, *, community: str | None = None, lang: str = "zh") -> Figure:
    """The organisation graph (:func:`workbench.graph.build_graph`) in layers: street →
    communities → Party organisations → units.

    Each organisation sits beside the units it covers (solid links) or prepares for (dashed);
    units are coloured by coverage: own organisation, joint branch, instructor only, none.
    Organisations in preparation are hollow. ``community`` (an id, a name or a node key) draws
    that community alone. With more than ``MAX_UNITS_DRAWN`` units, each community's units are
    drawn as one count per coverage class and only organisations covering no unit (community
    branches) are kept. Raises ValueError for an unknown community, or for more than
    ``MAX_COMMUNITIES_DRAWN`` communities at once.
    """
    lang = check_lang(lang)
    communities = node_table(graph, "community")[["id", "name"]]
    title = t("plots.org.title", lang)
    if community is not None:
        keys = communities["id"].map(lambda ident: node("community", ident))
        chosen = (communities["id"] == community) | (communities["name"] == community) | (keys == community)
        communities = communities[chosen]
        if communities.empty:
            raise ValueError(f"no community {community!r} in the graph")
        title += f" · {communities['name'].iloc[0]}"
    if len(communities) > MAX_COMMUNITIES_DRAWN:
        raise ValueError(f"{len(communities)} communities are too many to draw at once; pass community=")
    units = unit_table(graph)
    units = units[units["community"].isin(communities["id"])].assign(coverage=_coverage)
    orgs = org_table(graph)
    links = pd.concat(
        [edge_table(graph, "covers").assign(solid=True), edge_table(graph, "prepares").assign(solid=False)]
    )
    layout = _OrgLayout(lang, aggregate=community is None and len(units) > MAX_UNITS_DRAWN)
    top, centres = 0.0, []
    for ident, name in communities.itertuples(index=False):
        centre, height = layout.community(
            name, orgs[orgs["community"] == ident], units[units["community"] == ident], links, top
        )
        centres.append(centre)
        top -= height + 0.6
    if community is None:
        for _, street in node_table(graph, "street").iterrows():
            spos = layout.point(0, float(np.mean(centres)) if centres else 0.0, "street", street["name"])
            layout.links += [(spos, (1, y), True) for y in centres]
            for i, org in enumerate(orgs[orgs["community"].isna()].itertuples()):
                layout.links.append((spos, layout.org(org, 1.2 + i), True))
    return layout.draw(title)


class _OrgLayout:
    """The drawn nodes (x = layer 0–3, y = row, category, label) and the links between them."""

    def __init__(self, lang: str, *, aggregate: bool) -> None:
        self.lang, self.aggregate = lang, aggregate
        self.points: list[tuple[float, float, str, str]] = []
        self.links: list[tuple[Point, Point, bool]] = []  # from, to, solid

    def point(self, x: float, y: float, category: str, label: str) -> Point:
        self.points.append((x, y, category, label))
        return (x, y)

    def org(self, org, y: float) -> Point:
        return self.point(2, y, "preparing" if org.status == "preparing" else "party_org", org.name)

    def community(
        self, name: str, orgs: pd.DataFrame, units: pd.DataFrame, links: pd.DataFrame, top: float
    ) -> tuple[float, float]:
        """Place one community block from row ``top`` down; return its centre row and height.

        Rows: organisations covering no unit, then each other organisation with its units, then
        the units no organisation reaches (or, aggregated, one row per coverage class)."""
        links = links[links["source"].isin(orgs["id"]) & links["target"].isin(units["id"])]
        holders = orgs["id"].isin(links["source"])
        y = top
        org_pos, unit_pos, loose = {}, {}, []
        for org in orgs[~holders].sort_values("name").itertuples():
            org_pos[org.id], y = self.org(org, y), y - 1
        if self.aggregate:
            counts = units["coverage"].value_counts().reindex(COVERAGE).dropna()
            for category, count in counts.items():
                label = t(f"plots.coverage.{category}", self.lang)
                loose.append(
                    self.point(
                        3, y, category, t("plots.org.aggregate", self.lang, label=label, count=int(count))
                    )
                )
                y -= 1
        else:
            first = links.drop_duplicates("target").groupby("source")["target"].agg(list)
            for org in orgs[holders].sort_values("name").itertuples():
                mine = units[units["id"].isin(first.get(org.id, []))].sort_values("name")
                rows = y - np.arange(max(len(mine), 1))
                org_pos[org.id] = self.org(org, float(rows.mean()))
                for unit, row in zip(mine.itertuples(), rows, strict=False):
                    unit_pos[unit.id] = self.point(3, row, unit.coverage, unit.name)
                y = rows[-1] - 1
            rest = units[~units["id"].isin(links["target"])]
            rest = rest.assign(rank=rest["coverage"].map(COVERAGE.index)).sort_values(["rank", "name"])
            for unit in rest.itertuples():
                loose.append(self.point(3, y, unit.coverage, unit.name))
                y -= 1
            self.links += [
                (org_pos[s], unit_pos[u], solid)
                for s, u, solid in links[["source", "target", "solid"]].itertuples(index=False)
            ]
        height = max(top - y, 1)
        cpos = self.point(1, top - (height - 1) / 2, "community", name)
        self.links += [(cpos, pos, True) for pos in org_pos.values()]
        self.links += [(cpos, pos, self.aggregate) for pos in loose]
        return cpos[1], height

    def draw(self, title: str) -> Figure:
        ys = [p[1] for p in self.points] or [0.0]
        fig = _figure(12, min(max(4.0, 0.26 * (max(ys) - min(ys)) + 1.6), 40))
        ax = fig.add_subplot()
        ax.set_axis_off()
        for solid in (True, False):
            segments = [(a, b) for a, b, s in self.links if s is solid]
            style = "solid" if solid else "dashed"
            ax.add_collection(LineCollection(segments, colors="#bdbdbd", linewidths=0.8, linestyles=style))
        for category in ("street", "community", "party_org", "preparing", *COVERAGE):
            points = np.array([p[:2] for p in self.points if p[2] == category]).reshape(-1, 2)
            if len(points):
                edge = COLOURS["party_org"] if category == "preparing" else "white"
                size = 45 if category in COVERAGE else 90
                ax.scatter(
                    *points.T,
                    s=size,
                    color=COLOURS[category],
                    edgecolors=edge,
                    zorder=2,
                    label=self.legend(category),
                )
        for x, y, _, label in self.points:
            ax.text(x + 0.05, y, label, va="center", fontsize=8, zorder=3)
        ax.set_xlim(-0.1, 3.9)
        ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
        ax.set_title(title)
        return fig

    def legend(self, category: str) -> str:
        sheets = {"street": STREET, "community": COMMUNITIES, "party_org": PARTY_ORGS}
        if category in sheets:
            return sheets[category].title(self.lang)
        if category == "preparing":
            return t("plots.org.preparing", self.lang)
        return t(f"plots.coverage.{category}", self.lang)


# ── allocation ────────────────────────────────────────────────────────────────────────────────


def budget_curve(table: pd.DataFrame, *, lang: str = "zh") -> Figure:
    """Indicators met against the street budget, one line per method, the optimum drawn bold.

    ``table`` is :func:`workbench.engines.baselines.budget_curve`'s: columns ``budget`` (yuan a
    year), ``method`` and ``per_year`` (rubric-weighted indicators met, mean over the plan years).
    """
    lang = check_lang(lang)
    fig = _figure(7, 4)
    ax = fig.add_subplot()
    for method, rows in table.sort_values("budget").groupby("method", sort=False):
        bold = method == "optimum"
        ax.plot(
            rows["budget"],
            rows["per_year"],
            marker="o",
            linewidth=2.6 if bold else 1.2,
            zorder=3 if bold else 2,
            label=t(f"allocation.method.{method}", lang),
        )
    ax.xaxis.set_major_formatter("{x:,.0f}")
    ax.set_xlabel(t("allocation.curve.budget", lang))
    ax.set_ylabel(t("allocation.curve.met", lang))
    ax.set_title(t("allocation.curve.title", lang))
    ax.legend(fontsize="small")
    return fig


# ── scenario comparison ───────────────────────────────────────────────────────────────────────

SOURCE_COLOURS = {"street": "#c62828", "cobuilding": "#1e88e5", "grant": "#ffb300"}


def scenario_lines(
    table: pd.DataFrame,
    *,
    have: str = "all",
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> Figure:
    """Expected communities meeting ``have`` (``"all"``: all five) each year, one line per scenario.

    ``table`` is :meth:`workbench.compare.Comparison.by_year`'s: columns ``scenario, have, year,
    expected, communities``. ``names`` maps scenario names to the titles shown.
    """
    lang = check_lang(lang)
    rows = table[table["have"] == have]
    if rows.empty:
        raise ValueError(f"the table has no rows of have {have!r}")
    fig = _figure(7, 4)
    ax = fig.add_subplot()
    for scenario, lines in rows.groupby("scenario", sort=False):
        label = scenario if names is None else names.get(scenario, scenario)
        ax.plot(lines["year"], lines["expected"], marker="o", markersize=3, label=str(label))
    ax.set_ylim(0, rows["communities"].max() * 1.05)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t("plots.year", lang))
    ax.set_ylabel(t("compare.chart.communities", lang))
    shown = t("compare.have.all", lang) if have == "all" else _label(have, lang)
    ax.set_title(t("compare.chart.lines", lang, have=shown))
    ax.legend(fontsize="small")
    return fig


def cost_bars(table: pd.DataFrame, *, names: Mapping[str, str] | None = None, lang: str = "zh") -> Figure:
    """Money over the horizon by source kind, one stacked bar per scenario, the total at its end.

    ``table`` is :meth:`workbench.compare.Comparison.cost`'s: columns ``scenario, source, cost``
    (yuan). ``names`` maps scenario names to the titles shown.
    """
    lang = check_lang(lang)
    wide = table.pivot_table(index="scenario", columns="source", values="cost", aggfunc="sum", sort=False)
    wide = wide.iloc[::-1]  # the first scenario on top
    fig = _figure(7, 0.55 * len(wide) + 1.6)
    ax = fig.add_subplot()
    y = np.arange(len(wide))
    left = np.zeros(len(wide))
    for source in wide.columns:
        values = wide[source].fillna(0.0).to_numpy()
        ax.barh(
            y,
            values,
            left=left,
            color=SOURCE_COLOURS.get(source),
            label=t(f"compare.source.{source}", lang),
        )
        left += values
    for row, total in zip(y, left, strict=True):
        ax.text(total, row, f" {total:,.0f}", va="center", fontsize="small")
    labels = [str(s if names is None else names.get(s, s)) for s in wide.index]
    ax.set_yticks(y, labels)
    ax.set_xlim(0, max(left.max(), 1.0) * 1.25)
    ax.xaxis.set_major_formatter("{x:,.0f}")
    ax.set_xlabel(t("compare.chart.yuan", lang))
    ax.set_title(t("compare.chart.cost", lang))
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


# ── succession ────────────────────────────────────────────────────────────────────────────────


def age_pyramid(counts: pd.DataFrame, *, title: str | None = None, lang: str = "zh") -> Figure:
    """Two age profiles back to back: ``counts`` is indexed by each age band's lowest age and has
    two columns (e.g. today and in ten years; their names are the legend), the first drawn to the
    left. Raises ValueError unless there are exactly two columns."""
    lang = check_lang(lang)
    if counts.shape[1] != 2:
        raise ValueError(f"an age pyramid needs two columns, not {list(counts.columns)}")
    ages = counts.index.to_numpy(dtype=int)
    step = int(np.diff(ages).min()) if len(ages) > 1 else 5
    fig = _figure(6, 0.28 * len(ages) + 1.6)
    ax = fig.add_subplot()
    (left, right), colours = counts.columns, (COLOURS["low"], COLOURS["high"])
    for sign, column, colour in ((-1, left, colours[0]), (1, right, colours[1])):
        ax.barh(
            ages,
            sign * counts[column].to_numpy(dtype=float),
            height=step * 0.9,
            color=colour,
            label=str(column),
        )
    widest = float(np.nanmax(counts.to_numpy(dtype=float), initial=1))
    ax.set_xlim(-widest * 1.1, widest * 1.1)
    ax.xaxis.set_major_formatter(lambda x, _: f"{abs(x):g}")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(ages, [f"{a}–{a + step - 1}" for a in ages], fontsize="small")
    ax.set_ylabel(t("succession.pyramid.age", lang))
    ax.set_xlabel(t("succession.pyramid.people", lang))
    ax.set_title(title or t("succession.pyramid.title", lang))
    ax.legend(fontsize="small")
    return fig


def risk_heatmap(risk: pd.DataFrame, *, title: str | None = None, lang: str = "zh") -> Figure:
    """Community × year matrix of a share where more is worse (``succession_risk``): ``risk`` is
    indexed by community name with one column per year, values 0–1 (grey when missing)."""
    lang = check_lang(lang)
    values = risk.to_numpy(dtype=float, na_value=np.nan)
    n_rows, n_cols = values.shape
    small = n_rows <= MAX_ANNOTATED_ROWS
    fig = _figure(0.55 * n_cols + 3.5, min(0.4 * n_rows + 1.6, 24))
    ax = fig.add_subplot()
    cmap = ListedColormap(mpl.colormaps["RdYlGn_r"](np.linspace(0.2, 0.8, 256))).with_extremes(bad="#dddddd")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(n_cols), [str(c) for c in risk.columns], rotation=90, fontsize="small")
    ax.set_yticks(range(n_rows) if small else [], [str(i) for i in risk.index] if small else [])
    ax.set_xlabel(t("plots.year", lang))
    fig.colorbar(image, ax=ax, format=PercentFormatter(1.0), shrink=0.8)
    ax.set_title(title or _label("succession_risk", lang))
    return fig


# ── joint branches ─────────────────────────────────────────────────────────────────────────────


def joint_branches(
    assignment: pd.DataFrame,
    *,
    units: Mapping[str, str] | None = None,
    communities: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> Figure:
    """A proposed grouping (:attr:`workbench.engines.grouping.Grouping.assignment`) as a picture.

    Each community is a column of its candidate units (dot size: full members); the units of one
    joint branch share a colour and are joined by a line, also across neighbouring communities;
    units left out are hollow and grey. ``units`` and ``communities`` map ids to the names shown.
    """
    lang = check_lang(lang)
    units, communities = units or {}, communities or {}
    order = sorted(assignment["community"].unique())
    rows = assignment.assign(
        x=assignment["community"].map(order.index),
        y=-assignment.groupby("community").cumcount().to_numpy(dtype=float),
    )
    fig = _figure(max(4.0, 1.9 * len(order) + 1.5), max(3.0, 0.45 * (1 - rows["y"].min()) + 1.4))
    ax = fig.add_subplot()
    ax.set_axis_off()
    colours = mpl.colormaps["tab10"]
    grouped = rows[rows["group"] >= 0].sort_values(["x", "y"], ascending=[True, False])
    for number, (_, group) in enumerate(grouped.groupby("group")):
        colour = colours(number % colours.N)
        ax.plot(group["x"], group["y"], color=colour, linewidth=1.5, alpha=0.6, zorder=1)
        ax.scatter(group["x"], group["y"], s=60 * group["members"], color=colour, zorder=2)
    left = rows[rows["group"] < 0]
    ax.scatter(
        left["x"], left["y"], s=60 * left["members"], facecolors="white", edgecolors=COLOURS["none"], zorder=2
    )
    for row in rows.itertuples():
        label = f"{units.get(row.unit, row.unit)} ({row.members})"
        ax.text(row.x + 0.08, row.y, label, va="center", fontsize=8, zorder=3)
    for x, community in enumerate(order):
        ax.text(x, 0.9, communities.get(community, community), ha="center", fontweight="bold")
    ax.set_xlim(-0.4, len(order) - 0.1)
    ax.set_ylim(rows["y"].min() - 0.8, 1.5)
    groups = rows.loc[rows["group"] >= 0, "group"].nunique()
    ax.set_title(t("coverage.chart.title", lang, groups=groups))
    fig.text(0.01, 0.01, t("coverage.chart.note", lang), fontsize="small")
    return fig
