"""Shared fixtures: ``tiny_ledger``, a small hand-built valid ledger every module can test against."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.ledger import Ledger


def _members() -> pd.DataFrame:
    """Three full members in each established branch, one probationary in 汇丰's branch."""
    rows = []
    plan = [
        ("P1", None, 3),
        ("P2", None, 3),
        ("P3", None, 3),
        ("P4", "U1", 3),
        ("P5", "U2", 1),
        ("P5", "U3", 2),
    ]
    number = 0
    for org, unit, count in plan:
        for _ in range(count):
            number += 1
            rows.append(
                {
                    "id": f"M{number:02d}",
                    "name": f"党员{number}",
                    "org": org,
                    "unit": unit,
                    "birth_year": 1940 + 2 * number,
                    "sex": "male" if number % 2 else "female",
                    "education": ("junior", "senior", "college", "bachelor")[number % 4],
                    "joined": pd.Timestamp(1965 + 2 * number, 7, 1),
                    "status": "full",
                    "occupation": None,
                    "sponsors": None,
                }
            )
    rows.append(
        {
            "id": "M99",
            "name": "新党员",
            "org": "P1",
            "unit": None,
            "birth_year": 1978,
            "sex": "female",
            "education": "bachelor",
            "joined": pd.Timestamp(2003, 3, 1),
            "status": "probationary",
            "occupation": "教师",
            "sponsors": "M01;M02",
        }
    )
    return pd.DataFrame(rows)


def make_tiny_ledger() -> Ledger:
    """A valid street of three communities in 2003 (no errors, no warnings)."""
    street = pd.DataFrame([{"id": "S1", "name": "示范街道", "district": "新区", "year": 2003}])
    communities = pd.DataFrame(
        {
            "id": ["C1", "C2", "C3"],
            "name": ["汇丰", "燕兴", "东村"],
            "households": [1200, 950, 600],
            "residents": [3600, 2900, 1900],
            "former_village": [True, True, True],
            "neighbours": ["C2", "C1;C3", "C2"],
            "space_m2": [120.0, 100.0, 40.5],
            "signage": [True, True, False],
            "tv": [True, True, False],
            "video_player": [True, True, None],
            "activity_room": [True, True, False],
            "study_materials": [True, True, False],
            "service_centre": [True, False, False],
            "service_projects": [6, 5, 5],
            "rules_in_place": [True, True, False],
            "ledger_kept": [True, True, True],
            "guidance_committee": [False, False, False],
            "funds_street": [20000.0, 18000.0, 15000.0],
            "funds_cobuilding": [2000.0, 0.0, 0.0],
            "funds_higher": [None, None, None],
            "funds_other": [0.0, 0.0, 500.0],
        }
    )
    units = pd.DataFrame(
        {
            "id": ["U1", "U2", "U3", "U4", "U5"],
            "name": ["街道卫生院", "汇丰五金厂", "燕兴物流", "燕兴老年协会", "东村小卖部"],
            "community": ["C1", "C1", "C2", "C2", "C3"],
            "kind": [
                "institution",
                "non_public_enterprise",
                "non_public_enterprise",
                "social_org",
                "non_public_enterprise",
            ],
            "employees": [40, 25, 18, 6, 3],
            "young_employees": [12, 15, 10, 0, 1],
            "trade": ["卫生", "制造", "物流", None, "零售"],
            "instructor": [False, False, False, True, False],
        }
    )
    party_orgs = pd.DataFrame(
        {
            "id": ["P0", "P1", "P2", "P3", "P4", "P5", "P6"],
            "name": [
                "示范街道党工委",
                "汇丰社区党支部",
                "燕兴社区党支部",
                "东村社区党支部",
                "街道卫生院党支部",
                "汇丰燕兴非公企业联合支部",
                "燕兴老年协会党支部",
            ],
            "kind": ["working_committee", "branch", "branch", "branch", "branch", "joint_branch", "branch"],
            "parent": [None, "P0", "P0", "P0", "P0", "P0", "P0"],
            "community": [None, "C1", "C2", "C3", "C1", "C1", "C2"],
            "status": ["established"] * 6 + ["preparing"],
            "founded": [2003, 2003, 2003, 2003, 1998, 2003, None],
            "units": [None, None, None, None, "U1", "U2;U3", "U4"],
        }
    )
    pipeline = pd.DataFrame(
        {
            "id": ["A1", "A2"],
            "name": ["申请人甲", "积极分子乙"],
            "org": ["P1", "P5"],
            "unit": [None, "U2"],
            "birth_year": [1980, 1976],
            "sex": ["male", "female"],
            "education": ["college", "vocational"],
            "stage": ["applicant", "candidate"],
            "applied": [pd.Timestamp(2003, 5, 10), pd.Timestamp(2001, 4, 1)],
            "activist_since": [None, pd.Timestamp(2001, 9, 1)],
            "candidate_since": [None, pd.Timestamp(2003, 1, 15)],
            "training_days": [None, 3],
            "sponsors": [None, "M13;M14"],
        }
    )
    cadres = pd.DataFrame(
        {
            "id": ["K1", "K2", "K3", "K4"],
            "name": ["书记甲", "副书记乙", "书记丙", "委员丁"],
            "community": ["C1", "C1", "C2", "C3"],
            "post": ["secretary", "deputy", "secretary", "committee_member"],
            "member": ["M01", "M02", "M04", None],
            "birth_year": [1958, 1968, 1962, 1975],
            "education": ["senior", "college", "junior", "bachelor"],
            "term_start": [2003, 2003, 2003, 2003],
            "former_village_cadre": [True, False, True, False],
            "reserve": [False, False, False, True],
            "ready": [False, False, False, False],
        }
    )
    activities = pd.DataFrame(
        {
            "community": ["C1", "C1", "C2"],
            "year": [2003, 2003, 2003],
            "kind": ["党课", "志愿服务", "党课"],
            "count": [4, 6, 2],
        }
    )
    cobuilding = pd.DataFrame(
        {"unit": ["U1", "U2"], "community": ["C1", "C1"], "pledged": [2000.0, None], "since": [2003, 2003]}
    )
    return Ledger.from_tables(
        street=street,
        communities=communities,
        units=units,
        party_orgs=party_orgs,
        members=_members(),
        pipeline=pipeline,
        cadres=cadres,
        activities=activities,
        cobuilding=cobuilding,
    )


@pytest.fixture
def tiny_ledger() -> Ledger:
    """A small valid ledger: 3 communities, 5 units of 4 kinds, 7 organisations incl. a joint branch
    (P5 covering U2;U3), 16 members (one probationary), 2 people in the pipeline, 4 cadres,
    activities and co-building ties. Build a fresh one per test (``make_tiny_ledger``)."""
    return make_tiny_ledger()
