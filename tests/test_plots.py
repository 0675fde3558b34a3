"""Charts: each returns a Figure with the expected elements, labelled in Chinese, drawn with no
missing glyph."""

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure

from workbench import plots
from workbench.graph import build_graph
from workbench.i18n import t
from workbench.ledger import Ledger
from workbench.results import long_table
from workbench.synth import sample_ledger, synthetic_ledger

HAVES = ("organisation", "venue", "team", "funding", "activities")
HAVE_LABELS = ["有组织", "有阵地", "有队伍", "有经费", "有活动（有制度）"]


def _png(fig: Figure) -> Figure:
    """Save ``fig`` to PNG with every warning (a missing glyph) raised as an error."""
    assert isinstance(fig, Figure)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    return fig


def _texts(ax) -> list[str]:
    return [text.get_text() for text in ax.texts]


def _tick_labels(labels) -> list[str]:
    return [label.get_text() for label in labels]


# ── fan chart ──


@pytest.fixture
def projection():
    rng = np.random.default_rng(0)
    values = rng.random((40, 6, 3)).cumsum(axis=1)  # runs × years × communities
    years = list(range(2003, 2009))
    table = long_table(
        {"org_coverage": values / 6}, years=years, communities=["C1", "C2", "C3"], scenario="基线"
    )
    return table, values / 6, years


def test_fan_chart_draws_median_and_band_per_community(projection):
    table, values, years = projection
    fig = _png(plots.fan_chart(table, "org_coverage", names=pd.Series({"C1": "汇丰", "C2": "燕兴"})))
    (ax,) = fig.axes
    assert len(ax.lines) == 3
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 3
    assert [text.get_text() for text in ax.get_legend().texts] == ["汇丰", "燕兴", "C3"]
    assert ax.get_title() == "单位党组织覆盖率"
    assert ax.get_xlabel() == "年份"
    x, y = ax.lines[1].get_data()
    np.testing.assert_array_equal(x, years)
    np.testing.assert_allclose(y, np.quantile(values[:, :, 1], 0.5, axis=0))
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(np.quantile(values[:, :, 0], 0.1, axis=0).min())
    assert band.max() == pytest.approx(np.quantile(values[:, :, 0], 0.9, axis=0).max())


def test_fan_chart_by_scenario_combines_communities_per_run(projection):
    table, values, _ = projection
    other = table.assign(scenario="措施", value=table["value"] * 2)
    fig = _png(plots.fan_chart(pd.concat([table, other]), "org_coverage", by="scenario", lang="en"))
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["基线", "措施"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), np.median(2 * values.mean(axis=2), axis=0))
    assert ax.get_title() == "unit organisation coverage"


def test_fan_chart_draws_on_a_given_axes(projection):
    table, _, _ = projection
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert plots.fan_chart(table, "org_coverage", ax=right) is fig
    assert len(right.lines) == 3 and not left.lines


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicator": "cadre_mean_age"}, "no rows"),
        ({"by": "unit"}, "by must be"),
        ({"quantiles": (0.9, 0.5, 0.1)}, "increasing"),
    ],
)
def test_fan_chart_rejects_what_it_cannot_draw(projection, kwargs, message):
    table, _, _ = projection
    with pytest.raises(ValueError, match=message):
        plots.fan_chart(table, **{"indicator": "org_coverage", **kwargs})


def test_fan_chart_will_not_mix_scenarios_per_community(projection):
    table, _, _ = projection
    with pytest.raises(ValueError, match="several scenarios"):
        plots.fan_chart(pd.concat([table, table.assign(scenario="B")]), "org_coverage")


# ── five-haves ──


def test_have_heatmap_marks_met_and_unmet_with_chinese_labels():
    met = pd.DataFrame(
        [[True, False, True, True, False], [False, True, True, False, True]],
        index=["汇丰", "燕兴 党總支 ２０"],
        columns=HAVES,
    )
    fig = _png(plots.have_heatmap(met))
    (ax,) = fig.axes
    assert _tick_labels(ax.get_xticklabels()) == HAVE_LABELS
    assert _tick_labels(ax.get_yticklabels()) == ["汇丰", "燕兴 党總支 ２０"]
    assert _texts(ax) == ["✓", "×", "✓", "✓", "×", "×", "✓", "✓", "×", "✓"]
    assert ax.get_title() == "各社区“五有”达标情况"


def test_have_heatmap_shows_scores_as_percentages_with_a_colour_bar():
    scores = pd.DataFrame({"organisation": [0.5, np.nan], "venue": [1.0, 0.25]}, index=["汇丰", "燕兴"])
    fig = _png(plots.have_heatmap(scores, lang="en"))
    assert len(fig.axes) == 2  # the matrix and its colour bar
    assert _texts(fig.axes[0]) == ["50%", "100%", "—", "25%"]
    assert _tick_labels(fig.axes[0].get_xticklabels()) == ["Organisation", "Venue"]


def test_have_heatmap_marks_an_unknown_answer():
    met = pd.DataFrame({"venue": pd.array([True, None], dtype="boolean")}, index=["汇丰", "燕兴"])
    (ax,) = _png(plots.have_heatmap(met)).axes
    assert _texts(ax) == ["✓", "—"]


def test_have_heatmap_of_many_communities_leaves_cells_bare():
    many = pd.DataFrame(True, index=[f"社区{i}" for i in range(plots.MAX_ANNOTATED_ROWS + 1)], columns=HAVES)
    (ax,) = _png(plots.have_heatmap(many)).axes
    assert not ax.texts and not ax.get_yticks().size


def test_radar_draws_a_closed_polygon_over_the_haves():
    scores = pd.Series([0.2, 0.5, 1.0, 0.75, 0.0], index=HAVES)
    fig = _png(plots.radar(scores, title="汇丰社区"))
    (ax,) = fig.axes
    assert ax.name == "polar"
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_ydata(), [0.2, 0.5, 1.0, 0.75, 0.0, 0.2])
    assert _tick_labels(ax.get_xticklabels()) == HAVE_LABELS
    assert ax.get_title() == "汇丰社区"


def test_tornado_puts_the_widest_swing_on_top():
    effects = pd.DataFrame(
        {"factor": ["org_coverage", "退休年龄", "其他"], "low": [-0.1, -0.3, 0.0], "high": [0.2, 0.4, 0.05]}
    )
    fig = _png(plots.tornado(effects, baseline=0.0))
    (ax,) = fig.axes
    assert len(ax.patches) == 6
    assert _tick_labels(ax.get_yticklabels()) == ["其他", "单位党组织覆盖率", "退休年龄"]
    top_low, top_high = ax.patches[2], ax.patches[5]
    assert (top_low.get_x(), top_low.get_width()) == pytest.approx((0.0, -0.3))
    assert (top_high.get_x(), top_high.get_width()) == pytest.approx((0.0, 0.4))
    assert [text.get_text() for text in ax.get_legend().texts] == ["取低值", "取高值"]


# ── organisation graph ──


def _street(units_per_community: int = 6) -> nx.MultiDiGraph:
    """Two communities; in each a community branch, an own organisation covering unit 0, a joint
    branch covering units 1–2, an organisation in preparation for unit 3, and the other units
    alternately with an instructor (odd) or with nothing (even)."""
    communities, units = [], []
    orgs = [("W", "示范街道党工委", "working_committee", None, None, "established", None)]
    for c, name in (("C1", "汇丰"), ("C2", "燕兴")):
        communities.append((c, f"{name}社区", 1000))
        units += [
            (f"{c}U{i}", f"{name}单位{i}", c, "non_public_enterprise", i % 2 == 1)
            for i in range(units_per_community)
        ]
        orgs += [
            (f"{c}B", f"{name}社区党支部", "branch", "W", c, "established", None),
            (f"{c}O", f"{name}一厂党支部", "branch", f"{c}B", c, "established", f"{c}U0"),
            (f"{c}J", f"{name}联合支部", "joint_branch", f"{c}B", c, "established", f"{c}U1;{c}U2"),
            (f"{c}P", f"{name}二厂党支部", "branch", f"{c}B", c, "preparing", f"{c}U3"),
        ]
    ledger = Ledger.from_tables(
        street=pd.DataFrame({"id": ["S"], "name": ["示范街道"], "year": [2003]}),
        communities=pd.DataFrame(communities, columns=["id", "name", "households"]),
        units=pd.DataFrame(units, columns=["id", "name", "community", "kind", "instructor"]),
        party_orgs=pd.DataFrame(
            orgs, columns=["id", "name", "kind", "parent", "community", "status", "units"]
        ),
    )
    return build_graph(ledger)


def _points(ax) -> dict[str, int]:
    """Legend label → number of nodes drawn in that colour."""
    return {c.get_label(): len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)}


def test_org_graph_draws_every_node_in_layers_coloured_by_coverage():
    g = _street()
    fig = _png(plots.org_graph(g))
    (ax,) = fig.axes
    assert sorted(_texts(ax)) == sorted(name for _, name in g.nodes(data="name"))
    x = {text.get_text(): round(text.get_position()[0]) for text in ax.texts}
    assert (x["示范街道"], x["汇丰社区"], x["汇丰联合支部"], x["燕兴单位5"]) == (0, 1, 2, 3)
    assert _points(ax) == {
        "街道": 1,
        "社区": 2,
        "党组织": 1 + 2 * 3,
        t("plots.org.preparing"): 2,
        t("plots.coverage.own"): 2,
        t("plots.coverage.joint"): 4,
        t("plots.coverage.instructor"): 4,  # units 3 (only in preparation) and 5
        t("plots.coverage.none"): 2,
    }
    assert [text.get_text() for text in ax.get_legend().texts] == list(_points(ax))


def test_org_graph_puts_each_organisation_beside_its_units():
    (ax,) = _png(plots.org_graph(_street())).axes
    y = {text.get_text(): text.get_position()[1] for text in ax.texts}
    assert y["汇丰联合支部"] == pytest.approx((y["汇丰单位1"] + y["汇丰单位2"]) / 2)
    assert y["汇丰一厂党支部"] == y["汇丰单位0"]
    assert y["汇丰社区"] > y["燕兴社区"]


def test_org_graph_of_one_community():
    fig = _png(plots.org_graph(_street(), community="C2", lang="en"))
    (ax,) = fig.axes
    names = ["燕兴社区", "燕兴社区党支部", "燕兴一厂党支部", "燕兴联合支部", "燕兴二厂党支部"]
    assert sorted(_texts(ax)) == sorted(names + [f"燕兴单位{i}" for i in range(6)])
    assert ax.get_title().endswith("燕兴社区")
    assert "Own organisation" in [text.get_text() for text in ax.get_legend().texts]
    assert plots.org_graph(_street(), community="汇丰社区").axes[0].get_title().endswith("汇丰社区")
    with pytest.raises(ValueError, match="no community"):
        plots.org_graph(_street(), community="C9")


def test_org_graph_of_many_units_counts_them_per_community():
    per_community = plots.MAX_UNITS_DRAWN // 2 + 1
    texts = _texts(_png(plots.org_graph(_street(per_community))).axes[0])
    odd = (per_community - 3) // 2  # units 3, 5, … have an instructor; 4, 6, … nothing
    expected = {"own": 1, "joint": 2, "instructor": odd, "none": per_community - 3 - odd}
    for category, count in expected.items():
        assert texts.count(t("plots.org.aggregate", label=t(f"plots.coverage.{category}"), count=count)) == 2
    assert "汇丰联合支部" not in texts and "汇丰社区党支部" in texts  # only community branches kept
    assert len(texts) == 1 + 1 + 2 * (1 + 1 + 4)  # street, its committee, 2 × (community, branch, 4 counts)


def test_org_graph_of_the_sample_street_draws_all_its_units():
    graph = build_graph(sample_ledger())
    texts = _texts(_png(plots.org_graph(graph)).axes[0])
    assert sorted(texts) == sorted(name for _, name in graph.nodes(data="name"))


def test_org_graph_refuses_too_many_communities():
    with pytest.raises(ValueError, match="too many"):
        plots.org_graph(build_graph(synthetic_ledger(plots.MAX_COMMUNITIES_DRAWN + 1, seed=0)))
