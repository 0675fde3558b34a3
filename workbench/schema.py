"""The ledger's sheets and columns: the one mapping between workbook headers and code names.

A ledger is one table per sheet. In code every column has an English name and a canonical dtype;
in the workbook the header is Chinese (English headers are accepted too). Enumerated values are
English codes in code and Chinese labels in the workbook (``Enum.labels``).

Column kinds and their canonical pandas dtypes:

========  =====================================================  =====================
kind      meaning                                                dtype
========  =====================================================  =====================
id        unique identifier of a row in its sheet                ``object`` (str)
ref       id of a row in another sheet (``Column.ref``)          ``object`` (str/None)
refs      ``;``-separated ids of rows in another sheet           ``object`` (str/None)
text      free text                                              ``object`` (str/None)
enum      one of ``Column.enum`` codes                           ``object`` (str/None)
int       whole number (``unit`` says of what)                   ``Int64``
float     real number (``unit`` says of what)                    ``float64``
bool      yes/no (是/否 in the workbook)                         ``boolean``
date      calendar date                                          ``datetime64[ns]``
========  =====================================================  =====================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd


@dataclass(frozen=True)
class Enum:
    """An enumerated field: code → (Chinese label, English label)."""

    name: str
    labels: MappingProxyType

    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def label(self, code: str, lang: str = "zh") -> str:
        zh, en = self.labels[code]
        return zh if lang == "zh" else en


def _enum(name: str, **labels: tuple[str, str]) -> Enum:
    return Enum(name, MappingProxyType(labels))


UNIT_KIND = _enum(
    "unit_kind",
    government=("机关", "government organ"),
    institution=("事业单位", "public institution"),
    state_enterprise=("国有企业", "state-owned enterprise"),
    non_public_enterprise=("非公企业", "non-public enterprise"),
    social_org=("社会组织", "social organisation"),
    dispatched_agency=("派出机构", "dispatched agency"),
)
ORG_KIND = _enum(
    "org_kind",
    working_committee=("党工委", "working committee"),
    committee=("党委", "Party committee"),
    general_branch=("党总支", "general branch"),
    branch=("支部", "branch"),
    joint_branch=("联合支部", "joint branch"),
)
ORG_STATUS = _enum(
    "org_status",
    established=("已成立", "established"),
    preparing=("筹建中", "preparing"),
)
SEX = _enum("sex", male=("男", "male"), female=("女", "female"))
EDUCATION = _enum(
    "education",
    junior=("初中及以下", "junior secondary or less"),
    senior=("高中", "senior secondary"),
    vocational=("中专", "secondary vocational"),
    college=("大专", "junior college"),
    bachelor=("本科", "bachelor"),
    postgraduate=("研究生", "postgraduate"),
)
MEMBER_STATUS = _enum("member_status", full=("正式党员", "full"), probationary=("预备党员", "probationary"))
STAGE = _enum(
    "stage",
    applicant=("入党申请人", "applicant"),
    activist=("入党积极分子", "activist"),
    candidate=("发展对象", "development candidate"),
)
POST = _enum(
    "post",
    secretary=("书记", "secretary"),
    deputy=("副书记", "deputy secretary"),
    committee_member=("委员", "committee member"),
)
ENUMS = {e.name: e for e in (UNIT_KIND, ORG_KIND, ORG_STATUS, SEX, EDUCATION, MEMBER_STATUS, STAGE, POST)}

COLLEGE_OR_ABOVE = ("college", "bachelor", "postgraduate")
KEY_POSTS = ("secretary", "deputy")


@dataclass(frozen=True)
class Column:
    """One column of a sheet."""

    name: str
    zh: str
    en: str
    kind: str
    required: bool = False
    enum: Enum | None = None
    ref: str | None = None  # sheet whose ``id`` this column refers to
    unit: str | None = None  # "m²", "yuan/year", "year", "people", ...
    min: float | None = None
    max: float | None = None

    def header(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Sheet:
    """One sheet of the ledger."""

    name: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("id",)  # columns that identify a row
    optional: bool = False  # a workbook may leave this sheet out
    column_index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self.column_index[name]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _c(name, zh, en, kind, **kw) -> Column:
    return Column(name, zh, en, kind, **kw)


_YEAR = dict(min=1900, max=2100, unit="year")

STREET = Sheet(
    "street",
    "街道",
    "Street",
    (
        _c("id", "街道编号", "street id", "id", required=True),
        _c("name", "街道名称", "name", "text", required=True),
        _c("district", "所属区", "district", "text"),
        _c("year", "台账年份", "ledger year", "int", required=True, **_YEAR),
    ),
)
COMMUNITIES = Sheet(
    "communities",
    "社区",
    "Communities",
    (
        _c("id", "社区编号", "community id", "id", required=True),
        _c("name", "社区名称", "name", "text", required=True),
        _c("households", "户数", "households", "int", required=True, min=0, unit="households"),
        _c("residents", "常住人口", "residents", "int", min=0, unit="people"),
        _c("former_village", "原村委", "former village", "bool"),
        _c("neighbours", "相邻社区", "neighbouring communities", "refs", ref="communities"),
        _c("space_m2", "办公活动用房(平方米)", "office and activity space (m²)", "float", min=0, unit="m²"),
        _c("signage", "有牌子", "signage", "bool"),
        _c("tv", "电视机", "television", "bool"),
        _c("video_player", "录放像机", "video player", "bool"),
        _c("activity_room", "活动室", "activity room", "bool"),
        _c("study_materials", "学习资料", "study materials", "bool"),
        _c("service_centre", "社区服务中心", "service centre", "bool"),
        _c("service_projects", "服务项目数", "service projects", "int", min=0, unit="projects"),
        _c("rules_in_place", "规章制度", "rules in place", "bool"),
        _c("ledger_kept", "党建台账", "ledger kept", "bool"),
        _c("guidance_committee", "党建指导委员会", "guidance committee", "bool"),
        _c("funds_street", "街道拨款(元/年)", "street funds (yuan/year)", "float", min=0, unit="yuan/year"),
        _c(
            "funds_cobuilding",
            "共建单位资助(元/年)",
            "co-building funds (yuan/year)",
            "float",
            min=0,
            unit="yuan/year",
        ),
        _c(
            "funds_higher",
            "上级补助(元/年)",
            "higher-level grants (yuan/year)",
            "float",
            min=0,
            unit="yuan/year",
        ),
        _c("funds_other", "其他经费(元/年)", "other funds (yuan/year)", "float", min=0, unit="yuan/year"),
    ),
)
UNITS = Sheet(
    "units",
    "单位",
    "Units",
    (
        _c("id", "单位编号", "unit id", "id", required=True),
        _c("name", "单位名称", "name", "text", required=True),
        _c("community", "所在社区", "community", "ref", required=True, ref="communities"),
        _c("kind", "单位类别", "kind", "enum", required=True, enum=UNIT_KIND),
        _c("employees", "从业人数", "employees", "int", min=0, unit="people"),
        _c("young_employees", "35岁以下从业人数", "employees under 35", "int", min=0, unit="people"),
        _c("trade", "行业", "trade", "text"),
        _c("instructor", "党建指导员", "Party-building instructor", "bool"),
    ),
)
PARTY_ORGS = Sheet(
    "party_orgs",
    "党组织",
    "Party organisations",
    (
        _c("id", "党组织编号", "organisation id", "id", required=True),
        _c("name", "党组织名称", "name", "text", required=True),
        _c("kind", "组织类别", "kind", "enum", required=True, enum=ORG_KIND),
        _c("parent", "上级党组织", "parent organisation", "ref", ref="party_orgs"),
        _c("community", "所在社区", "community", "ref", ref="communities"),
        _c("status", "状态", "status", "enum", required=True, enum=ORG_STATUS),
        _c("founded", "成立年份", "year founded", "int", **_YEAR),
        _c("units", "覆盖单位", "units covered", "refs", ref="units"),
    ),
)
MEMBERS = Sheet(
    "members",
    "党员",
    "Members",
    (
        _c("id", "党员编号", "member id", "id", required=True),
        _c("name", "姓名", "name", "text"),
        _c("org", "所在党组织", "organisation", "ref", required=True, ref="party_orgs"),
        _c("unit", "工作单位", "work unit", "ref", ref="units"),
        _c("birth_year", "出生年份", "birth year", "int", required=True, **_YEAR),
        _c("sex", "性别", "sex", "enum", enum=SEX),
        _c("education", "学历", "education", "enum", enum=EDUCATION),
        _c("joined", "入党日期", "date admitted", "date", required=True),
        _c("status", "党员类别", "status", "enum", required=True, enum=MEMBER_STATUS),
        _c("occupation", "职业", "occupation", "text"),
        _c("sponsors", "入党介绍人", "sponsors", "refs", ref="members"),
    ),
)
PIPELINE = Sheet(
    "pipeline",
    "发展对象",
    "Pipeline",
    (
        _c("id", "人员编号", "person id", "id", required=True),
        _c("name", "姓名", "name", "text"),
        _c("org", "所在党组织", "organisation", "ref", required=True, ref="party_orgs"),
        _c("unit", "工作单位", "work unit", "ref", ref="units"),
        _c("birth_year", "出生年份", "birth year", "int", required=True, **_YEAR),
        _c("sex", "性别", "sex", "enum", enum=SEX),
        _c("education", "学历", "education", "enum", enum=EDUCATION),
        _c("stage", "发展阶段", "stage", "enum", required=True, enum=STAGE),
        _c("applied", "申请日期", "date applied", "date", required=True),
        _c("activist_since", "确定积极分子日期", "activist since", "date"),
        _c("candidate_since", "确定发展对象日期", "candidate since", "date"),
        _c("training_days", "集中培训天数", "training days", "int", min=0, unit="days"),
        _c("sponsors", "入党介绍人", "sponsors", "refs", ref="members"),
    ),
    optional=True,
)
CADRES = Sheet(
    "cadres",
    "社区干部",
    "Cadres",
    (
        _c("id", "干部编号", "cadre id", "id", required=True),
        _c("name", "姓名", "name", "text"),
        _c("community", "所在社区", "community", "ref", required=True, ref="communities"),
        _c("post", "职务", "post", "enum", required=True, enum=POST),
        _c("member", "党员编号", "member id", "ref", ref="members"),
        _c("birth_year", "出生年份", "birth year", "int", required=True, **_YEAR),
        _c("education", "学历", "education", "enum", enum=EDUCATION),
        _c("term_start", "任期开始年份", "term start", "int", **_YEAR),
        _c("former_village_cadre", "原村干部", "former village cadre", "bool"),
        _c("reserve", "后备干部", "reserve", "bool"),
        _c("ready", "可接任", "ready", "bool"),
    ),
)
ACTIVITIES = Sheet(
    "activities",
    "活动",
    "Activities",
    (
        _c("community", "社区", "community", "ref", required=True, ref="communities"),
        _c("year", "年份", "year", "int", required=True, **_YEAR),
        _c("kind", "活动类别", "kind", "text", required=True),
        _c("count", "次数", "count", "int", required=True, min=0, unit="times"),
    ),
    key=("community", "year", "kind"),
    optional=True,
)
COBUILDING = Sheet(
    "cobuilding",
    "共建",
    "Co-building",
    (
        _c("unit", "共建单位", "unit", "ref", required=True, ref="units"),
        _c("community", "共建社区", "community", "ref", required=True, ref="communities"),
        _c("pledged", "认捐金额(元/年)", "pledged (yuan/year)", "float", min=0, unit="yuan/year"),
        _c("since", "起始年份", "since", "int", **_YEAR),
    ),
    key=("unit", "community"),
    optional=True,
)

SHEETS: dict[str, Sheet] = {
    s.name: s
    for s in (STREET, COMMUNITIES, UNITS, PARTY_ORGS, MEMBERS, PIPELINE, CADRES, ACTIVITIES, COBUILDING)
}
FUND_COLUMNS = ("funds_street", "funds_cobuilding", "funds_higher", "funds_other")

_DTYPES = {
    "id": object,
    "ref": object,
    "refs": object,
    "text": object,
    "enum": object,
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "date": "datetime64[ns]",
}


def dtype(column: Column):
    """The canonical pandas dtype of a column."""
    return _DTYPES[column.kind]


def empty_table(sheet: str) -> pd.DataFrame:
    """A table with the sheet's columns in canonical dtypes and no rows."""
    return canonical(sheet, pd.DataFrame({c: [] for c in SHEETS[sheet].names}))


def canonical(sheet: str, table: pd.DataFrame) -> pd.DataFrame:
    """Cast an already clean table to the canonical column order and dtypes.

    Text-like cells become ``str`` or ``None`` (never NaN). This does no validation: messy input
    goes through :func:`workbench.ledger.read_ledger`, which reports what it cannot read.
    """
    spec = SHEETS[sheet]
    out = {}
    for col in spec.columns:
        values = table[col.name] if col.name in table else pd.Series([None] * len(table), dtype=object)
        target = dtype(col)
        if target is object:
            out[col.name] = _text(pd.Series(values, index=table.index, dtype=object))
        else:
            out[col.name] = pd.Series(values, index=table.index).astype(target)
    return pd.DataFrame(out).reset_index(drop=True)


def _text(values: pd.Series) -> pd.Series:
    """Cells as ``str``, blanks (None, NaN, NA, "") as ``None``; vectorised when all are text."""
    missing = values.isna().to_numpy() | (values == "").to_numpy(dtype=bool)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        values = values.map(str, na_action="ignore")
    return values.astype(object).where(~missing, None)


def split_refs(value: str | None) -> list[str]:
    """The ids in a ``refs`` cell (``;``-separated; ``；``, ``,`` and ``、`` also accepted)."""
    if value is None:
        return []
    for sep in ("；", ",", "，", "、"):
        value = value.replace(sep, ";")
    return [part.strip() for part in value.split(";") if part.strip()]


def join_refs(ids) -> str | None:
    """The ``refs`` cell for a list of ids."""
    ids = [str(i) for i in ids]
    return ";".join(ids) if ids else None
