"""What money can buy and where the money comes from: the cost catalogue and the funds of a plan.

The **catalogue** (``data/costs/default.yaml``, editable) lists items — signage, a television, 20 m²
of activity space, a service project a year … — each with its cost in yuan, whether it is paid once
or every year, the figures of :mod:`workbench.figures` it moves and by how much, and how many a
community may have. :func:`load_catalogue` checks every field and raises :class:`CostError` naming
the item and field.

The **funds** are sources of yuan per plan year: the street's own budget (the lever), the pledges of
co-building units (tied to their community, from the ``cobuilding`` sheet) and higher-level grants
(possibly tied to items by tag, e.g. venue items only). Each source says whether unspent money
carries over to the next year. :func:`make_funds` builds them from a ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import paths, schema
from ._errors import PlanningError
from .figures import FIGURES
from .ledger import Ledger

COSTS = paths.DATA / "costs"
PER = ("once", "year")
SCALES = ("units", "key_posts")
CAPACITIES = ("unready_reserves", "units_without_work_coverage")
DERIVED = (
    "space_per_100_households",
    "two_machines_one_room",
    "funds_per_household",
    "non_street_funds_share",
)
"""Figures computed from others; an item moves their inputs, never them."""
FUNDS_FIGURE = "funds_total"
"""Money paid into a community's funds: street money counts as street funds, other money not."""
SOURCE_KINDS = ("street", "cobuilding", "grant")
_ITEM_KEYS = ("label", "cost", "per", "effects", "limit", "lag", "tags", "note")


class CostError(PlanningError):
    """The cost catalogue or the funds are malformed; the message names the item and field."""


@dataclass(frozen=True)
class Effect:
    """Each unit of an item adds ``add`` to ``figure`` (divided by the community's ``scale``)."""

    figure: str
    add: float
    scale: str | None = None


@dataclass(frozen=True)
class Item:
    """One thing money can buy; ``limit`` is a number or a capacity name (:data:`CAPACITIES`)."""

    id: str
    label: Mapping[str, str]
    cost: float
    per: str
    effects: tuple[Effect, ...]
    limit: float | str
    lag: int = 0
    tags: tuple[str, ...] = ()
    note: str = ""

    @property
    def yearly(self) -> bool:
        return self.per == "year"


@dataclass(frozen=True)
class Catalogue:
    """The items of a cost catalogue, in file order."""

    name: str
    items: tuple[Item, ...]
    price_year: int | None = None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def table(self, lang: str = "zh") -> pd.DataFrame:
        """One row per item: label, cost, per, figures moved, limit, tags, note."""
        return pd.DataFrame(
            {
                "item": self.ids,
                "label": [i.label[lang] for i in self.items],
                "cost": [i.cost for i in self.items],
                "per": [i.per for i in self.items],
                "figures": [", ".join(e.figure for e in i.effects) for i in self.items],
                "limit": [i.limit for i in self.items],
                "tags": [", ".join(i.tags) for i in self.items],
                "note": [i.note for i in self.items],
            }
        )


def load_catalogue(name_or_path: str | Path = "default") -> Catalogue:
    """The catalogue named ``name_or_path`` (in ``data/costs``) or read from a YAML path.

    Raises :class:`CostError` naming the file, item and field of the first problem.
    """
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = COSTS / f"{name_or_path}.yaml"
    if not path.is_file():
        raise CostError(f"no cost catalogue at {path}")
    try:
        doc = paths.read_yaml(path)
    except yaml.YAMLError as error:
        raise CostError(f"{path}: YAML syntax error: {error}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), dict) or not doc["items"]:
        raise CostError(f"{path}: expected a mapping with a non-empty 'items' mapping")
    items = tuple(_item(str(key), spec, path) for key, spec in doc["items"].items())
    return Catalogue(str(doc.get("name", path.stem)), items, doc.get("price_year"))


def catalogue_from_dict(items: Mapping[str, Mapping], *, name: str = "custom") -> Catalogue:
    """A catalogue from item specs written as in the YAML file (for code and tests)."""
    return Catalogue(name, tuple(_item(key, spec, name) for key, spec in items.items()))


def _item(key: str, spec: object, where: object) -> Item:
    def fail(field: str, message: str) -> CostError:
        return CostError(f"{where}: item '{key}', field '{field}': {message}")

    if not isinstance(spec, dict):
        raise fail("-", "expected a mapping of fields")
    for field in spec:
        if field not in _ITEM_KEYS:
            raise fail(field, f"unknown field; allowed: {', '.join(_ITEM_KEYS)}")
    label = spec.get("label", {"zh": key, "en": key})
    if (
        not isinstance(label, dict)
        or set(label) != {"zh", "en"}
        or not all(isinstance(v, str) for v in label.values())
    ):
        raise fail("label", "expected {zh: …, en: …} (put a label holding a comma in quotes)")
    cost = spec.get("cost")
    if isinstance(cost, bool) or not isinstance(cost, int | float) or not cost > 0:
        raise fail("cost", f"expected a positive number of yuan, got {cost!r}")
    per = spec.get("per", "once")
    if per not in PER:
        raise fail("per", f"expected one of {', '.join(PER)}, got {per!r}")
    raw = spec.get("effects")
    if not isinstance(raw, list) or not raw:
        raise fail("effects", "expected a non-empty list of {figure, add}")
    effects = tuple(_effect(e, fail) for e in raw)
    limit = spec.get("limit")
    booleans = any(FIGURES[e.figure].boolean for e in effects)
    if isinstance(limit, str):
        if limit not in CAPACITIES:
            raise fail("limit", f"unknown capacity {limit!r}; use a number or one of {', '.join(CAPACITIES)}")
    elif isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise fail("limit", f"expected a whole number ≥ 1 or a capacity name, got {limit!r}")
    elif booleans and limit != 1:
        raise fail("limit", "an item that sets a yes/no figure has limit 1")
    lag = spec.get("lag", 0)
    if isinstance(lag, bool) or not isinstance(lag, int) or lag < 0:
        raise fail("lag", f"expected a whole number of years ≥ 0, got {lag!r}")
    if any(e.figure == FUNDS_FIGURE for e in effects) and (per != "year" or lag or len(effects) > 1):
        raise fail(
            "effects", f"an item paying into {FUNDS_FIGURE} is paid every year, with no lag or other effect"
        )
    tags = spec.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("tags", "expected a list of words")
    return Item(key, label, float(cost), per, effects, limit, lag, tuple(tags), str(spec.get("note", "")))


def _effect(raw: object, fail) -> Effect:
    if not isinstance(raw, dict) or set(raw) - {"figure", "add", "scale"}:
        raise fail("effects", f"expected {{figure, add, scale}}, got {raw!r}")
    figure, add, scale = raw.get("figure"), raw.get("add"), raw.get("scale")
    if figure not in FIGURES:
        raise fail("effects", f"unknown figure {figure!r}")
    if figure in DERIVED:
        raise fail("effects", f"{figure} is computed from other figures; move those instead")
    if isinstance(add, bool) or not isinstance(add, int | float) or not add > 0:
        raise fail("effects", f"{figure}: expected add > 0, got {add!r}")
    if FIGURES[figure].boolean and add != 1:
        raise fail("effects", f"{figure} is yes/no: add must be 1")
    if scale is not None and scale not in SCALES:
        raise fail("effects", f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    return Effect(figure, float(add), scale)


# --- funds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A source of yuan per plan year.

    ``community`` ties it to one community (a co-building pledge); ``tags`` ties it to items with
    one of those tags or ids (a venue grant); ``carry_over`` lets unspent money roll over.
    """

    id: str
    kind: str
    amounts: tuple[float, ...]
    community: str | None = None
    tags: tuple[str, ...] | None = None
    carry_over: bool = True

    def pays_for(self, item: Item) -> bool:
        return self.tags is None or item.id in self.tags or bool(set(item.tags) & set(self.tags))

    @property
    def street(self) -> bool:
        return self.kind == "street"


@dataclass(frozen=True)
class Funds:
    """The sources of one plan; every source has one amount per plan year."""

    sources: tuple[Source, ...]

    @property
    def years(self) -> int:
        return len(self.sources[0].amounts) if self.sources else 0

    def amounts(self) -> np.ndarray:
        """Yuan per (source, year)."""
        return np.array([s.amounts for s in self.sources], dtype=float).reshape(len(self.sources), -1)

    def kind_of(self, source_id: str) -> str:
        return next(s.kind for s in self.sources if s.id == source_id)

    def table(self) -> pd.DataFrame:
        """One row per source and year: source, kind, community, year (1-based), amount."""
        return pd.DataFrame(
            [
                (s.id, s.kind, s.community, year + 1, amount)
                for s in self.sources
                for year, amount in enumerate(s.amounts)
            ],
            columns=["source", "kind", "community", "year", "amount"],
        )


def _per_year(amount: float | Sequence[float], years: int, what: str) -> tuple[float, ...]:
    values = np.broadcast_to(np.asarray(amount, dtype=float), (years,)) if np.ndim(amount) == 0 else amount
    values = tuple(float(v) for v in values)
    if len(values) != years or not all(np.isfinite(v) and v >= 0 for v in values):
        raise CostError(f"{what}: expected {years} non-negative amounts of yuan, got {amount!r}")
    return values


def make_funds(
    ledger: Ledger,
    *,
    budget: float | Sequence[float],
    years: int,
    grants: Sequence[Source | Mapping] = (),
    cobuilding: bool = True,
    carry_over: bool = True,
) -> Funds:
    """The funds of a plan over ``years`` years.

    ``budget`` is the street's yuan a year (or one amount per year). With ``cobuilding`` each
    community's pledges (``cobuilding.pledged``, yuan/year) become a source tied to it. ``grants``
    are :class:`Source` objects or mappings ``{id, amount, tags, community}``. ``carry_over``
    says whether unspent street and co-building money rolls over (grants say it themselves).
    """
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise CostError(f"years: expected a whole number ≥ 1, got {years!r}")
    sources = [Source("street", "street", _per_year(budget, years, "budget"), carry_over=carry_over)]
    if cobuilding:
        pledges = ledger.cobuilding.dropna(subset=["pledged"])
        known = set(ledger.communities["id"])
        for community, pledged in pledges.groupby("community", sort=True)["pledged"].sum().items():
            if community in known and pledged > 0:
                amounts = _per_year(pledged, years, f"cobuilding {community}")
                sources.append(
                    Source(f"cobuilding:{community}", "cobuilding", amounts, community, None, carry_over)
                )
    for grant in grants:
        sources.append(grant if isinstance(grant, Source) else _grant(grant, years))
    ids = [s.id for s in sources]
    if len(set(ids)) != len(ids):
        raise CostError(f"source ids must be unique, got {ids}")
    for source in sources:
        _per_year(source.amounts, years, source.id)
        if source.kind not in SOURCE_KINDS:
            raise CostError(f"{source.id}: kind must be one of {', '.join(SOURCE_KINDS)}")
    return Funds(tuple(sources))


def _grant(spec: Mapping, years: int) -> Source:
    unknown = set(spec) - {"id", "amount", "tags", "community", "carry_over"}
    if unknown or "id" not in spec or "amount" not in spec:
        raise CostError(f"grant {spec!r}: expected {{id, amount, tags, community, carry_over}}")
    tags = spec.get("tags")
    return Source(
        f"grant:{spec['id']}",
        "grant",
        _per_year(spec["amount"], years, f"grant {spec['id']}"),
        spec.get("community"),
        None if tags is None else tuple(tags),
        bool(spec.get("carry_over", True)),
    )


def capacities(ledger: Ledger, figures: pd.DataFrame) -> pd.DataFrame:
    """Per community (index as ``figures``): each capacity of :data:`CAPACITIES` and each scale of
    :data:`SCALES` (units, key posts)."""
    ids = figures.index
    units = ledger.units["community"].value_counts().reindex(ids, fill_value=0).astype(float)
    cadres = ledger.cadres
    unready = cadres[
        cadres["reserve"].fillna(False).astype(bool)
        & ~cadres["ready"].fillna(False).astype(bool)
        & cadres["post"].isin(schema.KEY_POSTS)
    ]
    uncovered = np.rint(units * (1 - figures["work_coverage"].fillna(1.0)))
    return pd.DataFrame(
        {
            "unready_reserves": unready["community"].value_counts().reindex(ids, fill_value=0).astype(float),
            "units_without_work_coverage": uncovered,
            "units": units,
            "key_posts": float(len(schema.KEY_POSTS)),
        },
        index=ids,
    )
