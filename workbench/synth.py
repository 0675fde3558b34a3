"""Sample and synthetic ledgers: the bundled street, and invented ones at any scale (DESIGN §5).

:func:`sample_ledger` is the seed street in 2003 (see :mod:`workbench.synth_sample`).
:func:`synthetic_ledger` invents a plausible ledger of any number of communities — a street (~12),
a district (~120), a city (1,000 communities, ~50,000 units, ~300,000 members) — in a few seconds:
every table is drawn with numpy arrays, never a Python loop over units or members.

What the generator assumes (its own modelling choices, kept in :data:`MIX`; the rules it obeys
come from :data:`workbench.settings.RULES`):

* units per community are Poisson around ``units_per_community``; kinds follow ``unit_kinds``
  (non-public enterprises the majority); employees are log-normal by kind; members per unit are
  Poisson in employees × the kind's Party share, so most units have 0–2 members;
* a unit with enough full members for its own organisation mostly has one (its kind by size),
  otherwise one is being prepared or its members stay in the community branch; some units with
  one or two members form joint branches of up to ``rules.joint_branch_max_units`` units of one
  kind in one community; units without an organisation may have an instructor;
* each community has its own Party body (for its residents); organisations of non-public
  enterprises, social organisations and joint branches report to it, those of organs, public
  institutions, state-owned enterprises and dispatched agencies to their own lines (no parent);
* the ledger has one ``street`` row, but each block of ``communities_per_street`` communities gets
  its own working committee (党工委), so a district or a city reads as many streets;
* communities lie on a near-square grid; grid neighbours are ``neighbours``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import schema
from .ledger import Ledger
from .settings import RULES, Rules
from .synth_sample import GIVEN_NAMES, SURNAMES, sample_ledger

__all__ = ["MIX", "Mix", "sample_ledger", "synthetic_ledger"]

_DAY = np.timedelta64(1, "D")
_MONTH_DAYS = 31  # a month in days, rounded up so that "at least N months" always holds
_SHORT_MONTH_DAYS = 28  # and rounded down, so that "within N months" always holds
_YEAR_DAYS = 366


def _frozen(**values) -> MappingProxyType:
    return MappingProxyType(values)


@dataclass(frozen=True)
class Mix:
    """The generator's modelling assumptions (not domain rules): shares, means and spreads."""

    units_per_community: float = 50.0
    unit_kinds: MappingProxyType = field(
        default_factory=lambda: _frozen(
            non_public_enterprise=0.62,
            social_org=0.12,
            institution=0.08,
            dispatched_agency=0.07,
            state_enterprise=0.06,
            government=0.05,
        )
    )
    # kind → (median employees, log-normal sigma, share under 35, Party members per employee)
    workforce: MappingProxyType = field(
        default_factory=lambda: _frozen(
            non_public_enterprise=(12, 1.1, 0.55, 0.035),
            social_org=(6, 0.8, 0.45, 0.05),
            institution=(40, 0.7, 0.35, 0.22),
            dispatched_agency=(18, 0.6, 0.35, 0.3),
            state_enterprise=(60, 0.9, 0.3, 0.15),
            government=(30, 0.6, 0.3, 0.4),
        )
    )
    trades: MappingProxyType = field(
        default_factory=lambda: _frozen(
            non_public_enterprise=("制造", "批发零售", "信息技术", "餐饮住宿", "建筑", "物流", "物业"),
            social_org=("社会服务", "文体", "教育培训", "慈善"),
            institution=("教育", "卫生", "文化"),
            dispatched_agency=("公安", "市场监管", "税务", "城市管理"),
            state_enterprise=("电力", "供水", "金融", "邮政"),
            government=("公共管理",),
        )
    )
    households_median: float = 2500.0
    households_sigma: float = 0.45
    residents_per_household: float = 2.7
    resident_members_per_household: float = 0.045
    staff_age: tuple[float, float, int] = (41.0, 9.0, 22)  # mean, sd, youngest
    resident_age: tuple[int, int, float, float] = (24, 68, 2.0, 1.6)  # youngest, span, beta(a, b)
    male_share: tuple[float, float] = (0.55, 0.6)  # staff and cadres, residents
    probationary_share: float = 0.03
    joining_years: int = 27  # full members joined within this many years of coming of age
    own_org_share: float = 0.9  # of units with enough full members
    preparing_share: float = 0.5  # of the other such units: an organisation in preparation
    joint_share: float = 0.7  # of units with 1–2 full members: offered to a joint branch
    instructor_share: float = 0.4  # of units without an organisation
    pipeline_per_member: float = 0.03
    pipeline_stages: MappingProxyType = field(
        default_factory=lambda: _frozen(applicant=0.4, activist=0.4, candidate=0.2)
    )
    cadre_party_share: float = 0.6  # committee members (not secretary or deputy) in the Party
    cadre_ages: tuple[float, float, float, float] = (47.0, 42.0, 38.0, 7.0)  # secretary, deputy, member, sd
    reserves_per_community: float = 0.8
    reserve_ages: tuple[int, int] = (28, 40)  # youngest, oldest + 1
    ready_share: float = 0.5
    former_village_share: float = 0.2
    former_village_cadre_share: tuple[float, float] = (0.1, 0.5)  # elsewhere, in former villages
    guidance_committee_share: float = 0.6
    venue_shares: MappingProxyType = field(
        default_factory=lambda: _frozen(
            signage=0.97,
            tv=0.95,
            video_player=0.7,
            activity_room=0.92,
            study_materials=0.95,
            service_centre=0.8,
            rules_in_place=0.95,
            ledger_kept=0.95,
        )
    )
    space_per_household_m2: float = 0.25
    service_projects_mean: float = 8.0
    funds_street_median: float = 140_000.0
    funds_other_shares: tuple[float, float] = (0.08, 0.03)  # higher-level grants, other (mean shares)
    cobuilding_share: float = 0.15  # of organised organs, institutions and state-owned enterprises
    cobuilding_pledge_median: float = 15_000.0
    activities: MappingProxyType = field(
        default_factory=lambda: _frozen(
            主题党日=12.0, 党课学习=6.0, 志愿服务=10.0, 文体活动=5.0, 帮扶慰问=4.0
        )
    )
    communities_per_street: int = 12


MIX = Mix()
"""The default modelling assumptions of :func:`synthetic_ledger`."""

_VERTICAL = ("government", "institution", "state_enterprise", "dispatched_agency")
_NAME_SUFFIX = {
    "non_public_enterprise": "有限公司",
    "social_org": "协会",
    "institution": "中心",
    "dispatched_agency": "所",
    "state_enterprise": "分公司",
    "government": "办公室",
}
_ORG_SUFFIX = {
    "branch": "党支部",
    "general_branch": "党总支",
    "committee": "党委",
    "joint_branch": "联合党支部",
}
_PLACE_A = "东西南北中新华安长永金银青白红翠光明春秋和平兴盛福康宁泰丰源清河湖山林桥湾园"
_PLACE_B = "苑园里坊村湾庄城桥港岭塘浦亭泉溪湖坪洲岗台阁门巷道街路院府景庭域居舍宅邸庐堂"
_WORDS = "宏达华信恒通联创新锐博远嘉和瑞丰天成众合鑫源汇通卓越晨光"


def synthetic_ledger(
    communities: int, *, seed: int = 0, year: int = 2024, rules: Rules = RULES, mix: Mix = MIX
) -> Ledger:
    """A plausible invented ledger of ``communities`` communities as of the end of ``year``.

    The same ``seed`` gives the same ledger. About ``mix.units_per_community`` units and some 300
    members per community (a city of 1,000 communities: ~50,000 units, ~300,000 members).
    Raises ValueError if ``communities`` < 1.
    """
    if communities < 1:
        raise ValueError(f"communities must be at least 1, got {communities}")
    rng = np.random.default_rng(seed)
    end = np.datetime64(f"{year}-12-31", "D")
    comm = _communities(communities, rng, mix)
    units = _units(comm, rng, mix)
    people = _people(comm, units, rng, end, rules, mix)
    cadres, cadre_people = _cadres(comm, rng, end, rules, mix)
    people = pd.concat([people, cadre_people], ignore_index=True)
    orgs, member_org = _party_orgs(comm, units, people, rng, year, rules, mix)
    members = _members(units, people, member_org, rng, year, rules, mix)
    cadre_member_ids = members["id"].to_numpy()[len(people) - len(cadre_people) :]
    position = cadres.pop("member_pos").to_numpy()
    cadres["member"] = np.where(position >= 0, cadre_member_ids[np.maximum(position, 0)], None)
    cobuilding = _cobuilding(units, orgs, rng, year, mix)
    pledged = cobuilding.groupby("community")["pledged"].sum()
    comm["funds_cobuilding"] = pledged.reindex(comm["id"], fill_value=0.0).to_numpy()
    street = pd.DataFrame({"id": ["S01"], "name": ["合成街道"], "district": ["合成区"], "year": [year]})
    return Ledger.from_tables(
        street=street,
        communities=comm,
        units=units,
        party_orgs=orgs,
        members=members,
        pipeline=_pipeline(members, rng, end, rules, mix),
        cadres=cadres,
        activities=_activities(comm, rng, year, mix),
        cobuilding=cobuilding,
    )


def _ids(prefix: str, n: int) -> np.ndarray:
    """``prefix`` + zero-padded 1…n, as an object array."""
    width = len(str(max(n, 1)))
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def _pick(rng: np.random.Generator, options, n: int, p=None) -> np.ndarray:
    options = np.asarray(options, dtype=object)
    return options[rng.choice(len(options), size=n, p=p)]


def _communities(n: int, rng: np.random.Generator, mix: Mix) -> pd.DataFrame:
    i = np.arange(n)
    a, b = len(_PLACE_A), len(_PLACE_B)
    names = np.char.add(
        np.array(list(_PLACE_A))[(7 * i) % a], np.array(list(_PLACE_B))[(i // a + i) % b]
    ).astype(object)
    repeat = i // (a * b)
    names = np.where(repeat > 0, names + (repeat + 1).astype(str).astype(object), names) + "社区"
    households = np.round(mix.households_median * rng.lognormal(0.0, mix.households_sigma, n)).astype(int)
    table = pd.DataFrame(
        {
            "id": _ids("C", n),
            "name": names,
            "households": households,
            "residents": np.round(households * mix.residents_per_household).astype(int),
            "former_village": rng.random(n) < mix.former_village_share,
            "neighbours": _grid_neighbours(_ids("C", n)),
            "space_m2": np.round(households * mix.space_per_household_m2 * rng.lognormal(0.0, 0.35, n), -1),
            "service_projects": rng.poisson(mix.service_projects_mean, n),
            "guidance_committee": rng.random(n) < mix.guidance_committee_share,
        }
    )
    for column, share in mix.venue_shares.items():
        table[column] = rng.random(n) < share
    street = np.round(mix.funds_street_median * rng.lognormal(0.0, 0.3, n), -2)
    higher, other = (np.round(street * rng.exponential(s, n), -2) for s in mix.funds_other_shares)
    return table.assign(funds_street=street, funds_higher=higher, funds_other=other)


def _grid_neighbours(ids: np.ndarray) -> list[str | None]:
    """Neighbours on a near-square grid, row by row: left, right, above, below."""
    n = len(ids)
    width = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    pairs = [
        (i[i % width > 0], i[i % width > 0] - 1),
        (i[(i % width < width - 1) & (i + 1 < n)], i[(i % width < width - 1) & (i + 1 < n)] + 1),
        (i[i >= width], i[i >= width] - width),
        (i[i + width < n], i[i + width < n] + width),
    ]
    edges = pd.DataFrame(
        {"a": np.concatenate([p[0] for p in pairs]), "b": np.concatenate([p[1] for p in pairs])}
    ).sort_values(["a", "b"])
    joined = edges.assign(b=ids[edges["b"]]).groupby("a")["b"].agg(";".join)
    return joined.reindex(i).where(lambda s: s.notna(), None).tolist()


def _units(comm: pd.DataFrame, rng: np.random.Generator, mix: Mix) -> pd.DataFrame:
    per = rng.poisson(mix.units_per_community, len(comm))
    c = np.repeat(np.arange(len(comm)), per)
    n = len(c)
    kinds = np.array(list(mix.unit_kinds), dtype=object)
    kind_index = rng.choice(len(kinds), size=n, p=list(mix.unit_kinds.values()))
    kind = kinds[kind_index]
    median, sigma, young, party = (
        np.array([mix.workforce[k][j] for k in kinds], dtype=float)[kind_index] for j in range(4)
    )
    employees = np.maximum(1, np.round(median * np.exp(sigma * rng.standard_normal(n)))).astype(int)
    trade = np.empty(n, dtype=object)
    for k, options in mix.trades.items():
        rows = kind == k
        trade[rows] = _pick(rng, options, int(rows.sum()))
    words = np.array([_WORDS[j : j + 2] for j in range(0, len(_WORDS), 2)], dtype=object)
    place = comm["name"].str.removesuffix("社区").to_numpy()[c]
    suffix = np.array([_NAME_SUFFIX[k] for k in kinds], dtype=object)[kind_index]
    return pd.DataFrame(
        {
            "id": _ids("U", n),
            "name": place + _pick(rng, words, n) + trade + suffix,
            "community": comm["id"].to_numpy()[c],
            "kind": kind,
            "employees": employees,
            "young_employees": rng.binomial(employees, young),
            "trade": trade,
            "c": c,
            "members": np.minimum(employees, rng.poisson(employees * party)),
        }
    )


def _people(
    comm: pd.DataFrame,
    units: pd.DataFrame,
    rng: np.random.Generator,
    end: np.datetime64,
    rules: Rules,
    mix: Mix,
) -> pd.DataFrame:
    """Members of units (staff) and residents, without organisation yet: age, status, joined."""
    staff_unit = np.repeat(np.arange(len(units)), units.pop("members").to_numpy())
    residents = rng.poisson(comm["households"].to_numpy() * mix.resident_members_per_household)
    resident_comm = np.repeat(np.arange(len(comm)), residents)
    n_staff, n = len(staff_unit), len(staff_unit) + len(resident_comm)
    (mean, sd, youngest), (youngest_resident, span, a, b) = mix.staff_age, mix.resident_age
    age = np.concatenate(
        [
            np.clip(np.round(rng.normal(mean, sd, n_staff)), youngest, rules.retirement_age),
            np.round(youngest_resident + span * rng.beta(a, b, n - n_staff)),
        ]
    ).astype(int)
    probationary = rng.random(n) < mix.probationary_share
    people = pd.DataFrame(
        {
            "unit": np.concatenate([staff_unit, np.full(n - n_staff, -1)]),
            "c": np.concatenate([units["c"].to_numpy()[staff_unit], resident_comm]),
            "age": age,
            "probationary": probationary,
            "resident": np.arange(n) >= n_staff,
        }
    )
    people["joined"] = _joined(age, probationary, rng, end, rules, joining_years=mix.joining_years)
    full = np.bincount(staff_unit[~probationary[:n_staff]], minlength=len(units))
    units["full"] = full
    return people


def _joined(
    age: np.ndarray,
    probationary: np.ndarray,
    rng: np.random.Generator,
    end: np.datetime64,
    rules: Rules,
    *,
    joining_years: int,
    min_years: int = 0,
) -> np.ndarray:
    """Admission dates: within the probation before ``end`` for probationary members; else within
    ``joining_years`` of turning ``rules.min_applicant_age`` + 1 and at least ``min_years`` + the
    probation before ``end``."""
    born = end - age * _YEAR_DAYS * _DAY
    earliest = born + (rules.min_applicant_age + 1) * _YEAR_DAYS * _DAY
    latest = end - ((rules.probation_months + 1) * _MONTH_DAYS + min_years * _YEAR_DAYS) * _DAY
    span = np.clip((latest - earliest) / _DAY, 0, joining_years * _YEAR_DAYS)
    full = earliest + np.round(span * rng.random(len(age))).astype(int) * _DAY
    recent = (
        end - np.floor(rng.random(len(age)) * rules.probation_months * _SHORT_MONTH_DAYS).astype(int) * _DAY
    )
    return np.where(probationary, recent, np.minimum(full, latest)).astype("datetime64[ns]")


# Schooling by birth cohort (born before 1960, 1960–74, 1975–89, 1990 on): shares of the
# education levels in schema.EDUCATION order.
_COHORTS = (1960, 1975, 1990)
_SCHOOLING = np.array(
    [
        [0.60, 0.25, 0.05, 0.07, 0.03, 0.00],
        [0.30, 0.33, 0.12, 0.15, 0.09, 0.01],
        [0.10, 0.20, 0.15, 0.30, 0.22, 0.03],
        [0.03, 0.07, 0.10, 0.35, 0.40, 0.05],
    ]
)


def _education(birth_year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Schooling by birth cohort: the later born, the more schooling."""
    shares = _SCHOOLING.cumsum(axis=1)[np.digitize(birth_year, _COHORTS)]
    level = (rng.random(len(birth_year))[:, None] > shares).sum(axis=1)
    return np.array(schema.EDUCATION.codes(), dtype=object)[
        np.minimum(level, len(schema.EDUCATION.codes()) - 1)
    ]


def _cadres(
    comm: pd.DataFrame, rng: np.random.Generator, end: np.datetime64, rules: Rules, mix: Mix
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sitting committees of ``rules.community_committee_min``–``max`` and a few reserves, plus
    the cadres who are Party members as people of their community (columns of ``_people``)."""
    n_comm, year = len(comm), int(str(end)[:4])
    size = rng.integers(rules.community_committee_min, rules.community_committee_max + 1, n_comm)
    reserves = np.minimum(rng.poisson(mix.reserves_per_community, n_comm), len(schema.KEY_POSTS))
    c = np.concatenate([np.repeat(np.arange(n_comm), size), np.repeat(np.arange(n_comm), reserves)])
    n_sitting, n = int(size.sum()), len(c)
    k = np.arange(n_sitting) - np.repeat(np.cumsum(size) - size, size)
    sitting_post = np.array([*schema.KEY_POSTS, "committee_member"])[np.minimum(k, len(schema.KEY_POSTS))]
    reserve = np.arange(n) >= n_sitting
    post = np.concatenate([sitting_post, _pick(rng, schema.KEY_POSTS, n - n_sitting)]).astype(object)
    secretary, deputy, member, sd = mix.cadre_ages
    mean = np.where(post == "secretary", secretary, np.where(post == "deputy", deputy, member))
    young = rng.integers(*mix.reserve_ages, n)
    age = np.where(reserve, young, np.round(rng.normal(mean, sd)))
    age = np.clip(age, rules.min_applicant_age + 5, rules.retirement_age - 1).astype(int)
    key_or_reserve = np.concatenate([k < len(schema.KEY_POSTS), np.ones(n - n_sitting, bool)])
    party = key_or_reserve | (rng.random(n) < mix.cadre_party_share)
    birth = year - age
    education = _education(birth, rng)
    village = comm["former_village"].to_numpy()[c]
    cadres = pd.DataFrame(
        {
            "id": _ids("K", n),
            "name": _names(rng, rng.random(n) < mix.male_share[0]),
            "community": comm["id"].to_numpy()[c],
            "post": post,
            "member_pos": np.where(party, np.cumsum(party) - 1, -1),
            "birth_year": birth,
            "education": education,
            "term_start": (year - rng.integers(0, rules.community_term_years, n_comm))[c],
            "former_village_cadre": rng.random(n)
            < np.where(village, mix.former_village_cadre_share[1], mix.former_village_cadre_share[0]),
            "reserve": reserve,
            "ready": reserve & (rng.random(n) < mix.ready_share),
        }
    )
    people = pd.DataFrame(
        {
            "unit": -1,
            "c": c[party],
            "age": age[party],
            "probationary": False,
            "resident": True,
            "joined": _joined(
                age[party],
                np.zeros(int(party.sum()), bool),
                rng,
                end,
                rules,
                joining_years=mix.joining_years,
                min_years=rules.reserve_min_member_years,
            ),
            "education": education[party],
            "name": cadres["name"].to_numpy()[party],
        }
    )
    return cadres, people


def _names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    n = len(male)
    surnames = np.array(list(SURNAMES), dtype=object)[rng.integers(0, len(SURNAMES), n)]
    given = np.where(
        male,
        np.array(GIVEN_NAMES["male"], dtype=object)[rng.integers(0, len(GIVEN_NAMES["male"]), n)],
        np.array(GIVEN_NAMES["female"], dtype=object)[rng.integers(0, len(GIVEN_NAMES["female"]), n)],
    )
    return surnames + given


def _party_orgs(
    comm: pd.DataFrame,
    units: pd.DataFrame,
    people: pd.DataFrame,
    rng: np.random.Generator,
    year: int,
    rules: Rules,
    mix: Mix,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Working committees, community bodies, unit and joint organisations; each person's org row.

    Sets ``units["instructor"]`` for units that no established organisation covers.
    """
    n_comm, n_units = len(comm), len(units)
    full = units["full"].to_numpy()
    kind = units["kind"].to_numpy()
    enough = full >= rules.min_members_own_branch
    own = enough & (rng.random(n_units) < mix.own_org_share)
    preparing = enough & ~own & (rng.random(n_units) < mix.preparing_share)
    small = (full > 0) & ~enough & (rng.random(n_units) < mix.joint_share)

    # joint branches: small units of one kind in one community, in groups of at most N units
    cand = units.loc[small, ["c", "kind"]].assign(full=full[small], u=np.flatnonzero(small))
    cand["group"] = cand.groupby(["c", "kind"]).cumcount() // rules.joint_branch_max_units
    groups = cand.groupby(["c", "kind", "group"])
    cand["size"], cand["total"] = groups["u"].transform("size"), groups["full"].transform("sum")
    cand = cand[(cand["size"] > 1) & (cand["total"] >= rules.joint_branch_min_members)]
    cand["joint"] = cand.groupby(["c", "kind", "group"]).ngroup()
    joint = cand.groupby("joint").agg(c=("c", "first"), kind=("kind", "first"), units=("u", list))

    n_wc = -(-n_comm // mix.communities_per_street)
    own_units, prep_units = np.flatnonzero(own), np.flatnonzero(preparing)
    first_comm, first_own = n_wc, n_wc + n_comm
    first_joint = first_own + len(own_units)
    first_prep = first_joint + len(joint)
    org_of_unit = np.full(n_units, -1)
    org_of_unit[own_units] = np.arange(first_own, first_joint)
    org_of_unit[cand["u"].to_numpy()] = first_joint + cand["joint"].to_numpy()
    units["instructor"] = (org_of_unit < 0) & (rng.random(n_units) < mix.instructor_share)

    staff = people["unit"].to_numpy()
    member_org = np.where(staff >= 0, org_of_unit[np.maximum(staff, 0)], -1)
    member_org = np.where(member_org < 0, first_comm + people["c"].to_numpy(), member_org)
    sizes = np.bincount(member_org, minlength=first_prep)[first_comm:first_joint]  # incl. probationary

    kind_of_size = {size: rules.org_kind_for_size(size) for size in np.unique(sizes).tolist()}
    body_kind = pd.Series(sizes).map(kind_of_size).to_numpy()
    org_ids = _ids("P", first_prep + len(prep_units))
    comm_org = org_ids[first_comm:first_own]
    unit_ids = units["id"].to_numpy()
    place = comm["name"].to_numpy()
    vertical = np.isin(kind, _VERTICAL)
    wc = np.arange(n_wc)
    joint_c = joint["c"].to_numpy()
    frames = [
        pd.DataFrame(
            {
                "name": np.char.add(np.char.add("合成第", (wc + 1).astype(str)), "街道党工委").astype(object),
                "kind": "working_committee",
                "founded": year - rng.integers(1, 30, n_wc),
            }
        ),
        pd.DataFrame(
            {
                "name": place + _suffix(body_kind[:n_comm]),
                "kind": body_kind[:n_comm],
                "parent": org_ids[np.arange(n_comm) // mix.communities_per_street],
                "community": comm["id"].to_numpy(),
                "founded": year - rng.integers(1, 30, n_comm),
            }
        ),
        pd.DataFrame(
            {
                "name": units["name"].to_numpy()[own_units] + _suffix(body_kind[n_comm:]),
                "kind": body_kind[n_comm:],
                "parent": np.where(vertical[own_units], None, comm_org[units["c"].to_numpy()[own_units]]),
                "community": units["community"].to_numpy()[own_units],
                "founded": year - rng.integers(0, 40, len(own_units)),
                "units": unit_ids[own_units],
            }
        ),
        pd.DataFrame(
            {
                "name": place[joint_c]
                + np.array([schema.UNIT_KIND.label(k) for k in joint["kind"]], dtype=object)
                + _suffix(np.full(len(joint), "joint_branch", dtype=object))
                + (joint.index.to_numpy() + 1).astype(str).astype(object),
                "kind": "joint_branch",
                "parent": comm_org[joint_c],
                "community": comm["id"].to_numpy()[joint_c],
                "founded": year - rng.integers(0, 10, len(joint)),
                "units": [";".join(unit_ids[u]) for u in joint["units"]],
            }
        ),
        pd.DataFrame(
            {
                "name": units["name"].to_numpy()[prep_units] + _ORG_SUFFIX["branch"],
                "kind": "branch",
                "parent": comm_org[units["c"].to_numpy()[prep_units]],
                "community": units["community"].to_numpy()[prep_units],
                "status": "preparing",
                "founded": None,
                "units": unit_ids[prep_units],
            }
        ),
    ]
    orgs = pd.concat(frames, ignore_index=True)
    orgs["status"] = orgs["status"].fillna("established")
    orgs.insert(0, "id", org_ids)
    return orgs, org_ids[member_org]


def _suffix(kinds: np.ndarray) -> np.ndarray:
    return np.array([_ORG_SUFFIX[k] for k in kinds], dtype=object)


def _members(
    units: pd.DataFrame,
    people: pd.DataFrame,
    member_org: np.ndarray,
    rng: np.random.Generator,
    year: int,
    rules: Rules,
    mix: Mix,
) -> pd.DataFrame:
    """The members table: one row per person, sponsors for the probationary."""
    n = len(people)
    staff = people["unit"].to_numpy()
    resident = people["resident"].to_numpy()
    birth = year - people["age"].to_numpy()
    male = rng.random(n) < np.where(resident, mix.male_share[1], mix.male_share[0])
    education = people["education"].to_numpy() if "education" in people else np.full(n, None)
    education = np.where(pd.isna(education), _education(birth, rng), education)
    names = people["name"].to_numpy() if "name" in people else np.full(n, None)
    names = np.where(pd.isna(names), _names(rng, male), names)
    occupations = np.where(
        resident,
        _pick(rng, ("退休", "居民", "个体经营", "自由职业"), n),
        _pick(rng, ("职工", "专业技术人员", "管理人员"), n),
    )
    probationary = people["probationary"].to_numpy()
    table = pd.DataFrame(
        {
            "id": _ids("M", n),
            "name": names,
            "org": member_org,
            "unit": np.where(staff >= 0, units["id"].to_numpy()[np.maximum(staff, 0)], None),
            "birth_year": birth,
            "sex": np.where(male, "male", "female"),
            "education": education,
            "joined": people["joined"].to_numpy(),
            "status": np.where(probationary, "probationary", "full"),
            "occupation": occupations,
        }
    )
    table["sponsors"] = np.where(probationary, table["org"].map(_sponsors(table, rules)), None)
    return table


def _sponsors(members: pd.DataFrame, rules: Rules) -> pd.Series:
    """Per organisation with enough full members, its first ``rules.sponsors_required`` of them
    as a refs cell (``"M1;M2"``)."""
    full = members[members["status"] == "full"]
    rank = full.groupby("org").cumcount()
    firsts = [full.loc[rank == k].set_index("org")["id"] for k in range(rules.sponsors_required)]
    cell = firsts[0]
    for nth in firsts[1:]:
        cell = (cell + ";" + nth).dropna()
    return cell


def _pipeline(
    members: pd.DataFrame, rng: np.random.Generator, end: np.datetime64, rules: Rules, mix: Mix
) -> pd.DataFrame:
    """Applicants, activists and candidates in the members' organisations, dated by the stage rules."""
    n = round(len(members) * mix.pipeline_per_member)
    like = rng.integers(0, len(members), n)  # a colleague or neighbour in the same organisation
    stage = _pick(rng, list(mix.pipeline_stages), n, p=list(mix.pipeline_stages.values()))
    age = rng.integers(rules.min_applicant_age + 5, rules.min_applicant_age + 23, n)

    def months_back(lo: float, hi: float) -> np.ndarray:
        return np.round(rng.uniform(lo, hi, n) * _MONTH_DAYS).astype(int) * _DAY

    candidate_since = end - months_back(0, 5)
    activist_since = np.where(
        stage == "candidate",
        candidate_since - months_back(rules.activist_min_months, rules.activist_min_months + 12),
        end - months_back(0, 2 * rules.activist_min_months - 1),
    )
    applied = np.where(stage == "applicant", end - months_back(0, 11), activist_since - months_back(3, 6))
    is_candidate = stage == "candidate"
    orgs = members["org"].to_numpy()[like]
    birth = int(str(end)[:4]) - age
    male = rng.random(n) < mix.male_share[0]
    return pd.DataFrame(
        {
            "id": _ids("A", n),
            "name": _names(rng, male),
            "org": orgs,
            "unit": members["unit"].to_numpy()[like],
            "birth_year": birth,
            "sex": np.where(male, "male", "female"),
            "education": _education(birth, rng),
            "stage": stage,
            "applied": applied.astype("datetime64[ns]"),
            "activist_since": np.where(stage == "applicant", np.datetime64("NaT"), activist_since).astype(
                "datetime64[ns]"
            ),
            "candidate_since": np.where(is_candidate, candidate_since, np.datetime64("NaT")).astype(
                "datetime64[ns]"
            ),
            "training_days": pd.Series(
                rng.integers(0, 5, n) + rules.candidate_training_min_days, dtype="Int64"
            ).where(is_candidate),
            "sponsors": np.where(is_candidate, pd.Series(orgs).map(_sponsors(members, rules)), None),
        }
    )


def _activities(comm: pd.DataFrame, rng: np.random.Generator, year: int, mix: Mix) -> pd.DataFrame:
    kinds, means = list(mix.activities), np.array(list(mix.activities.values()))
    n = len(comm)
    return pd.DataFrame(
        {
            "community": np.repeat(comm["id"].to_numpy(), len(kinds)),
            "year": year,
            "kind": np.tile(np.array(kinds, dtype=object), n),
            "count": rng.poisson(np.tile(means, n)),
        }
    )


def _cobuilding(
    units: pd.DataFrame, orgs: pd.DataFrame, rng: np.random.Generator, year: int, mix: Mix
) -> pd.DataFrame:
    """Ties of organised organs, institutions and state-owned enterprises with their community."""
    organised = orgs.loc[orgs["status"] == "established", "units"].dropna()
    single = organised[~organised.str.contains(";")]
    eligible = units[units["id"].isin(single) & units["kind"].isin(_VERTICAL)]
    ties = eligible[rng.random(len(eligible)) < mix.cobuilding_share]
    n = len(ties)
    return pd.DataFrame(
        {
            "unit": ties["id"].to_numpy(),
            "community": ties["community"].to_numpy(),
            "pledged": np.round(mix.cobuilding_pledge_median * rng.lognormal(0.0, 0.6, n), -2),
            "since": year - rng.integers(0, 10, n),
        }
    )
