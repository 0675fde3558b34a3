"""The organisation graph (组织关系图): a networkx view of the ledger, and the tables read from it.

:func:`build_graph` turns a :class:`~workbench.ledger.Ledger` into a ``networkx.MultiDiGraph``.
Node keys carry a prefix so that ids of different sheets never clash; the node attribute ``kind``
says what a node is, and ``id`` holds the ledger id:

=========  ==================  ==============================================================
kind       key                 attributes (besides ``kind`` and ``id``)
=========  ==================  ==============================================================
street     ``street:<id>``     name, district, year
community  ``community:<id>``  every column of the communities sheet except ``neighbours``
unit       ``unit:<id>``       name, community, unit_kind, employees, young_employees, trade,
                               instructor (a blank cell is ``False``), full_members (full
                               members whose work unit is this unit)
party_org  ``org:<id>``        name, org_kind, parent, community, status, founded,
                               full_members, probationary_members, last_admission_year (the
                               latest year one of its members joined; ``None`` if it has none)
=========  ==================  ==============================================================

Members are counted on the nodes, never added as nodes, so a city ledger stays small.

Edges carry ``kind``:

* ``contains`` — street → community, community → unit, community → organisation located there
  (street → organisation without a community, such as the working committee);
* ``governs`` — parent organisation → child organisation;
* ``covers`` — *established* organisation → each unit of its ``units`` cell: this is organisation
  coverage (组织覆盖), by the unit's own or a joint organisation;
* ``prepares`` — organisation *in preparation* → its units. A preparing organisation gives
  neither organisation nor work coverage; the edge only records that one is on the way;
* ``cobuilds`` — unit → community it co-builds with (共建), with ``pledged`` (yuan/year), ``since``;
* ``adjoins`` — community → neighbouring community, one edge per pair (from the smaller id), read
  from ``neighbours`` in either direction; :func:`community_adjacency` gives them undirected.

References to rows that do not exist are left out (validation reports them). The graph's own
attributes are ``street`` (id), ``name`` and ``year`` of the ledger.

Queries are functions of the graph that return DataFrames keyed by ledger ids (never node keys):
the tables :func:`node_table`, :func:`edge_table`, :func:`unit_table` (every unit and its
coverage), :func:`org_table`, :func:`community_ids`, :func:`community_adjacency`; and the
coverage questions :func:`coverage`, :func:`units_without_organisation`,
:func:`units_eligible_for_own_branch`, :func:`joint_branch_candidates`,
:func:`misfit_organisations`, :func:`branches_without_admission` and :func:`cobuilding_ties`.

Example::

    >>> from workbench.synth import sample_ledger
    >>> graph = build_graph(sample_ledger())
    >>> coverage(graph, by=()).loc[0, ["units", "org_covered", "work_covered"]].tolist()
    [49, 14, 16]
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .ledger import Ledger
from .schema import SHEETS, dtype
from .settings import RULES, Rules

PREFIX = {"street": "street", "community": "community", "unit": "unit", "party_org": "org"}
"""Node kind → prefix of its node keys."""

_UNIT_FIELDS = ("name", "community", "unit_kind", "employees", "young_employees", "trade", "instructor")
_ORG_FIELDS = ("name", "org_kind", "parent", "community", "status", "founded")
_ORG_COUNTS = ("full_members", "probationary_members", "last_admission_year")
_SHEET = {"street": "street", "community": "communities", "unit": "units", "party_org": "party_orgs"}
_COLUMNS = {
    "street": tuple(SHEETS["street"].names),
    "community": tuple(c for c in SHEETS["communities"].names if c != "neighbours"),
    "unit": ("id", *_UNIT_FIELDS, "full_members"),
    "party_org": ("id", *_ORG_FIELDS, *_ORG_COUNTS),
}
_EDGE_ATTRS = {"cobuilds": ("pledged", "since")}


def node(kind: str, ident: str) -> str:
    """The node key of the row ``ident`` of a node ``kind`` (``node("unit", "U1") == "unit:U1"``)."""
    return f"{PREFIX[kind]}:{ident}"


def build_graph(ledger: Ledger) -> nx.MultiDiGraph:
    """The organisation graph of ``ledger`` (see the module doc for its nodes and edges)."""
    street = ledger.street.iloc[0]
    graph = nx.MultiDiGraph(street=street["id"], name=street["name"], year=ledger.year)
    graph.add_node(node("street", street["id"]), **_records(ledger.street.iloc[:1], "street")[0])
    for kind, table in (
        ("community", ledger.communities.drop(columns="neighbours")),
        ("unit", _unit_rows(ledger)),
        ("party_org", _org_rows(ledger)),
    ):
        graph.add_nodes_from(zip(_keys(kind, table["id"]), _records(table, kind), strict=True))
    for kind, edges in _edge_families(ledger, node("street", street["id"])):
        edges = edges[_keys_in(graph, edges["source"]) & _keys_in(graph, edges["target"])]
        ends = zip(edges["source"], edges["target"], strict=True)
        attrs = edges.drop(columns=["source", "target"])
        if not attrs.columns.empty:
            ends = ((u, v, data) for (u, v), data in zip(ends, _records(attrs, None), strict=True))
        graph.add_edges_from(ends, kind=kind)
    return graph


def _keys(kind: str, ids: pd.Series) -> pd.Series:
    return PREFIX[kind] + ":" + ids.astype(str)


def _keys_in(graph: nx.MultiDiGraph, keys: pd.Series) -> pd.Series:
    return keys.map(graph.__contains__).astype(bool)


def _records(table: pd.DataFrame, kind: str | None) -> list[dict]:
    """Row dicts of plain Python values, blanks as ``None`` (and ``kind`` first when given)."""
    clean = table.astype(object).where(table.notna(), None)
    names = ["kind", *clean.columns] if kind is not None else list(clean.columns)
    columns = [clean[c].to_numpy() for c in clean.columns]
    if kind is not None:
        columns.insert(0, [kind] * len(clean))
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _unit_rows(ledger: Ledger) -> pd.DataFrame:
    units = ledger.units.rename(columns={"kind": "unit_kind"})
    members = ledger.members
    full = members.loc[members["status"] == "full"].groupby("unit").size()
    return units.assign(
        instructor=units["instructor"].fillna(False).astype(bool),
        full_members=full.reindex(units["id"], fill_value=0).to_numpy(),
    )


def _org_rows(ledger: Ledger) -> pd.DataFrame:
    orgs = ledger.party_orgs.rename(columns={"kind": "org_kind"}).drop(columns="units")
    members = ledger.members
    status = members["status"]
    counts = pd.DataFrame(
        {
            "full_members": status.eq("full").groupby(members["org"]).sum(),
            "probationary_members": status.eq("probationary").groupby(members["org"]).sum(),
            "last_admission_year": members["joined"].dt.year.groupby(members["org"]).max(),
        }
    )
    counts = counts.reindex(orgs["id"]).fillna({"full_members": 0, "probationary_members": 0})
    return orgs.assign(**{c: counts[c].astype("Int64").set_axis(orgs.index) for c in _ORG_COUNTS})


def _explode_refs(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per (``id``, referenced id) of a ``refs`` column."""
    cells = table[["id", column]].dropna()
    refs = cells[column].str.replace(r"[；,，、]", ";", regex=True).str.split(";")
    pairs = cells.assign(ref=refs).explode("ref")
    pairs["ref"] = pairs["ref"].str.strip()
    return pairs.loc[pairs["ref"] != "", ["id", "ref"]].reset_index(drop=True)


def _edge_families(ledger: Ledger, street: str) -> list[tuple[str, pd.DataFrame]]:
    """``(kind, table)`` per edge family; a table has ``source``, ``target`` (node keys) and the
    edges' other attributes."""

    def family(kind: str, source: pd.Series, target: pd.Series, **attrs: pd.Series):
        columns = {"source": source, "target": target, **attrs}
        return kind, pd.DataFrame({name: values.to_numpy() for name, values in columns.items()})

    comm, units, orgs, cob = ledger.communities, ledger.units, ledger.party_orgs, ledger.cobuilding
    placed, governed = orgs["community"].notna(), orgs["parent"].notna()
    linked = _explode_refs(orgs, "units").drop_duplicates().merge(orgs[["id", "status"]], on="id")
    covers, prepares = linked["status"] == "established", linked["status"] == "preparing"
    ends = _explode_refs(comm, "neighbours")
    first = ends["id"] < ends["ref"]
    pairs = pd.DataFrame(
        {"a": ends["id"].where(first, ends["ref"]), "b": ends["ref"].where(first, ends["id"])}
    )
    pairs = pairs.drop_duplicates()
    pairs = pairs[pairs["a"] != pairs["b"]]
    org_key = _keys("party_org", orgs["id"])
    return [
        family("contains", pd.Series(street, index=comm.index), _keys("community", comm["id"])),
        family("contains", _keys("community", units["community"]), _keys("unit", units["id"])),
        family("contains", _keys("community", orgs.loc[placed, "community"]), org_key[placed]),
        family("contains", pd.Series(street, index=orgs.index[~placed]), org_key[~placed]),
        family("governs", _keys("party_org", orgs.loc[governed, "parent"]), org_key[governed]),
        family(
            "covers", _keys("party_org", linked.loc[covers, "id"]), _keys("unit", linked.loc[covers, "ref"])
        ),
        family(
            "prepares",
            _keys("party_org", linked.loc[prepares, "id"]),
            _keys("unit", linked.loc[prepares, "ref"]),
        ),
        family(
            "cobuilds",
            _keys("unit", cob["unit"]),
            _keys("community", cob["community"]),
            pledged=cob["pledged"],
            since=cob["since"],
        ),
        family("adjoins", _keys("community", pairs["a"]), _keys("community", pairs["b"])),
    ]


# --- reading the graph back into tables ---------------------------------------------------------


def node_table(graph: nx.MultiDiGraph, kind: str) -> pd.DataFrame:
    """One row per node of ``kind`` (street/community/unit/party_org), its attributes as columns."""
    rows = [data for _, data in graph.nodes(data=True) if data["kind"] == kind]
    table = pd.DataFrame.from_records(rows, columns=list(_COLUMNS[kind]))
    return table.astype(_dtypes(kind))


def _dtypes(kind: str) -> dict[str, object]:
    """Canonical dtypes of a node table: the sheet's, and ``Int64`` for the member counts."""
    sheet = SHEETS[_SHEET[kind]]
    renamed = {"unit_kind": "kind", "org_kind": "kind"}
    return {
        column: dtype(sheet.column(renamed.get(column, column))) if column not in _ORG_COUNTS else "Int64"
        for column in _COLUMNS[kind]
    }


def edge_table(graph: nx.MultiDiGraph, kind: str) -> pd.DataFrame:
    """One row per edge of ``kind``: ``source`` and ``target`` ledger ids, then the edge's attributes."""
    ids = graph.nodes(data="id")
    rows = [
        {"source": ids[u], "target": ids[v], **{k: x for k, x in data.items() if k != "kind"}}
        for u, v, data in graph.edges(data=True)
        if data["kind"] == kind
    ]
    return pd.DataFrame.from_records(rows, columns=["source", "target", *_EDGE_ATTRS.get(kind, ())])


def community_ids(graph: nx.MultiDiGraph) -> pd.Index:
    """The communities' ledger ids, in ledger order (an index named ``community``)."""
    return pd.Index(
        [d["id"] for _, d in graph.nodes(data=True) if d["kind"] == "community"], name="community"
    )


def community_adjacency(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected graph of community ids (every community a node), an edge per ``adjoins`` pair."""
    adjacency = nx.Graph()
    adjacency.add_nodes_from(community_ids(graph))
    adjacency.add_edges_from(edge_table(graph, "adjoins").itertuples(index=False, name=None))
    return adjacency


def unit_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Every unit with its coverage, one row per unit in ledger order.

    Columns: the unit node's attributes, then ``org_covered`` (an established organisation covers
    it), ``joint_only`` (covered, but only by joint branches), ``preparing`` (an organisation for
    it is in preparation) and ``work_covered`` (org_covered or an instructor).
    """
    units = node_table(graph, "unit")
    kinds = node_table(graph, "party_org").set_index("id")["org_kind"]
    covers = edge_table(graph, "covers")
    joint = covers["source"].map(kinds).eq("joint_branch")
    org_covered = units["id"].isin(covers["target"])
    return units.assign(
        org_covered=org_covered,
        joint_only=org_covered & ~units["id"].isin(covers.loc[~joint, "target"]),
        preparing=units["id"].isin(edge_table(graph, "prepares")["target"]),
        work_covered=org_covered | units["instructor"].astype(bool),
    )


def org_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Every Party organisation, one row each in ledger order: node attributes plus ``units``,
    the number of units it covers (established) or will cover (in preparation)."""
    orgs = node_table(graph, "party_org")
    linked = pd.concat([edge_table(graph, "covers"), edge_table(graph, "prepares")])
    units = linked.groupby("source").size()
    return orgs.assign(units=units.reindex(orgs["id"], fill_value=0).to_numpy())


# --- coverage queries ---------------------------------------------------------------------------


def coverage(graph: nx.MultiDiGraph, *, by: tuple[str, ...] = ("community", "unit_kind")) -> pd.DataFrame:
    """Organisation and work coverage of units, grouped by columns of :func:`unit_table`.

    One row per group that has units (``by=("community",)`` gives per-community totals, ``by=()``
    one row for the whole ledger): the ``by`` columns, ``units``, ``org_covered``, ``work_covered``
    and the rates ``org_rate``, ``work_rate`` (shares of ``units``; NaN over no units). Groups with
    no units are left out: reindex on :func:`community_ids` for every community.
    Raises KeyError for a ``by`` column that units do not have.
    """
    units = unit_table(graph)
    by = list(by)
    unknown = [c for c in by if c not in units]
    if unknown:
        raise KeyError(f"cannot group units by {unknown}; choose from {list(units.columns)}")
    counts = {
        "units": ("id", "size"),
        "org_covered": ("org_covered", "sum"),
        "work_covered": ("work_covered", "sum"),
    }
    if by:
        table = units.groupby(by, sort=True, dropna=False).agg(**counts).reset_index()
    else:
        table = pd.DataFrame({name: [units[column].agg(how)] for name, (column, how) in counts.items()})
    rows = table["units"].where(table["units"] > 0)
    return table.assign(org_rate=table["org_covered"] / rows, work_rate=table["work_covered"] / rows)


_UNIT_COLUMNS = ["id", "name", "community", "unit_kind"]


def units_without_organisation(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Units no established organisation covers: ``unit, name, community, unit_kind, employees,
    full_members, instructor, preparing`` (an organisation for it is in preparation)."""
    units = unit_table(graph)
    columns = [*_UNIT_COLUMNS, "employees", "full_members", "instructor", "preparing"]
    return _out(units.loc[~units["org_covered"], columns])


def units_eligible_for_own_branch(graph: nx.MultiDiGraph, *, rules: Rules = RULES) -> pd.DataFrame:
    """Units with at least ``rules.min_members_own_branch`` full members and no organisation of
    their own: uncovered, or covered by joint branches only.

    Columns ``unit, name, community, unit_kind, full_members, joint_only, preparing, org_kind``
    (the kind of organisation their size calls for, :meth:`Rules.org_kind_for_size`).
    """
    units = unit_table(graph)
    mask = (~units["org_covered"] | units["joint_only"]) & (
        units["full_members"] >= rules.min_members_own_branch
    )
    table = units.loc[mask, [*_UNIT_COLUMNS, "full_members", "joint_only", "preparing"]]
    return _out(table.assign(org_kind=table["full_members"].map(rules.org_kind_for_size)))


def joint_branch_candidates(graph: nx.MultiDiGraph, *, rules: Rules = RULES) -> pd.DataFrame:
    """Uncovered units that could join a joint branch (联合支部): 1 … ``min_members_own_branch − 1``
    full members. A unit with no member is not one (it can only get work coverage).

    Columns ``unit, name, community, unit_kind, trade, full_members, preparing`` (an organisation
    of its own is in preparation) and ``neighbours`` (a tuple of the ids of the communities
    adjoining the unit's community, sorted).
    """
    units = unit_table(graph)
    full = units["full_members"]
    mask = ~units["org_covered"] & (full >= 1) & (full < rules.min_members_own_branch)
    table = units.loc[mask, [*_UNIT_COLUMNS, "trade", "full_members", "preparing"]]
    adjacency = community_adjacency(graph)
    near = {c: tuple(sorted(adjacency[c])) for c in table["community"].unique() if c in adjacency}
    return _out(table.assign(neighbours=table["community"].map(near)))


def misfit_organisations(graph: nx.MultiDiGraph, *, rules: Rules = RULES) -> pd.DataFrame:
    """Established organisations whose form does not fit the rules, one row per (org, reason).

    Reasons: ``size`` — the kind differs from :meth:`Rules.org_kind_for_size` of its full members
    (a joint branch counts as a branch); ``too_few_members`` — fewer full members than a branch
    needs (``rules.min_members_own_branch``, or ``rules.joint_branch_min_members`` for a joint
    branch); ``too_many_units`` — a joint branch over ``rules.joint_branch_max_units`` units.
    The working committee and organisations in preparation are not checked.
    Columns ``org, name, org_kind, community, full_members, units, fitting_kind, reason``.
    """
    orgs = org_table(graph)
    orgs = orgs[(orgs["status"] == "established") & (orgs["org_kind"] != "working_committee")]
    full = orgs["full_members"].astype(int)
    joint = orgs["org_kind"] == "joint_branch"
    fitting = full.map(rules.org_kind_for_size)
    minimum = joint.map({True: rules.joint_branch_min_members, False: rules.min_members_own_branch})
    reasons = {
        "size": fitting != orgs["org_kind"].where(~joint, "branch"),
        "too_few_members": full < minimum,
        "too_many_units": joint & (orgs["units"] > rules.joint_branch_max_units),
    }
    columns = ["id", "name", "org_kind", "community", "full_members", "units"]
    table = pd.concat(
        [orgs.loc[hit, columns].assign(fitting_kind=fitting[hit], reason=r) for r, hit in reasons.items()]
    )
    return table.sort_index(kind="stable").rename(columns={"id": "org"}).reset_index(drop=True)


def branches_without_admission(
    graph: nx.MultiDiGraph, *, as_of: int | None = None, rules: Rules = RULES
) -> pd.DataFrame:
    """Established organisations (not the working committee) that have admitted no one for
    ``rules.no_admission_years`` years or more by ``as_of`` (default: the ledger year), or never.

    Columns ``org, name, org_kind, community, full_members, last_admission_year, years_since``
    (``<NA>`` for an organisation with no member).
    """
    as_of = graph.graph["year"] if as_of is None else as_of
    orgs = org_table(graph)
    orgs = orgs[(orgs["status"] == "established") & (orgs["org_kind"] != "working_committee")]
    since = (as_of - orgs["last_admission_year"]).astype("Int64")
    stale = (since >= rules.no_admission_years).fillna(True).astype(bool)
    table = orgs.loc[stale, ["id", "name", "org_kind", "community", "full_members", "last_admission_year"]]
    return table.assign(years_since=since[stale]).rename(columns={"id": "org"}).reset_index(drop=True)


def cobuilding_ties(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Co-building ties (共建): ``unit, community, pledged`` (yuan/year), ``since``."""
    return edge_table(graph, "cobuilds").rename(columns={"source": "unit", "target": "community"})


def _out(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(columns={"id": "unit"}).reset_index(drop=True)
