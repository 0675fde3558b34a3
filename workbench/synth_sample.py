"""The bundled sample street (示范街道) in its founding year, 2003 (DESIGN §2).

Six communities grew out of the former villages at the end of 2002 and each got its Party branch
in 2003. Two pilots (汇丰, 燕兴) have good venues; the four communities behind the former village
committees (三井, 河海, 龙虎, 薛家) lack some of the pilot standard (signage, "two machines and one
room", study materials) and have little space. The figures are invented, but every fact of the
case holds: cadres average about 40 and most secretaries are former village cadres; one branch has
admitted nobody for six years; one non-public enterprise organisation is established and two are
in preparation; each community runs five or six service projects; almost all money comes from the
street; the guidance committee is not yet set up.

Everything is written out or derived by fixed arithmetic (no random numbers), so the ledger is the
same on every machine. :func:`sample_ledger` is what ``data/sample/sample_street.xlsx`` holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .ledger import Ledger
from .settings import RULES, Rules

YEAR = 2003
WORKING_COMMITTEE = "P00"

# id, name, households, residents, former village, space m², signage, tv, video player,
# activity room, study materials, service centre, service projects, funds: street, co-building,
# higher level, other (yuan/year)
_COMMUNITIES = (
    ("C01", "汇丰", 2150, 6020, False, 160.0, 1, 1, 1, 1, 1, 1, 6, 38_000.0, 2_000.0, 0.0, 1_000.0),
    ("C02", "燕兴", 1860, 5210, False, 140.0, 1, 1, 1, 1, 1, 0, 6, 36_000.0, 1_200.0, 0.0, 800.0),
    ("C03", "三井", 1240, 3470, True, 60.0, 1, 1, 0, 0, 1, 0, 5, 26_000.0, 0.0, 0.0, 500.0),
    ("C04", "河海", 1080, 3020, True, 45.0, 1, 0, 0, 1, 0, 0, 6, 25_000.0, 0.0, 0.0, 0.0),
    ("C05", "龙虎", 960, 2690, True, 35.0, 0, 1, 0, 0, 1, 0, 5, 24_000.0, 0.0, 0.0, 0.0),
    ("C06", "薛家", 870, 2440, True, 30.0, 0, 0, 0, 0, 0, 0, 5, 22_000.0, 0.0, 0.0, 300.0),
)
_NEIGHBOURS = (("C01", "C02"), ("C01", "C03"), ("C02", "C04"), ("C03", "C04"), ("C03", "C05"))
_NEIGHBOURS += (("C04", "C06"), ("C05", "C06"))

# id, community, name, kind, employees, employees under 35, trade, instructor,
# (own organisation: id, kind, parent, status, founded) or None
_G, _I, _S, _N, _O, _D = (
    "government",
    "institution",
    "state_enterprise",
    "non_public_enterprise",
    "social_org",
    "dispatched_agency",
)
_UNITS = (
    (
        "U01",
        "C01",
        "示范街道办事处",
        _G,
        45,
        18,
        "公共管理",
        False,
        ("P07", "街道机关", WORKING_COMMITTEE, 2003),
    ),
    ("U02", "C01", "示范区汇丰小学", _I, 62, 25, "教育", False, ("P08", "汇丰小学", None, 1986)),
    (
        "U03",
        "C01",
        "示范区工商分局汇丰工商所",
        _D,
        12,
        5,
        "市场监管",
        False,
        ("P09", "汇丰工商所", None, 1995),
    ),
    ("U04", "C01", "示范区税务局汇丰税务所", _D, 15, 6, "税务", False, ("P10", "汇丰税务所", None, 1994)),
    (
        "U05",
        "C01",
        "汇丰电子有限公司",
        _N,
        180,
        120,
        "电子制造",
        False,
        ("P11", "汇丰电子", WORKING_COMMITTEE, 2003),
    ),
    ("U06", "C01", "宏达五金厂", _N, 35, 20, "金属制品", False, None),
    ("U07", "C01", "汇丰超市", _N, 22, 15, "零售", False, None),
    ("U08", "C01", "新城餐饮有限公司", _N, 18, 12, "餐饮", False, None),
    ("U09", "C01", "汇丰老年协会", _O, 8, 0, "社会服务", False, None),
    ("U10", "C01", "金桥物流有限公司", _N, 40, 28, "物流", False, None),
    ("U11", "C02", "示范区公安分局燕兴派出所", _D, 28, 14, "公安", False, ("P12", "燕兴派出所", None, 1992)),
    ("U12", "C02", "示范区人民医院燕兴分院", _I, 85, 40, "卫生", False, ("P13", "燕兴分院", None, 1988)),
    ("U13", "C02", "示范区供电公司燕兴供电所", _S, 46, 15, "电力", False, ("P14", "燕兴供电所", None, 1990)),
    (
        "U14",
        "C02",
        "燕兴纺织有限公司",
        _N,
        260,
        190,
        "纺织",
        True,
        ("P15", "燕兴纺织", WORKING_COMMITTEE, None),
    ),
    ("U15", "C02", "燕兴建材有限公司", _N, 45, 25, "建材", False, None),
    ("U16", "C02", "燕兴汽车修理厂", _N, 12, 8, "汽车维修", False, None),
    ("U17", "C02", "燕兴商贸有限公司", _N, 16, 10, "批发", False, None),
    ("U18", "C02", "燕兴幼儿园", _O, 14, 10, "教育", False, None),
    ("U19", "C02", "燕兴印刷厂", _N, 30, 18, "印刷", False, None),
    ("U20", "C03", "示范区三井中学", _I, 70, 28, "教育", False, ("P16", "三井中学", None, 1984)),
    ("U21", "C03", "示范区自来水公司三井水厂", _S, 52, 16, "供水", False, ("P17", "三井水厂", None, 1991)),
    (
        "U22",
        "C03",
        "三井机械有限公司",
        _N,
        150,
        95,
        "机械制造",
        True,
        ("P18", "三井机械", WORKING_COMMITTEE, None),
    ),
    ("U23", "C03", "三井塑料制品厂", _N, 40, 26, "塑料", False, None),
    ("U24", "C03", "三井砖瓦厂", _N, 25, 8, "建材", False, None),
    ("U25", "C03", "三井农贸市场", _N, 20, 6, "零售", False, None),
    ("U26", "C03", "三井个体劳动者协会", _O, 5, 2, "社会服务", False, None),
    ("U27", "C03", "三井服装厂", _N, 60, 48, "服装", False, None),
    ("U28", "C04", "示范区河海卫生服务站", _I, 10, 5, "卫生", False, None),
    ("U29", "C04", "示范区粮食储备库", _S, 30, 6, "仓储", False, ("P19", "粮食储备库", None, 1980)),
    ("U30", "C04", "河海化工有限公司", _N, 90, 55, "化工", False, None),
    ("U31", "C04", "河海船舶配件厂", _N, 35, 20, "机械制造", False, None),
    ("U32", "C04", "河海水产养殖场", _N, 15, 4, "农业", False, None),
    ("U33", "C04", "河海物业管理有限公司", _N, 25, 10, "物业", False, None),
    ("U34", "C04", "河海文体协会", _O, 6, 3, "文体", False, None),
    ("U35", "C04", "河海家具厂", _N, 28, 18, "家具", False, None),
    ("U36", "C05", "示范区龙虎小学", _I, 40, 15, "教育", False, ("P20", "龙虎小学", None, 1983)),
    ("U37", "C05", "龙虎食品有限公司", _N, 75, 50, "食品", False, None),
    ("U38", "C05", "龙虎运输队", _N, 20, 8, "运输", False, None),
    ("U39", "C05", "龙虎木器厂", _N, 18, 10, "家具", False, None),
    ("U40", "C05", "龙虎石材加工厂", _N, 22, 9, "建材", False, None),
    ("U41", "C05", "龙虎红白理事会", _O, 7, 1, "社会服务", False, None),
    ("U42", "C05", "示范区邮政局龙虎邮政所", _S, 8, 4, "邮政", False, None),
    ("U43", "C06", "示范区农村信用社薛家分社", _S, 12, 5, "金融", False, ("P21", "薛家信用分社", None, 1996)),
    ("U44", "C06", "薛家电器有限公司", _N, 110, 80, "电器", False, None),
    ("U45", "C06", "薛家针织厂", _N, 45, 35, "纺织", False, None),
    ("U46", "C06", "薛家养殖场", _N, 10, 3, "农业", False, None),
    ("U47", "C06", "薛家建筑队", _N, 55, 20, "建筑", False, None),
    ("U48", "C06", "薛家村民互助会", _O, 6, 1, "社会服务", False, None),
    (
        "U49",
        "C06",
        "示范区城管执法大队薛家中队",
        _D,
        20,
        12,
        "城市管理",
        False,
        ("P22", "城管薛家中队", None, 2001),
    ),
)

# Party members: organisation → (members who are not cadres, date of the newest admission,
# status of the newest member, {unit: members of that unit kept in a community branch}).
# A community branch holds the residents and the members of units without an organisation.
_MEMBERSHIP = {
    "P01": (38, "2003-07-01", "probationary", {"U06": 1, "U09": 2}),
    "P02": (32, "2002-06-28", "full", {"U14": 2, "U15": 1}),
    "P03": (28, "2001-07-01", "full", {"U22": 2, "U23": 1}),
    "P04": (24, "2000-06-30", "full", {"U28": 2, "U30": 1}),
    "P05": (21, "1997-07-01", "full", {"U37": 1, "U42": 2}),
    "P06": (19, "1998-12-20", "full", {"U44": 1, "U47": 1}),
    "P07": (16, "2003-06-25", "probationary", {}),
    "P08": (11, "2002-07-01", "full", {}),
    "P09": (5, "1999-07-01", "full", {}),
    "P10": (6, "2001-06-30", "full", {}),
    "P11": (4, "2002-12-01", "full", {}),
    "P12": (9, "2002-06-20", "full", {}),
    "P13": (14, "2001-12-25", "full", {}),
    "P14": (12, "2000-07-01", "full", {}),
    "P16": (13, "2002-06-30", "full", {}),
    "P17": (10, "1999-12-28", "full", {}),
    "P19": (8, "1996-07-01", "full", {}),
    "P20": (7, "2000-12-20", "full", {}),
    "P21": (3, "1998-06-30", "full", {}),
    "P22": (4, "2001-07-01", "full", {}),
}

# Community committees (sitting cadres): per community the secretary, the deputy, then the
# members: age, education, Party member, former village cadre.
_CADRES = {
    "C01": (
        (46, "college", 1, 0),
        (41, "senior", 1, 1),
        (35, "college", 1, 0),
        (38, "senior", 0, 1),
        (44, "senior", 0, 1),
        (33, "vocational", 0, 0),
        (27, "college", 0, 0),
    ),
    "C02": (
        (51, "senior", 1, 1),
        (43, "senior", 1, 1),
        (37, "vocational", 1, 1),
        (31, "college", 0, 0),
        (40, "junior", 0, 1),
        (45, "junior", 0, 1),
    ),
    "C03": (
        (53, "junior", 1, 1),
        (45, "senior", 1, 1),
        (39, "senior", 1, 1),
        (34, "vocational", 0, 0),
        (42, "junior", 0, 1),
        (36, "senior", 0, 1),
    ),
    "C04": (
        (49, "senior", 1, 1),
        (44, "junior", 1, 1),
        (38, "senior", 0, 1),
        (33, "vocational", 0, 0),
        (41, "junior", 1, 1),
        (40, "senior", 0, 1),
    ),
    "C05": (
        (55, "junior", 1, 1),
        (47, "junior", 1, 1),
        (36, "senior", 0, 1),
        (30, "vocational", 0, 0),
        (39, "junior", 1, 1),
    ),
    "C06": (
        (52, "junior", 1, 1),
        (42, "senior", 1, 1),
        (37, "junior", 0, 1),
        (35, "senior", 0, 0),
        (41, "junior", 1, 1),
    ),
}
# Reserve cadres (后备干部): community, key post, age, education, Party member, former village
# cadre, ready to take over.
_RESERVES = (("C01", "secretary", 32, "college", 1, 0, 1), ("C02", "deputy", 28, "college", 1, 0, 0))

# The pipeline: organisation, unit, birth year, sex, education, stage, applied, activist since,
# candidate since, training days.
_PIPELINE = (
    ("P11", "U05", 1979, "female", "bachelor", "applicant", "2003-10-08", None, None, None),
    ("P01", None, 1976, "male", "college", "activist", "2002-09-02", "2002-11-15", None, None),
    ("P01", None, 1974, "female", "vocational", "candidate", "2001-10-10", "2001-12-20", "2003-05-12", 5),
    ("P02", "U14", 1981, "female", "senior", "applicant", "2003-11-03", None, None, None),
    ("P02", None, 1980, "male", "vocational", "activist", "2003-03-05", "2003-05-20", None, None),
    ("P03", "U22", 1977, "male", "vocational", "applicant", "2003-06-16", None, None, None),
    ("P04", None, 1972, "male", "senior", "activist", "2002-04-10", "2002-07-01", None, None),
    ("P06", None, 1969, "female", "junior", "applicant", "2003-08-20", None, None, None),
    ("P07", "U01", 1978, "male", "bachelor", "candidate", "2001-04-02", "2001-06-18", "2003-09-10", 7),
)

_ACTIVITY_KINDS = ("党员学习", "特困帮扶", "党员结对帮教", "社区文娱活动", "社区文化艺术节")
# times per year of each kind, per community
_ACTIVITIES = {
    "C01": (12, 10, 8, 6, 1),
    "C02": (12, 8, 6, 5, 1),
    "C03": (10, 6, 4, 3, 1),
    "C04": (8, 6, 4, 3, 1),
    "C05": (6, 4, 2, 2, 1),
    "C06": (6, 5, 3, 2, 1),
}
# unit, community, pledged yuan/year, since
_COBUILDING = (("U05", "C01", 2_000.0, 2003), ("U13", "C02", 1_200.0, 2003))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN_NAMES = {  # invented given names by sex
    "male": "建国 志强 建华 文明 德胜 春生 卫东 立新 永昌 明亮 长林 家富 宝山 振华 晓东 福生 国庆 伟 勇 磊".split(),  # noqa: SIM905
    "female": "秀英 桂英 玉兰 海燕 红梅 淑珍 金凤 美华 丽娟 秋菊 凤英 雪梅 桂兰 小红 静 敏 芳 洁 丽 霞".split(),  # noqa: SIM905
}
_JOINING_SPAN_DAYS = 25 * 365  # members of the sample joined within 25 years of coming of age
_OCCUPATIONS = {"resident": ("务农", "退休", "个体经营", "居民"), "staff": ("职工", "干部", "专业技术人员")}


def sample_ledger(*, rules: Rules = RULES) -> Ledger:
    """The sample street (示范街道) in 2003: 6 communities, 49 units, 22 organisations.

    Deterministic: the same ledger on every call and machine. ``rules`` supplies the pipeline
    stage rules the sample's dates respect.
    """
    cadres, cadre_members = _cadres()
    members = _members(cadre_members, rules=rules)
    names = members.set_index("id")["name"]
    sex = pd.Series(np.where(_quasi(len(cadres), 3) < 0.6, "male", "female"))
    cadres["name"] = cadres["member"].map(names).fillna(pd.Series(_names(sex, offset=len(names) + 20)))
    return Ledger.from_tables(
        street=pd.DataFrame({"id": ["S01"], "name": ["示范街道"], "district": ["示范区"], "year": [YEAR]}),
        communities=_communities(),
        units=_units(),
        party_orgs=_party_orgs(rules),
        members=members,
        pipeline=_pipeline(members, rules),
        cadres=cadres,
        activities=pd.DataFrame(
            [
                (community, YEAR, kind, count)
                for community, counts in _ACTIVITIES.items()
                for kind, count in zip(_ACTIVITY_KINDS, counts, strict=True)
            ],
            columns=["community", "year", "kind", "count"],
        ),
        cobuilding=pd.DataFrame(_COBUILDING, columns=["unit", "community", "pledged", "since"]),
    )


def _communities() -> pd.DataFrame:
    venue = ["signage", "tv", "video_player", "activity_room", "study_materials", "service_centre"]
    columns = ["id", "name", "households", "residents", "former_village", "space_m2", *venue]
    columns += ["service_projects", "funds_street", "funds_cobuilding", "funds_higher", "funds_other"]
    table = pd.DataFrame(_COMMUNITIES, columns=columns)
    table[venue] = table[venue].astype(bool)
    table["name"] = table["name"] + "社区"
    neighbours = {c: [] for c in table["id"]}
    for a, b in _NEIGHBOURS:
        neighbours[a].append(b)
        neighbours[b].append(a)
    table["neighbours"] = [";".join(sorted(neighbours[c])) for c in table["id"]]
    table["rules_in_place"] = True
    table["ledger_kept"] = True
    table["guidance_committee"] = False
    return table


def _units() -> pd.DataFrame:
    columns = ["id", "community", "name", "kind", "employees", "young_employees", "trade", "instructor"]
    return pd.DataFrame([u[:-1] for u in _UNITS], columns=columns)


def _party_orgs(rules: Rules) -> pd.DataFrame:
    rows = [(WORKING_COMMITTEE, "示范街道党工委", "working_committee", None, None, "established", YEAR, None)]
    rows += [
        (f"P{i:02d}", f"{name}社区党支部", "branch", WORKING_COMMITTEE, cid, "established", YEAR, None)
        for i, (cid, name, *_) in enumerate(_COMMUNITIES, start=1)
    ]
    for uid, community, _, _, _, _, _, _, org in _UNITS:
        if org is not None:
            oid, short, parent, founded = org
            status = "established" if founded is not None else "preparing"
            size = _MEMBERSHIP[oid][0] if oid in _MEMBERSHIP else 0
            kind = rules.org_kind_for_size(size) if size else "branch"
            rows.append((oid, f"{short}党支部", kind, parent, community, status, founded, uid))
    columns = ["id", "name", "kind", "parent", "community", "status", "founded", "units"]
    return pd.DataFrame(rows, columns=columns)


def _quasi(n: int, stream: int) -> np.ndarray:
    """``n`` evenly spread numbers in [0, 1): the additive recurrence of √p for the stream's prime."""
    step = np.sqrt((2, 3, 5, 7, 11, 13, 17, 19)[stream]) % 1
    return (np.arange(1, n + 1) * step) % 1


def _cadres() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sitting and reserve cadres and, for cadres who are Party members, their member rows."""
    key_posts = ("secretary", "deputy")
    people = [
        (community, key_posts[k] if k < len(key_posts) else "committee_member", *person, False, False)
        for community, committee in _CADRES.items()
        for k, person in enumerate(committee)
    ]
    people += [
        (community, post, *person[:-1], True, bool(person[-1])) for community, post, *person in _RESERVES
    ]
    rows, members = [], []
    for community, post, age, education, member, village, reserve, ready in people:
        member_id = f"M{len(members) + 1:03d}" if member else None
        birth = YEAR - age
        cadre_id = f"K{len(rows) + 1:02d}"
        rows.append(
            (cadre_id, community, post, member_id, birth, education, YEAR, bool(village), reserve, ready)
        )
        if member:
            branch = f"P{int(community[1:]):02d}"
            members.append((member_id, branch, None, birth, education, "社区干部"))
    columns = ["id", "community", "post", "member", "birth_year", "education", "term_start"]
    cadres = pd.DataFrame(rows, columns=[*columns, "former_village_cadre", "reserve", "ready"])
    return cadres, pd.DataFrame(
        members, columns=["id", "org", "unit", "birth_year", "education", "occupation"]
    )


def _members(cadre_members: pd.DataFrame, *, rules: Rules) -> pd.DataFrame:
    """Cadre members plus, per organisation, members of units and residents or staff.

    Residents are older (mean age near 57), staff of working age, each organisation's newest
    member is young. Everyone joined after turning ``rules.min_applicant_age`` and no later than
    the organisation's newest admission; cadres have been members long enough to be reserves.
    """
    rows = [cadre_members.assign(newest=False, cadre=True)]
    for org, (count, newest, _, attached) in _MEMBERSHIP.items():
        community_branch = int(org[1:]) <= len(_COMMUNITIES)
        if community_branch:
            units = [u for u, k in attached.items() for _ in range(k)]
        else:
            units = [next(u[0] for u in _UNITS if u[-1] and u[-1][0] == org)] * count
        k = np.arange(count)
        resident = 26 + np.round(56 * _quasi(count, int(org[1:]) % 7) ** 0.8)
        staff = 24 + np.round(34 * _quasi(count, 7))
        age = np.where(k < len(units), staff, resident)
        age[-1] = 27 + int(org[1:]) % 8
        oldest_newcomer = YEAR - int(newest[:4]) + rules.min_applicant_age + 2
        occupation = np.array(_OCCUPATIONS["staff" if k.size == len(units) else "resident"])
        rows.append(
            pd.DataFrame(
                {
                    "org": org,
                    "unit": units + [None] * (count - len(units)),
                    "birth_year": YEAR - np.maximum(age, oldest_newcomer).astype(int),
                    "occupation": np.where(k < len(units), "职工", occupation[k % len(occupation)]),
                    "newest": k == count - 1,
                    "cadre": False,
                }
            )
        )
    table = pd.concat(rows, ignore_index=True)
    n = len(table)
    table["id"] = [f"M{i:03d}" for i in range(1, n + 1)]
    table["sex"] = np.where(_quasi(n, 5) < 0.68, "male", "female")
    table["name"] = _names(table["sex"], offset=0)
    ladder = np.array(["college", "vocational", "senior", "junior", "junior", "junior"])
    age = YEAR - table["birth_year"].to_numpy()
    schooling = ladder[np.digitize(age, [36, 46, 56, 66]) + (_quasi(n, 4) < 0.4)]
    table["education"] = table["education"].fillna(pd.Series(schooling))
    newest = pd.to_datetime(table["org"].map({o: spec[1] for o, spec in _MEMBERSHIP.items()}))
    seasoned = pd.Timestamp(YEAR - rules.reserve_min_member_years - 1, 7, 1)
    latest = newest.where(~table["cadre"], newest.clip(upper=seasoned))
    earliest = pd.to_datetime((table["birth_year"] + rules.min_applicant_age + 2).astype(str) + "-07-01")
    span = (latest - earliest).dt.days.clip(lower=0, upper=_JOINING_SPAN_DAYS)
    joined = (earliest + pd.to_timedelta(np.round(span * _quasi(n, 6) ** 0.6), unit="D")).clip(upper=latest)
    table["joined"] = joined.where(~table["newest"], newest).dt.normalize()
    status = table["org"].map({o: spec[2] for o, spec in _MEMBERSHIP.items()})
    table["status"] = np.where(table["newest"], status, "full")
    table["sponsors"] = None
    for index in table.index[table["status"] == "probationary"]:
        peers = table[(table["org"] == table.at[index, "org"]) & (table["status"] == "full")]
        table.at[index, "sponsors"] = ";".join(peers["id"].iloc[: rules.sponsors_required])
    return table.drop(columns=["newest", "cadre"])


def _pipeline(members: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    columns = ["org", "unit", "birth_year", "sex", "education", "stage", "applied"]
    columns += ["activist_since", "candidate_since", "training_days"]
    table = pd.DataFrame(_PIPELINE, columns=columns)
    for column in ("applied", "activist_since", "candidate_since"):
        table[column] = pd.to_datetime(table[column])
    table.insert(0, "id", [f"A{i:02d}" for i in range(1, len(table) + 1)])
    table["name"] = _names(table["sex"], offset=len(members))
    full = members[members["status"] == "full"]
    table["sponsors"] = [
        ";".join(full.loc[full["org"] == org, "id"].iloc[: rules.sponsors_required])
        if stage == "candidate"
        else None
        for org, stage in zip(table["org"], table["stage"], strict=True)
    ]
    return table


def _names(sex: pd.Series, *, offset: int) -> list[str]:
    """Invented Chinese names, fixed by position (surname and given name cycle at different rates)."""
    return [
        SURNAMES[(7 * i) % len(SURNAMES)] + GIVEN_NAMES[s][(11 * i + i // 40) % len(GIVEN_NAMES[s])]
        for i, s in enumerate(sex, start=offset)
    ]
