"""The five-haves scorecard (五有达标表): every community tested against every rubric indicator.

A community **meets a have** when every *required* indicator of that have passes (when a have marks
none as required, all its indicators must pass). Its **score** for a have is the weighted share of
that have's indicators it passes; its overall score is the weighted share of all indicators. A
missing figure (NaN) fails its test.

:func:`score_figures` scores any wide table of figures — today's (index ``community``) or a
projection's (index ``run, year, community``) — vectorised over rows. :func:`scorecard` scores a
ledger and keeps the long table (community × indicator) with plain-word gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._errors import RubricError
from .figures import FIGURES
from .i18n import catalogue, check_lang, t
from .indicators import figures as ledger_figures
from .ledger import Ledger
from .rubric import OP_SIGNS, Indicator, Rubric
from .settings import RULES, Rules

TABLE_COLUMNS = (
    "community",
    "community_name",
    "have",
    "indicator",
    "label",
    "figure",
    "value",
    "op",
    "threshold",
    "passed",
    "weight",
    "required",
)


def _check_figures(figures: pd.DataFrame, rubric: Rubric) -> None:
    missing = [f for f in rubric.figures if f not in figures.columns]
    if missing:
        raise RubricError(f"{rubric.source or rubric.name}: the figures table lacks {', '.join(missing)}")


def passes(figures: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Whether each row passes each indicator: bool columns named by indicator id, same index."""
    _check_figures(figures, rubric)
    return pd.DataFrame(
        {i.id: i.passes(figures[i.figure].to_numpy(dtype=float)) for i in rubric.indicators},
        index=figures.index,
    )


def score_figures(figures: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Per row of ``figures`` (any index): ``<have>_met``, ``<have>_score`` for each have, then
    ``score`` (weighted share of all indicators met), ``haves_met`` and ``all_met``.

    ``figures`` has one float column per figure the rubric reads; NaN fails. Work is one numpy
    comparison per indicator over all rows, so a stacked (run, year, community) table is cheap.
    """
    _check_figures(figures, rubric)
    n = len(figures)
    out: dict[str, np.ndarray] = {}
    overall = np.zeros(n)
    haves_met = np.zeros(n, dtype=np.int64)
    for have in rubric.haves:
        indicators = rubric.of(have)
        deciding = {i.id for i in indicators if i.required} or {i.id for i in indicators}
        met = np.ones(n, dtype=bool)
        points = np.zeros(n)
        for indicator in indicators:
            ok = indicator.passes(figures[indicator.figure].to_numpy(dtype=float))
            points += indicator.weight * ok
            if indicator.id in deciding:
                met &= ok
        out[f"{have}_met"] = met
        out[f"{have}_score"] = points / sum(i.weight for i in indicators)
        overall += points
        haves_met += met
    out["score"] = overall / sum(i.weight for i in rubric.indicators)
    out["haves_met"] = haves_met
    out["all_met"] = haves_met == len(rubric.haves)
    return pd.DataFrame(out, index=figures.index)


@dataclass(frozen=True)
class Scorecard:
    """Today's scorecard: ``table`` is long (one row per community × indicator, TABLE_COLUMNS)."""

    table: pd.DataFrame
    figures: pd.DataFrame
    rubric: Rubric
    names: pd.Series  # community id → name
    lang: str = "zh"

    def summary(self) -> pd.DataFrame:
        """One row per community: ``community_name``, then :func:`score_figures`' columns."""
        scores = score_figures(self.figures, self.rubric)
        return scores.assign(community_name=self.names.reindex(scores.index).to_numpy())[
            ["community_name", *scores.columns]
        ]

    def street_summary(self, lang: str | None = None) -> pd.DataFrame:
        """One row per have and a last row ``all`` (all haves met): label, met, communities, rate."""
        lang = check_lang(lang or self.lang)
        summary = self.summary()
        rows = {h: (t(f"have.{h}", lang), summary[f"{h}_met"]) for h in self.rubric.haves}
        rows["all"] = (t("scorecard.all_met", lang), summary["all_met"])
        table = pd.DataFrame(
            {
                "label": [label for label, _ in rows.values()],
                "met": [int(met.sum()) for _, met in rows.values()],
                "communities": len(summary),
            },
            index=pd.Index(list(rows), name="have"),
        )
        return table.assign(rate=table["met"] / table["communities"].where(table["communities"] > 0))

    def gaps(self, lang: str | None = None) -> pd.DataFrame:
        """Plain-word gaps: one row per community and have with a failed indicator.

        Columns ``community, community_name, have, text``; ``text`` reads like
        "东村：有阵地 — 办公活动用房 38 平方米，需 ≥ 80 平方米；两机一室不全".
        """
        lang = check_lang(lang or self.lang)
        by_id = {i.id: i for i in self.rubric.indicators}
        failed = self.table[~self.table["passed"]]
        phrases = [
            gap_phrase(by_id[i], v, lang) for i, v in zip(failed["indicator"], failed["value"], strict=True)
        ]
        failed = failed.assign(phrase=phrases)
        rows = []
        for (community, have), group in failed.groupby(["community", "have"], sort=False):
            name = group["community_name"].iloc[0]
            gaps = t("rubric.gap.separator", lang).join(group["phrase"])
            text = t("rubric.gap.line", lang, community=name, have=t(f"have.{have}", lang), gaps=gaps)
            rows.append((community, name, have, text))
        return pd.DataFrame(rows, columns=["community", "community_name", "have", "text"])


def scorecard(
    ledger_or_figures: Ledger | pd.DataFrame, rubric: Rubric, *, rules: Rules = RULES, lang: str = "zh"
) -> Scorecard:
    """Score a ledger (or a figures table indexed by community) against ``rubric``."""
    check_lang(lang)
    if isinstance(ledger_or_figures, Ledger):
        figures = ledger_figures(ledger_or_figures, rules=rules)
        communities = ledger_or_figures.communities
        names = pd.Series(communities["name"].to_numpy(), index=communities["id"].to_numpy())
    else:
        figures = ledger_or_figures
        names = pd.Series(figures.index.astype(str), index=figures.index)
    return Scorecard(_long_table(figures, rubric, names, lang), figures, rubric, names, lang)


def _long_table(figures: pd.DataFrame, rubric: Rubric, names: pd.Series, lang: str) -> pd.DataFrame:
    indicators = rubric.indicators
    n, k = len(figures), len(indicators)
    passed = passes(figures, rubric).to_numpy()
    values = np.column_stack([figures[i.figure].to_numpy(dtype=float) for i in indicators])

    def per_indicator(attribute) -> np.ndarray:
        return np.tile(np.array([attribute(i) for i in indicators], dtype=object), n)

    table = pd.DataFrame(
        {
            "community": np.repeat(figures.index.to_numpy(dtype=object), k),
            "community_name": np.repeat(names.reindex(figures.index).to_numpy(dtype=object), k),
            "have": per_indicator(lambda i: i.have),
            "indicator": per_indicator(lambda i: i.id),
            "label": per_indicator(lambda i: i.label[lang]),
            "figure": per_indicator(lambda i: i.figure),
            "value": values.reshape(-1),
            "op": per_indicator(lambda i: i.op),
            "threshold": per_indicator(lambda i: np.nan if i.threshold is None else i.threshold),
            "passed": passed.reshape(-1),
            "weight": per_indicator(lambda i: i.weight),
            "required": per_indicator(lambda i: i.required),
        }
    )
    return table.astype({"threshold": float, "weight": float, "required": bool, "passed": bool})


def format_value(value: float, figure: str, lang: str = "zh", *, unit: bool = True) -> str:
    """A figure's value as a reader sees it: shares as percentages, whole numbers without
    decimals, others to one decimal, then the unit word (unless ``unit=False``); NaN reads
    "无数据"/"n/a"."""
    unit_name = FIGURES[figure].unit
    if np.isnan(value):
        return t("rubric.value.missing", lang)
    if unit_name == "share":
        return f"{value:.0%}"
    number = f"{round(value):,}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"
    return number + (t(f"rubric.unit.{unit_name}", lang) if unit and unit_name else "")


def gap_phrase(indicator: Indicator, value: float, lang: str = "zh") -> str:
    """The words for one failed indicator: the rubric's ``gap`` template, or a default one.

    Templates may use ``{label}``, ``{op}``, ``{value}`` and ``{threshold}`` (with units), and
    ``{value_number}`` and ``{threshold_number}`` (without).
    """
    threshold = np.nan if indicator.threshold is None else indicator.threshold
    if indicator.gap:
        template = indicator.gap[lang]
    else:
        template = catalogue()["rubric.gap.boolean" if indicator.op == "is_true" else "rubric.gap.numeric"][
            lang
        ]
    return template.format(
        label=indicator.label[lang],
        op=OP_SIGNS[indicator.op],
        value=format_value(value, indicator.figure, lang),
        threshold=format_value(threshold, indicator.figure, lang),
        value_number=format_value(value, indicator.figure, lang, unit=False),
        threshold_number=format_value(threshold, indicator.figure, lang, unit=False),
    )
