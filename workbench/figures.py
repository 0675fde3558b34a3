"""The registry of per-community figures that rubrics test and engines project.

A figure is one number per community (and per year in a projection). The scorecard computes
today's figures from a ledger (:func:`workbench.indicators.figures`); each engine writes the
figures it projects into the long results table under the same names, so the rubric scores any
year of any run alike. A rubric indicator names one of these figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    zh: str
    en: str
    unit: str = ""  # "", "share", "m²", "yuan", "years", "people", ...
    boolean: bool = False  # 1 = yes, 0 = no

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _f(name, zh, en, unit="", boolean=False) -> Figure:
    return Figure(name, zh, en, unit, boolean)


FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        # 有组织 organisation
        _f("has_branch", "社区党支部已建立", "community branch exists", boolean=True),
        _f("org_coverage", "单位党组织覆盖率", "unit organisation coverage", "share"),
        _f(
            "npe_org_coverage", "非公企业党组织覆盖率", "non-public enterprise organisation coverage", "share"
        ),
        _f("social_org_coverage", "社会组织党组织覆盖率", "social organisation coverage", "share"),
        _f("work_coverage", "党的工作覆盖率", "work coverage", "share"),
        _f("guidance_committee", "党建指导委员会已成立", "guidance committee set up", boolean=True),
        # 有阵地 venue
        _f("space_m2", "办公活动用房面积", "office and activity space", "m²"),
        _f("space_per_100_households", "每百户服务用房面积", "space per 100 households", "m²"),
        _f("signage", "有牌子", "signage", boolean=True),
        _f("tv", "有电视机", "television", boolean=True),
        _f("video_player", "有录放像机", "video player", boolean=True),
        _f("activity_room", "有活动室", "activity room", boolean=True),
        _f("two_machines_one_room", "两机一室齐全", "two machines and one room", boolean=True),
        _f("study_materials", "有学习资料", "study materials", boolean=True),
        _f("service_centre", "有社区服务中心", "service centre", boolean=True),
        # 有队伍 team
        _f("secretary_below_retirement", "书记未到退休年龄", "secretary below retirement age", boolean=True),
        _f(
            "ready_reserves_per_key_post",
            "每个关键岗位可接任后备干部数",
            "ready reserves per key post",
            "people",
        ),
        _f("years_since_admission", "距上次发展党员年数", "years since last admission", "years"),
        _f("cadre_mean_age", "干部平均年龄", "cadre mean age", "years"),
        _f("cadres_under_35", "35岁以下干部数", "cadres under 35", "people"),
        _f("cadre_share_under_35", "35岁以下干部占比", "share of cadres under 35", "share"),
        _f("cadre_share_college", "大专以上学历干部占比", "share of cadres with college education", "share"),
        _f("vacant_posts", "空缺岗位数", "vacant posts", "posts"),
        _f("full_members", "正式党员数", "full members", "people"),
        _f("members_admitted", "当年发展党员数", "members admitted this year", "people"),
        _f("succession_risk", "接班风险", "succession risk", "share"),
        # 有经费 funding
        _f("funds_total", "年度经费", "annual funds", "yuan"),
        _f("funds_per_household", "户均经费", "funds per household", "yuan"),
        _f("non_street_funds_share", "非街道经费占比", "share of funds not from the street", "share"),
        # 有活动（有制度） activities and rules
        _f("rules_in_place", "规章制度健全", "rules in place", boolean=True),
        _f("ledger_kept", "建立党建台账", "ledger kept", boolean=True),
        _f("service_projects", "社区服务项目数", "service projects", "projects"),
        _f("activities_per_year", "年度活动次数", "activities a year", "times"),
    )
}
