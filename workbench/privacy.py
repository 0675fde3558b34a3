"""Publishing tables without pointing at people: small groups suppressed or merged.

Leaders' dashboards and exported reports show aggregates only — never names, ID numbers or birth
dates. Even an aggregate can single a person out: "members under 35 in 河海's branch: 1". So a
published count of people smaller than :data:`SMALL_GROUP_THRESHOLD` (but not zero: zero people
point at no one) is either shown as "<3" or merged with the other small groups into "其他"
(Other). When exactly one group would be hidden, a total elsewhere on the page would give it away
by subtraction, so the next smallest group is hidden (or merged) with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .i18n import t

SMALL_GROUP_THRESHOLD = 3  # counts of people in 1 … threshold−1 are not published as such


def small_groups(counts: pd.Series, threshold: int = SMALL_GROUP_THRESHOLD) -> pd.Series:
    """Which rows to hide: counts in 1 … threshold−1, plus the next smallest if only one is."""
    counts = pd.to_numeric(counts)
    small = (counts >= 1) & (counts < threshold)
    rest = counts[~small & (counts >= 1)]
    if small.sum() == 1 and len(rest):
        small[rest.idxmin()] = True
    return small.fillna(False).astype(bool)


def suppress_small(
    table: pd.DataFrame,
    count_column: str,
    threshold: int = SMALL_GROUP_THRESHOLD,
    *,
    merge_on: str | None = None,
    also: Sequence[str] = (),
    lang: str = "zh",
) -> pd.DataFrame:
    """``table`` made safe to publish: groups of fewer than ``threshold`` people hidden.

    Without ``merge_on``, a small group's count reads "<3" and its ``also`` columns (figures about
    the same people, such as a mean age) are blanked. With ``merge_on`` (a label column), small
    groups become one row labelled "其他"/"Other" at the end, counting them together; rows are
    added to it from the smallest up until it reaches ``threshold`` (else its count reads "<3").
    In that row ``also`` columns are blank and other columns keep a value only if all merged rows
    share it. A table of groups within groups is made safe one outer group at a time.
    """
    hide = small_groups(table[count_column], threshold)
    if not hide.any():
        return table.copy()
    label = t("privacy.small", lang, threshold=threshold)
    if merge_on is None:
        out = table.copy()
        out[count_column] = out[count_column].astype(object).where(~hide, label)
        for column in also:
            out[column] = out[column].astype(object).where(~hide, None)
        return out
    kept, merged = table[~hide], table[hide]
    by_size = pd.to_numeric(kept[count_column]).sort_values(kind="stable")
    by_size = by_size[by_size > 0]
    needed = threshold - pd.to_numeric(merged[count_column]).sum()
    if needed > 0:
        taken = by_size.index[: int((by_size.cumsum() < needed).sum()) + 1]
        kept, merged = kept.drop(taken), pd.concat([merged, table.loc[taken]])
    total = pd.to_numeric(merged[count_column]).sum()
    row = {c: merged[c].iloc[0] if merged[c].nunique(dropna=False) == 1 else None for c in table.columns}
    row |= {c: None for c in also}
    row[merge_on] = t("privacy.other", lang)
    row[count_column] = total if total >= threshold else label
    return pd.concat([kept, pd.DataFrame([row])], ignore_index=True)
